/**
 * The WebAssembly SIMD engine: loads kernels.wasm (compiled from ./assembly by build-wasm.mjs), or
 * kernels-fma.wasm where relaxed SIMD is available (its fused multiply-add makes the GEMM about a
 * third faster), gives it one shared linear memory, and runs kernels on worker threads when asked to.
 */
import { existsSync, readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { fileURLToPath } from "node:url";
import { Arena, ArenaEngine, type Engine, type ParallelKernel, type Primitives } from "./engine.js";
import { ThreadPool } from "./threads.js";
import { webAssembly, type WasmApi, type WasmMemory, type WasmModule } from "./webassembly.js";

const PAGE = 65536;
const MAX_PAGES = 16384; // 1 GiB of address space reserved; only what is used is committed
/** At most this many bytes of resident arrays (parameters, gradients, optimizer state); beyond, plain arrays. */
const RESIDENT_BUDGET = 256 * 1024 * 1024;

// (module (func (result v128) (i32.const 0) (i8x16.splat) (i8x16.popcnt)))
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

// (module (func (result v128) (i32.const 0) (i8x16.splat) ×3 (f32x4.relaxed_madd)))
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 19, 1, 17, 0,
  65, 0, 253, 15, 65, 0, 253, 15, 65, 0, 253, 15, 253, 133, 2, 11,
]);

/**
 * Whether relaxed SIMD can be used: natively (Node ≥ 22), or on Node 20 once V8's
 * --experimental-wasm-relaxed-simd is switched on (before any module using it is compiled).
 * NNKIT_FMA=0 keeps to plain SIMD.
 */
function relaxedSimd(wa: WasmApi): boolean {
  if (process.env.NNKIT_FMA === "0") return false;
  if (wa.validate(RELAXED_PROBE)) return true;
  setFlagsFromString("--experimental-wasm-relaxed-simd");
  return wa.validate(RELAXED_PROBE);
}

/** Why the WebAssembly engine cannot run here, or null when it can. */
export function wasmUnavailableReason(): string | null {
  if (webAssembly === undefined) return "WebAssembly is not available";
  if (!webAssembly.validate(SIMD_PROBE)) return "WebAssembly SIMD is not supported";
  try {
    new webAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return "shared WebAssembly memory is not supported";
  }
  if (wasmFile("kernels.wasm") === null) return "kernels.wasm was not built (run `npm run build:kernels`)";
  return null;
}

/** Path of a compiled kernel module: next to this file in dist/, or in dist/ when running from src/. */
function wasmFile(name: string): string | null {
  for (const rel of [`./${name}`, `../../dist/src/kernels/${name}`]) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  return null;
}

/**
 * Imports of the kernel module: the shared memory, and `abort`, which AssemblyScript calls for a
 * `throw` (e.g. a kernel body replaced by "not implemented" in the student release).
 */
export function kernelImports(memory: WasmMemory): object {
  return {
    env: {
      memory,
      abort: () => {
        throw new Error("nnkit kernels: a WebAssembly kernel aborted (not implemented in this build?)");
      },
    },
  };
}

const KERNELS: readonly ParallelKernel[] = ["gemm", "convForwardRange", "convBackwardRange", "relu", "reluGrad", "maxPool", "adam"];

export class WasmEngine extends ArenaEngine implements Engine {
  /** "wasm-simd", or "wasm-simd-fma" with relaxed SIMD's fused multiply-add. */
  readonly name: string;
  readonly threads: number;
  private readonly memory: WasmMemory;
  private readonly module: WasmModule;
  private readonly exports: Primitives & { heapBase(): number };
  protected readonly arena: Arena;
  private view: Float32Array;
  private pool: ThreadPool | null = null;
  /** The buffers (one per size the shared memory had) that resident arrays were made on. */
  private readonly residentBuffers = new WeakSet<object>();
  private residentBytes = 0;

  /** Load the module; `threads` ≥ 1 is the number of threads parallel() may use (workers start lazily). */
  constructor(threads: number) {
    super();
    const wa: WasmApi | undefined = webAssembly;
    const fma = wa !== undefined && relaxedSimd(wa) ? wasmFile("kernels-fma.wasm") : null;
    const file = fma ?? wasmFile("kernels.wasm");
    if (file === null || wa === undefined) throw new Error("WasmEngine: kernels.wasm not found; run `npm run build:kernels`");
    this.name = fma ? "wasm-simd-fma" : "wasm-simd";
    this.module = new wa.Module(readFileSync(file));
    this.memory = new wa.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    const instance = new wa.Instance(this.module, kernelImports(this.memory));
    this.exports = instance.exports as unknown as Primitives & { heapBase(): number };
    this.view = new Float32Array(this.memory.buffer);
    this.threads = Math.max(1, Math.floor(threads));
    this.arena = new Arena(
      this.exports.heapBase(),
      () => this.memory.buffer.byteLength,
      (bytes) => {
        const pages = Math.ceil((bytes - this.memory.buffer.byteLength) / PAGE);
        if (this.memory.buffer.byteLength / PAGE + pages > MAX_PAGES) {
          throw new Error(`nnkit kernels: out of kernel memory (${bytes} bytes asked, at most ${MAX_PAGES * PAGE})`);
        }
        this.memory.grow(pages);
      },
    );
  }

  f32(): Float32Array {
    if (this.view.buffer.byteLength !== this.memory.buffer.byteLength) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  residentArray(n: number): Float32Array | null {
    if (this.residentBytes + 4 * n > RESIDENT_BUDGET) return null;
    const p = this.arena.reserve(4 * n);
    if (p === null) return null;
    this.residentBytes += 4 * n;
    const buffer = this.memory.buffer;
    this.residentBuffers.add(buffer);
    return new Float32Array(buffer, p, n).fill(0);
  }

  pointerOf(a: Float32Array): number {
    return this.residentBuffers.has(a.buffer) ? a.byteOffset : -1;
  }

  parallel(kernel: ParallelKernel, argLists: number[][]): void {
    const f = this.exports[kernel] as (...args: number[]) => void;
    if (argLists.length <= 1 || this.threads === 1) {
      for (const args of argLists) f(...args);
      return;
    }
    this.pool ??= new ThreadPool(this.module, this.memory, this.threads - 1, KERNELS);
    this.pool.parallel(kernel, argLists, (args) => f(...args));
  }

  /** Stop the worker threads (they are started again on demand). */
  close(): void {
    this.pool?.close();
    this.pool = null;
  }

  gemm(...args: Parameters<Primitives["gemm"]>): void {
    this.exports.gemm(...args);
  }
  gemmWorkBytes(): number {
    return this.exports.gemmWorkBytes();
  }
  im2col(...args: Parameters<Primitives["im2col"]>): void {
    this.exports.im2col(...args);
  }
  col2im(...args: Parameters<Primitives["col2im"]>): void {
    this.exports.col2im(...args);
  }
  relu(...args: Parameters<Primitives["relu"]>): void {
    this.exports.relu(...args);
  }
  reluGrad(...args: Parameters<Primitives["reluGrad"]>): void {
    this.exports.reluGrad(...args);
  }
  maxPool(...args: Parameters<Primitives["maxPool"]>): void {
    this.exports.maxPool(...args);
  }
  convForwardRange(...args: number[]): void {
    this.exports.convForwardRange(...args);
  }
  convBackwardRange(...args: number[]): void {
    this.exports.convBackwardRange(...args);
  }
  adam(...args: Parameters<Primitives["adam"]>): void {
    this.exports.adam(...args);
  }
}
