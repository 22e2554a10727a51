/**
 * The kernel engine in use. By default the WebAssembly SIMD engine on every core
 * (os.availableParallelism()); the plain TypeScript engine when WebAssembly SIMD or the kernel
 * module is missing (one line on stderr says so) or when asked for. A host without file access (a
 * web page) gives the module with setWasmHost. Environment: NNKIT_KERNELS=js|wasm, NNKIT_THREADS=n, NNKIT_FMA=0 (plain SIMD without
 * fused multiply-add).
 */
import type { Engine } from "./engine.js";
import { environment, hostParallelism } from "./host.js";
import { JsEngine } from "./js.js";
import { WasmEngine, wasmUnavailableReason, type WasmHost } from "./wasm.js";

export type EngineName = "wasm" | "js";

/** Options of configureKernels: engine "wasm" (default where available) or "js"; threads ≥ 1. */
export interface KernelOptions {
  engine?: EngineName;
  threads?: number;
}

let current: Engine | null = null;
let options: KernelOptions = {};
let wasmHost: WasmHost | undefined;

/** From now on the WebAssembly engine takes its module and worker threads from `host` (a web page, which cannot read files). */
export function setWasmHost(host: WasmHost): void {
  wasmHost = host;
}

function fromEnvironment(): KernelOptions {
  const engine = environment("NNKIT_KERNELS");
  const threads = Number(environment("NNKIT_THREADS"));
  return {
    engine: engine === "js" || engine === "wasm" ? engine : undefined,
    threads: Number.isInteger(threads) && threads >= 1 ? threads : undefined,
  };
}

function create(opts: KernelOptions): Engine {
  const threads = opts.threads ?? hostParallelism();
  if (opts.engine === "js") return new JsEngine();
  const reason = wasmUnavailableReason(wasmHost);
  if (reason !== null) {
    console.warn(`nnkit: ${reason}; using the plain TypeScript kernels (much slower)`);
    return new JsEngine();
  }
  return new WasmEngine(threads, wasmHost);
}

/** The engine in use (created on first use). */
export function kernelEngine(): Engine {
  current ??= create({ ...fromEnvironment(), ...options });
  return current;
}

/**
 * Choose the engine and the number of threads for the fast kernels (options not given keep their
 * environment or default values). Returns the engine's name and thread count.
 */
export function configureKernels(opts: KernelOptions): { engine: string; threads: number } {
  if (opts.threads !== undefined && !(Number.isInteger(opts.threads) && opts.threads >= 1)) {
    throw new Error(`configureKernels: threads must be an integer >= 1, got ${opts.threads}`);
  }
  if (current instanceof WasmEngine) current.close();
  options = { ...options, ...opts };
  current = null;
  const e = kernelEngine();
  return { engine: e.name, threads: e.threads };
}

/** The engine's name ("wasm-simd-fma", "wasm-simd" or "js") and the number of threads it uses. */
export function kernelInfo(): { engine: string; threads: number } {
  const e = kernelEngine();
  return { engine: e.name, threads: e.threads };
}

/** n zeroed floats, in kernel memory when the engine can keep them there (kernels then use them without copies), else a plain array. */
export function kernelArray(n: number): Float32Array {
  return kernelEngine().residentArray(n) ?? new Float32Array(n);
}
