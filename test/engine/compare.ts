/**
 * Shared by the kernel tests: the float32 error measure (scaledMaxError of src/metrics.ts) with
 * its threshold, and the engine configurations every kernel is checked under.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { configureKernels, type KernelOptions } from "../../src/engine/index.js";

// The WebAssembly kernels are a build product (npm run build:kernels); build them if missing.
if (!["kernels.wasm", "kernels-fma.wasm"].every((f) => existsSync(fileURLToPath(new URL(`../../dist/src/engine/${f}`, import.meta.url))))) {
  execFileSync(process.execPath, [fileURLToPath(new URL("../../src/engine/build-wasm.mjs", import.meta.url))]);
}

/**
 * Float32 agreement threshold: scaledMaxError, max|a − b| / (max|b| + 1e-6), below 1e-4. Float32 carries about 7
 * significant digits; sums of a few thousand products in another order drift by well under 1e-5
 * of the largest value, while any indexing mistake gives errors of order 1.
 */
export const FLOAT32_TOLERANCE = 1e-4;

/**
 * The engine settings under test: WebAssembly on one and on two threads, and the TypeScript fallback.
 * (Whether the WebAssembly engine uses fused multiply-add is fixed per process: NNKIT_FMA=0 for plain SIMD.)
 */
export const ENGINES: { label: string; options: KernelOptions }[] = [
  { label: "wasm, 1 thread", options: { engine: "wasm", threads: 1 } },
  { label: "wasm, 2 threads", options: { engine: "wasm", threads: 2 } },
  { label: "js fallback", options: { engine: "js" } },
];

/** Switch the kernels to `options` and check that the requested engine is the one running. */
export function useEngine(options: KernelOptions): void {
  const info = configureKernels(options);
  const want = options.engine === "js" ? "js" : "wasm-simd";
  if (!info.engine.startsWith(want)) throw new Error(`asked for the ${want} engine, got ${info.engine} (is kernels.wasm built?)`);
}

export { scaledMaxError } from "../../src/metrics.js";
