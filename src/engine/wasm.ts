/**
 * The WebAssembly SIMD engine: loads kernels.wasm (compiled from the AssemblyScript sources by
 * build-wasm.mjs), or kernels-fma.wasm where relaxed SIMD is available (its fused multiply-add
 * makes the GEMM about a third faster), gives it one shared linear memory, and runs kernels on
 * worker threads when asked to. The module is read from a file next to this one (Node), or given
 * by a host without file access (a web page: WasmHost); without either, index.ts falls back to the
 * plain TypeScript engine.
 */
import { Arena, ArenaEngine } from "./arena.js";
import { programOf, runSerially, type Engine, type Program } from "./engine.js";
import { environment, nodeBuiltin } from "./host.js";
import type { Kernel, KernelArgs } from "./kernel.js";
import { encodeProgram, ThreadPool, type WorkerConstructor } from "./threads.js";
import { webAssembly, type WasmApi, type WasmMemory, type WasmModule } from "./webassembly.js";

/** A WebAssembly memory page, in bytes. */
const PAGE = 65536;
/** Pages at the start (1 MiB); the memory grows as kernels need. */
const INITIAL_PAGES = 16;
/** 1 GiB of address space reserved; only what is used is committed. */
const MAX_PAGES = 16384;
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
 * The kernel module and worker threads of a host that cannot read files (a web page): the module
 * compiled from kernels-fma.wasm when `fma` (see relaxedSimd), else from kernels.wasm.
 */
export interface WasmHost {
  module: WasmModule;
  fma: boolean;
  /** How the host starts a worker thread (absent: one thread only). */
  Worker?: WorkerConstructor;
}

/**
 * Whether relaxed SIMD can be used: natively (Node ≥ 22, current browsers), or on Node 20 once V8's
 * --experimental-wasm-relaxed-simd is switched on (before any module using it is compiled).
 * NNKIT_FMA=0 keeps to plain SIMD.
 */
export function relaxedSimd(wa: WasmApi): boolean {
  if (environment("NNKIT_FMA") === "0") return false;
  if (wa.validate(RELAXED_PROBE)) return true;
  nodeBuiltin("node:v8")?.setFlagsFromString("--experimental-wasm-relaxed-simd");
  return wa.validate(RELAXED_PROBE);
}

/** Why the WebAssembly engine cannot run here (with `host`'s module, if given), or null when it can. */
export function wasmUnavailableReason(host?: WasmHost): string | null {
  if (webAssembly === undefined) return "WebAssembly is not available";
  if (!webAssembly.validate(SIMD_PROBE)) return "WebAssembly SIMD is not supported";
  try {
    new webAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return "shared WebAssembly memory is not supported";
  }
  if (host) return null;
  if (nodeBuiltin("node:fs") === undefined) return "the kernel module cannot be read here (no file access)";
  if (wasmFile("kernels.wasm") === null) return "kernels.wasm was not built (run `npm run build:kernels`)";
  return null;
}

/** Path of a compiled kernel module: next to this file in dist/, or in dist/ when running from src/. */
function wasmFile(name: string): string | null {
  const fs = nodeBuiltin("node:fs");
  const url = nodeBuiltin("node:url");
  if (!fs || !url) return null;
  for (const rel of [`./${name}`, `../../dist/src/engine/${name}`]) {
    const path = url.fileURLToPath(new URL(rel, import.meta.url));
    if (fs.existsSync(path)) return path;
  }
  return null;
}

/** Imports of the kernel module: the shared memory, and `abort`, which AssemblyScript calls for a `throw`. */
export function kernelImports(memory: WasmMemory): object {
  return {
    env: {
      memory,
      abort: () => {
        throw new Error("nnkit kernels: a WebAssembly kernel aborted");
      },
    },
  };
}

type Export = (...args: number[]) => number;

export class WasmEngine extends ArenaEngine implements Engine {
  /** "wasm-simd", or "wasm-simd-fma" with relaxed SIMD's fused multiply-add. */
  readonly name: string;
  readonly threads: number;
  private readonly memory: WasmMemory;
  private readonly module: WasmModule;
  private readonly exports: Readonly<Record<string, Export>>;
  /** The module's function exports: what worker threads may be asked to run. */
  readonly kernelNames: readonly string[];
  protected readonly arena: Arena;
  private view: Float32Array;
  private pool: ThreadPool | null = null;
  /** The buffers (one per size the shared memory had) that resident arrays were made on. */
  private readonly residentBuffers = new WeakSet<object>();
  private residentBytes = 0;
  /** Programs already encoded for the worker threads (a training step runs the same ones every step). */
  private readonly encoded = new WeakMap<Program, Int32Array>();

  /**
   * Load the module (from its file, or `host`'s); `threads` ≥ 1 is the number of threads run() may
   * use (workers start lazily, or at startThreads()).
   */
  constructor(threads: number, private readonly host?: WasmHost) {
    super();
    const wa: WasmApi | undefined = webAssembly;
    if (wa === undefined) throw new Error("WasmEngine: WebAssembly is not available");
    if (host) {
      this.name = host.fma ? "wasm-simd-fma" : "wasm-simd";
      this.module = host.module;
    } else {
      const fs = nodeBuiltin("node:fs");
      const fma = relaxedSimd(wa) ? wasmFile("kernels-fma.wasm") : null;
      const file = fma ?? wasmFile("kernels.wasm");
      if (file === null || fs === undefined) throw new Error("WasmEngine: kernels.wasm not found; run `npm run build:kernels`");
      this.name = fma ? "wasm-simd-fma" : "wasm-simd";
      this.module = new wa.Module(fs.readFileSync(file));
    }
    this.kernelNames = wa.Module.exports(this.module).filter((e) => e.kind === "function").map((e) => e.name);
    this.memory = new wa.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: true });
    const instance = new wa.Instance(this.module, kernelImports(this.memory));
    this.exports = instance.exports as Record<string, Export>;
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

  /** The module's function exports by name (for the arity test). */
  exported(name: string): Export | undefined {
    return this.exports[name];
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

  gemmWorkBytes(): number {
    return this.exports.gemmWorkBytes();
  }

  run<K extends Kernel>(kernel: K, items: readonly KernelArgs<K>[]): void {
    this.execute(programOf(kernel, items));
  }

  execute(program: Program): void {
    if (this.threads === 1 || program.phases.every((phase) => phase.length <= 1)) {
      runSerially(program, (c) => {
        const f = this.exports[c.kernel.name];
        if (f === undefined) throw new Error(`nnkit kernels: the kernel module has no ${c.kernel.name} (rebuild it: npm run build:kernels)`);
        f(...c.args);
      });
      return;
    }
    this.pool ??= this.startPool();
    let encoded = this.encoded.get(program);
    if (encoded === undefined) {
      encoded = encodeProgram(program, this.kernelNames);
      this.encoded.set(program, encoded);
    }
    this.pool.execute(encoded);
  }

  /** Work items worker threads have run so far (0 before any ran, or with one thread). */
  workerItems(): number {
    return this.pool?.workerItems() ?? 0;
  }

  /** Worker threads started (threads − 1 once a call has been shared out; 0 before). */
  workerThreads(): number {
    return this.pool?.size ?? 0;
  }

  /** Start the worker threads now rather than on the first call that is shared out (a host whose workers start only when it yields). */
  startThreads(): void {
    if (this.threads > 1) this.pool ??= this.startPool();
  }

  private startPool(): ThreadPool {
    const Worker = this.host ? this.host.Worker : nodeBuiltin("node:worker_threads")?.Worker;
    if (!Worker) throw new Error("nnkit kernels: worker threads are not available here; use threads: 1");
    return new ThreadPool(Worker, this.module, this.memory, this.threads - 1, this.kernelNames, this.exports);
  }

  /** Stop the worker threads (they are started again on demand). */
  close(): void {
    this.pool?.close();
    this.pool = null;
  }
}
