/**
 * Matrix product on the fast engine: matmul(A, B) for tensors, and gemmOnThreads, the GEMM that the
 * other kernels call on data already in engine memory, split over the engine's threads.
 */
import { Tensor } from "../tensor.js";
import { checkRank, checkShape } from "../layers/shapes.js";
import { kernelEngine } from "./backend.js";
import { put, splitRange, take, withEngineMemory, type Engine } from "./engine.js";

// Below this many flops one thread is faster than waking another.
const MIN_PARALLEL_FLOPS = 4e6;

/**
 * C[M×N] = A[M×K]·B[K×N] (C += … when accumulate) on engine memory, strides in floats (see engine.ts).
 * Splits the larger of M and N into work items for the engine's threads, each with its own GEMM scratch.
 */
export function gemmOnThreads(
  e: Engine,
  M: number, N: number, K: number,
  pA: number, rsA: number, csA: number,
  pB: number, rsB: number, csB: number,
  pC: number, ldc: number, accumulate: boolean,
): void {
  // Two items per thread: each item packs the whole of the other operand again, so not more.
  const items = 2 * M * N * K >= MIN_PARALLEL_FLOPS && e.threads > 1 ? 2 * e.threads : 1;
  const acc = accumulate ? 1 : 0;
  const workBytes = e.gemmWorkBytes();
  const argLists =
    N >= M
      ? splitRange(N, items, 8).map(([j0, j1]) => [
          M, j1 - j0, K, pA, rsA, csA, pB + 4 * j0 * csB, rsB, csB, pC + 4 * j0, ldc, acc, e.alloc(workBytes),
        ])
      : splitRange(M, items, 4).map(([i0, i1]) => [
          i1 - i0, N, K, pA + 4 * i0 * rsA, rsA, csA, pB, rsB, csB, pC + 4 * i0 * ldc, ldc, acc, e.alloc(workBytes),
        ]);
  e.parallel("gemm", argLists);
}

/**
 * Matrix product of float32 tensors.
 * Inputs: a [M, K], b [K, N] (float32). Returns a [M, N] float32 tensor.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const fn = "matmul";
  checkRank(fn, "a", a, ["M", "K"]);
  checkShape(fn, "b", b, [a.shape[1], -1], ["a", a]);
  if (!(a.data instanceof Float32Array) || !(b.data instanceof Float32Array)) {
    throw new Error(`${fn}: expects float32 tensors, got ${a.dtype} and ${b.dtype}; convert with .astype("float32")`);
  }
  const [M, K] = a.shape;
  const N = b.shape[1];
  const ad = a.data, bd = b.data;
  const e = kernelEngine();
  return withEngineMemory(e, () => {
    const pA = put(e, ad);
    const pB = put(e, bd);
    const pC = e.alloc(4 * M * N);
    gemmOnThreads(e, M, N, K, pA, K, 1, pB, N, 1, pC, N, false);
    return new Tensor(take(e, pC, M * N), [M, N]);
  });
}
