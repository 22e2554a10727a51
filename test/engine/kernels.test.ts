/**
 * Typed primitives: every export of the WebAssembly module has a Kernel (src/engine/kernel.ts)
 * whose parameter list matches the AssemblyScript source name for name and the export's arity,
 * and whose plain TypeScript twin takes the same parameters (after the memory).
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { configureKernels, kernelEngine } from "../../src/engine/index.js";
import { GEMM } from "../../src/engine/gemm.js";
import type { Kernel } from "../../src/engine/kernel.js";
import { WasmEngine } from "../../src/engine/wasm.js";
import { ADAGRAD_STEP, ADAM_STEP, MOMENTUM_STEP, RMSPROP_STEP, SGD_STEP } from "../../src/ops/update/kernels.js";
import { CONV_BACKWARD_INPUT, CONV_BACKWARD_WEIGHTS, CONV_FORWARD } from "../../src/ops/conv2d/kernels.js";
import { MAX_POOL, MAX_POOL_BACKWARD } from "../../src/ops/maxpool2d/kernels.js";
import { ADD_PARTS, ZERO_FLOATS } from "../../src/engine/arrays.js";
import { BIAS_GRADIENT, BIAS_ROWS } from "../../src/ops/linear/kernels.js";
import { RELU, RELU_GRAD } from "../../src/ops/relu/kernels.js";
import { useEngine } from "./compare.js";

afterAll(() => configureKernels({ engine: "wasm", threads: 1 }));

/** Each kernel and the AssemblyScript file that defines its export. */
const KERNELS: [Kernel, string][] = [
  [GEMM, "src/engine/assembly/gemm.as"],
  [ZERO_FLOATS, "src/engine/assembly/arrays.as"],
  [ADD_PARTS, "src/engine/assembly/arrays.as"],
  [BIAS_ROWS, "src/ops/linear/kernels.as"],
  [BIAS_GRADIENT, "src/ops/linear/kernels.as"],
  [CONV_FORWARD, "src/ops/conv2d/kernels.as"],
  [CONV_BACKWARD_WEIGHTS, "src/ops/conv2d/kernels.as"],
  [CONV_BACKWARD_INPUT, "src/ops/conv2d/kernels.as"],
  [RELU, "src/ops/relu/kernels.as"],
  [RELU_GRAD, "src/ops/relu/kernels.as"],
  [MAX_POOL, "src/ops/maxpool2d/kernels.as"],
  [MAX_POOL_BACKWARD, "src/ops/maxpool2d/kernels.as"],
  [SGD_STEP, "src/ops/update/kernels.as"],
  [MOMENTUM_STEP, "src/ops/update/kernels.as"],
  [ADAGRAD_STEP, "src/ops/update/kernels.as"],
  [RMSPROP_STEP, "src/ops/update/kernels.as"],
  [ADAM_STEP, "src/ops/update/kernels.as"],
];
const root = new URL("../../", import.meta.url);

/** The parameter names of `export function name(…)` in AssemblyScript source. */
function asParams(source: string, name: string): string[] {
  const m = new RegExp(`export function ${name}\\(([^)]*)\\)`).exec(source);
  if (!m) throw new Error(`no export function ${name}`);
  return m[1].split(",").map((p) => p.trim()).filter(Boolean).map((p) => p.split(":")[0].trim());
}

/** The parameter names of a plain function or arrow function. */
function jsParams(f: (...a: never[]) => unknown): string[] {
  const text = f.toString();
  const m = /^[^(]*\(([^)]*)\)/.exec(text);
  if (!m) throw new Error(`cannot read the parameters of ${text.slice(0, 40)}`);
  return m[1].split(",").map((p) => p.trim().replace(/[:=].*$/, "").trim()).filter(Boolean);
}

describe("typed WebAssembly primitives", () => {
  it("each kernel's parameters are the AssemblyScript export's, in order, and its twin's after the memory", () => {
    for (const [k, file] of KERNELS) {
      const source = readFileSync(new URL(file, root), "utf8");
      expect(asParams(source, k.name), `${k.name} in ${file}`).toEqual([...k.params]);
      expect(k.js.length, `${k.name}'s TypeScript twin`).toBe(k.params.length + 1);
      expect(jsParams(k.js).slice(1), `${k.name}'s TypeScript twin`).toEqual([...k.params]);
    }
  });

  it("each export of the built module has its kernel's arity, and every function export has a kernel", () => {
    useEngine({ engine: "wasm", threads: 1 });
    const e = kernelEngine();
    expect(e).toBeInstanceOf(WasmEngine);
    const wasm = e as WasmEngine;
    for (const [k] of KERNELS) expect(wasm.exported(k.name)?.length, k.name).toBe(k.params.length);
    const exports = wasm.kernelNames.filter((n) => !["heapBase", "gemmWorkBytes"].includes(n)).sort();
    expect(exports).toEqual(KERNELS.map(([k]) => k.name).sort());
  });
});
