/**
 * A kernel engine: runs primitives (./kernel.ts) on float32 data in the engine's own linear
 * memory, on one thread or several. Two engines implement it: WebAssembly SIMD (./wasm.ts,
 * optionally on worker threads) and plain TypeScript (./js.ts) where WebAssembly SIMD is missing.
 * Below: the helpers the fast paths (src/ops/<op>/fast.ts) build their calls with.
 */
import { positional, type Kernel, type KernelArgs } from "./kernel.js";

/**
 * One call of a primitive: the kernel, its positional arguments, and a bitmask of the arguments
 * that point into per-thread scratch (bit i: argument i gets the running thread's index times the
 * program's threadStride added; the calling thread is thread 0).
 */
export interface Call {
  readonly kernel: Kernel;
  readonly args: readonly number[];
  readonly perThread: number;
}

/**
 * Work for the engine's threads: phases run one after another; a phase is a list of items, each
 * item a list of calls that one thread runs in order; items of one phase may run at the same time
 * on different threads, in any order, and every item of a phase is done before the next phase
 * starts. Per-thread scratch is `threads` blocks `threadStride` bytes apart (see Call.perThread).
 */
export interface Program {
  readonly phases: readonly (readonly (readonly Call[])[])[];
  readonly threadStride: number;
}

/** A call of `kernel` with `args` by name; the arguments named in `perThread` point into per-thread scratch. */
export function call<K extends Kernel>(kernel: K, args: KernelArgs<K>, perThread: readonly K["params"][number][] = []): Call {
  let mask = 0;
  for (const name of perThread) mask |= 1 << kernel.params.indexOf(name);
  return { kernel, args: positional(kernel, args), perThread: mask };
}

/** Run `program` on the calling thread alone: `run(c)` for each call in order (per-thread arguments are thread 0's). */
export function runSerially(program: Program, run: (c: Call) => void): void {
  for (const phase of program.phases) for (const item of phase) for (const c of item) run(c);
}

/**
 * Per-thread scratch of a program: blocks added one by one (offsets within a thread's part), then
 * allocated for all of the engine's threads at once; a pointer into thread 0's part goes into the
 * calls, marked per-thread.
 */
export class ThreadScratch {
  private bytes = 0;

  /** Reserve `bytes` in every thread's part; returns the offset in it. */
  add(bytes: number): number {
    const at = this.bytes;
    this.bytes += Math.ceil(bytes / 64) * 64;
    return at;
  }

  /** Allocate the parts on `e` (valid until release() of an earlier mark): thread 0's base pointer and the stride between parts. */
  allocate(e: Engine): { base: number; stride: number } {
    const stride = Math.max(64, this.bytes);
    return { base: e.alloc(stride * e.threads), stride };
  }
}

/** An engine: memory management, a few engine-wide facts, and running primitives. */
export interface Engine {
  /** "wasm-simd-fma", "wasm-simd" or "js". */
  readonly name: string;
  /** Threads a run() call may use (1 = the calling thread only). */
  readonly threads: number;
  /** The whole linear memory as float32 (take a fresh view after any alloc: memory may grow). */
  f32(): Float32Array;
  /** Reserve `bytes` (64-byte aligned) and return its pointer; valid until release() of an earlier mark. */
  alloc(bytes: number): number;
  /** Current top of the allocation stack, for release(). */
  mark(): number;
  /** Free everything allocated after `mark`. */
  release(mark: number): void;
  /**
   * n zeroed floats that stay in engine memory for good (parameters, gradients, optimizer state):
   * kernels read and write them in place, without copies. null when the engine cannot keep them
   * (no shared memory, its budget for such arrays is used up, or kernel memory is in use).
   */
  residentArray(n: number): Float32Array | null;
  /** The pointer of an array made by residentArray, or -1 for any other array. */
  pointerOf(a: Float32Array): number;
  /** Scratch bytes one gemm call needs (its `work` argument). */
  gemmWorkBytes(): number;
  /**
   * Call `kernel` once per argument list (work items, each with its own scratch), shared out over
   * the threads when threads > 1; returns when all are done.
   */
  run<K extends Kernel>(kernel: K, items: readonly KernelArgs<K>[]): void;
  /** Run a program (see Program), its items shared out over the threads; returns when it is done. */
  execute(program: Program): void;
}

/** The one-phase program that calls `kernel` once per argument list. */
export function programOf<K extends Kernel>(kernel: K, items: readonly KernelArgs<K>[]): Program {
  return { phases: [items.map((args) => [call(kernel, args)])], threadStride: 0 };
}

/** Run `body` with engine `e`; everything it allocates in engine memory is freed when it returns. */
export function withEngineMemory<T>(e: Engine, body: () => T): T {
  const mark = e.mark();
  try {
    return body();
  } finally {
    e.release(mark);
  }
}

/** The pointer of `data` in engine memory: where it lives if resident (see residentArray), else a copy made by put. */
export function pointer(e: Engine, data: Float32Array): number {
  const p = e.pointerOf(data);
  return p >= 0 ? p : put(e, data);
}

/** Copy `data` into engine memory; returns its pointer. */
export function put(e: Engine, data: Float32Array): number {
  const p = e.alloc(data.length * 4);
  e.f32().set(data, p >> 2);
  return p;
}

/** Copy int32 `data` into engine memory (e.g. a geometry packed by packFields); returns its pointer. */
export function putInt32(e: Engine, data: Int32Array): number {
  const p = e.alloc(data.length * 4);
  new Int32Array(e.f32().buffer, p, data.length).set(data);
  return p;
}

/** A fresh Int32Array copy of `n` int32 values at pointer `p`. */
export function takeInt32(e: Engine, p: number, n: number): Int32Array {
  return new Int32Array(e.f32().buffer, p, n).slice();
}

/** A fresh Float32Array copy of `n` floats at pointer `p`. */
export function take(e: Engine, p: number, n: number): Float32Array {
  return e.f32().slice(p >> 2, (p >> 2) + n);
}

/** Below this many elements an elementwise kernel runs on one thread (waking another costs more). */
export const MIN_PARALLEL_ELEMENTS = 1 << 16;

/** Work items per thread: several, so that a thread that starts late (or a busy core) does not hold the others up. */
export const ITEMS_PER_THREAD = 2;

/** Floats in one SIMD vector (f32x4): elementwise ranges start at multiples of it. */
export const SIMD_LANES = 4;

/**
 * [start, end) ranges of [0, n) to hand out as work items: ITEMS_PER_THREAD per thread (one range
 * when there is one thread), bounds multiples of `multiple`.
 */
export function workItems(e: Engine, n: number, multiple = 1): [number, number][] {
  return splitRange(n, e.threads > 1 ? e.threads * ITEMS_PER_THREAD : 1, multiple);
}

/** [start, end) element ranges of an elementwise kernel over n floats: split over threads only when n is large. */
export function elementRanges(e: Engine, n: number): [number, number][] {
  return n >= MIN_PARALLEL_ELEMENTS ? workItems(e, n, SIMD_LANES) : [[0, n]];
}

/** Split [0, n) into at most `parts` contiguous ranges whose bounds are multiples of `multiple`. */
export function splitRange(n: number, parts: number, multiple = 1): [number, number][] {
  const ranges: [number, number][] = [];
  const chunk = Math.ceil(n / parts / multiple) * multiple;
  for (let start = 0; start < n; start += chunk) ranges.push([start, Math.min(n, start + chunk)]);
  return ranges;
}
