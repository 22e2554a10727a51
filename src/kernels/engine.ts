/**
 * A kernel engine: the few primitives the fast kernels are built from (GEMM, im2col/col2im and the
 * per-image convolution loops), working on float32 data in the engine's own linear memory.
 * Pointers are byte offsets into that memory; matrices are (pointer, row stride, column stride)
 * with strides counted in floats, so a transposed operand is the same data with swapped strides.
 *
 * Two engines implement it: WebAssembly SIMD (./wasm.ts, optionally on several threads) and
 * plain TypeScript loops (./fallback.ts) for machines without WebAssembly SIMD.
 */

/** The primitives, with the same signatures in the WebAssembly module and in the TypeScript fallback. */
export interface Primitives {
  /** C[M×N] = A[M×K]·B[K×N] (C += … when accumulate ≠ 0); `work` = gemmWorkBytes() bytes of scratch. */
  gemm(
    M: number, N: number, K: number,
    pA: number, rsA: number, csA: number,
    pB: number, rsB: number, csB: number,
    pC: number, ldc: number, accumulate: number, work: number,
  ): void;
  /** Scratch bytes one gemm call needs. */
  gemmWorkBytes(): number;
  /** col [C·KH·KW, Ho·Wo] at pCol from one image [C, H, W] at pX. */
  im2col(pX: number, C: number, H: number, W: number, KH: number, KW: number, stride: number, pad: number, Ho: number, Wo: number, pCol: number): void;
  /** One image [C, H, W] at pX = adjoint of im2col applied to col at pCol (overwritten). */
  col2im(pCol: number, C: number, H: number, W: number, KH: number, KW: number, stride: number, pad: number, Ho: number, Wo: number, pX: number): void;
  /** out = max(0, x) for n floats (NaN → 0). */
  relu(pX: number, pOut: number, n: number): void;
  /** dx = dout where x > 0, else 0, for n floats. */
  reluGrad(pX: number, pDout: number, pDx: number, n: number): void;
  /**
   * Max-pool planes [p0, p1) of x (planes [H, W] at pX): out [planes, Ho, Wo] at pOut and, as int32 at
   * pArg, the flat index in x of each window's first maximum (row-major).
   */
  maxPool(pX: number, p0: number, p1: number, H: number, W: number, size: number, stride: number, Ho: number, Wo: number, pOut: number, pArg: number): void;
  /**
   * out[n] = w·im2col(x[n]) + b for the images n < N claimed from the int32 counter at pNext
   * (see assembly/conv2d.as for the argument list).
   */
  convForwardRange(...args: number[]): void;
  /** dw += dout[n]·im2col(x[n])ᵀ and dx[n] = col2im(wᵀ·dout[n]) for the images n < N claimed at pNext. */
  convBackwardRange(...args: number[]): void;
  /**
   * Adam on n floats: m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; x −= stepSize·m / (√v·vScale + ε)
   * (stepSize = lr/(1 − β1^t), vScale = 1/√(1 − β2^t) fold in the bias corrections); the constants
   * are five float32 at pConsts: β1, β2, stepSize, vScale, ε.
   */
  adam(pX: number, pG: number, pM: number, pV: number, n: number, pConsts: number): void;
}

/** Names of the primitives that may run on several threads at once (each on its own range). */
export type ParallelKernel = "gemm" | "convForwardRange" | "convBackwardRange" | "relu" | "reluGrad" | "maxPool" | "adam";

/** An engine: primitives plus memory management and (optionally) parallel execution. */
export interface Engine extends Primitives {
  /** "wasm-simd-fma", "wasm-simd" or "js". */
  readonly name: string;
  /** Threads a parallel() call may use (1 = the calling thread only). */
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
  /**
   * Call `kernel` once per argument list (work items, each with its own scratch), shared out over
   * the threads when threads > 1; returns when all are done.
   */
  parallel(kernel: ParallelKernel, argLists: number[][]): void;
}

/** Memory management shared by the engines: a bump allocator over their linear memory. */
export abstract class ArenaEngine {
  protected abstract readonly arena: Arena;

  alloc(bytes: number): number {
    return this.arena.alloc(bytes);
  }
  mark(): number {
    return this.arena.mark();
  }
  release(mark: number): void {
    this.arena.release(mark);
  }
}

/**
 * Bump allocator over a linear memory that can grow; `grow(bytes)` must make the memory at least that large.
 * Below `base` lie the permanent blocks of reserve(); above it the temporaries of alloc().
 */
export class Arena {
  private top: number;
  private base: number;

  constructor(
    base: number,
    private readonly size: () => number,
    private readonly grow: (bytes: number) => void,
  ) {
    this.top = align(base);
    this.base = this.top;
  }

  /** A permanent block of `bytes`, or null while temporaries are allocated (they would be in its way). */
  reserve(bytes: number): number | null {
    if (this.top !== this.base) return null;
    const p = this.alloc(bytes);
    this.base = this.top;
    return p;
  }

  alloc(bytes: number): number {
    const p = this.top;
    this.top = align(p + bytes);
    if (this.top > this.size()) this.grow(this.top);
    return p;
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }
}

function align(p: number): number {
  return (p + 63) & ~63;
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

/** A zeroed int32 counter in engine memory, shared by the threads of one parallel call to claim work. */
export function counter(e: Engine): number {
  const p = e.alloc(4);
  new Int32Array(e.f32().buffer, p, 1)[0] = 0;
  return p;
}

/** One argument list per thread (at most n), each built by `args` with its own scratch, for kernels that claim work from a counter. */
export function perThread(e: Engine, n: number, args: () => number[]): number[][] {
  return Array.from({ length: Math.min(n, e.threads) }, () => args());
}

/** Copy `data` (int32) into engine memory; returns its pointer. */
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

/**
 * [start, end) ranges of [0, n) to hand out as work items: several per thread so that a thread that
 * starts late (or a busy core) does not hold the others up; one when there is one thread.
 */
export function workItems(e: Engine, n: number, perThread: number, multiple = 1): [number, number][] {
  return splitRange(n, e.threads > 1 ? e.threads * perThread : 1, multiple);
}

/** Split [0, n) into at most `parts` contiguous ranges whose bounds are multiples of `multiple`. */
export function splitRange(n: number, parts: number, multiple = 1): [number, number][] {
  const ranges: [number, number][] = [];
  const chunk = Math.ceil(n / parts / multiple) * multiple;
  for (let start = 0; start < n; start += chunk) ranges.push([start, Math.min(n, start + chunk)]);
  return ranges;
}
