/**
 * Matrix product on the fast engine: the GEMM primitive (assembly/gemm.as, and its plain
 * TypeScript twin below), gemmOnThreads — the GEMM the fast paths call on data already in engine
 * memory, split over the engine's threads — and matmul(A, B) for float32 tensors.
 */
import { Tensor } from "../tensor.js";
import { checkRank, checkShape } from "../shapes.js";
import { kernelEngine } from "./index.js";
import { put, splitRange, take, withEngineMemory, ITEMS_PER_THREAD, type Engine } from "./engine.js";
import { defineKernel, type JsMemory } from "./kernel.js";

/** Below this many flops one thread is faster than waking another. */
const MIN_PARALLEL_FLOPS = 4e6;
/** The GEMM's register tile (assembly/gemm.as: MR × NR): splits of M and N keep to multiples of it. */
const TILE_ROWS = 4;
const TILE_COLUMNS = 8;

/**
 * C[M×N] = A[M×K]·B[K×N] in plain TypeScript (C += … when accumulate ≠ 0), loops in i-k-j order
 * so the innermost one runs along rows; `work` is unused (the WebAssembly GEMM packs into it).
 */
export function gemmJs(
  { f32: h }: JsMemory,
  M: number, N: number, K: number,
  pA: number, rsA: number, csA: number,
  pB: number, rsB: number, csB: number,
  pC: number, ldc: number, accumulate: number, work: number,
): void {
  void work;
  const a = pA >> 2, b = pB >> 2, c = pC >> 2;
  for (let i = 0; i < M; i++) {
    const ci = c + i * ldc;
    if (accumulate === 0) h.fill(0, ci, ci + N);
    for (let k = 0; k < K; k++) {
      const aik = h[a + i * rsA + k * csA];
      if (aik === 0) continue;
      const bk = b + k * rsB;
      if (csB === 1) {
        for (let j = 0; j < N; j++) h[ci + j] += aik * h[bk + j];
      } else {
        for (let j = 0; j < N; j++) h[ci + j] += aik * h[bk + j * csB];
      }
    }
  }
}

/** C[M×N] = A[M×K]·B[K×N] (C += … when accumulate ≠ 0); `work` = gemmWorkBytes() bytes of scratch. */
export const GEMM = defineKernel(
  "gemm",
  ["M", "N", "K", "pA", "rsA", "csA", "pB", "rsB", "csB", "pC", "ldc", "accumulate", "work"] as const,
  gemmJs as (m: JsMemory, ...args: number[]) => void,
);

/**
 * C[M×N] = A[M×K]·B[K×N] (C += … when accumulate) on engine memory, strides in floats (see kernel.ts).
 * Splits the larger of M and N into work items for the engine's threads, each with its own GEMM scratch.
 */
export function gemmOnThreads(
  e: Engine,
  M: number, N: number, K: number,
  pA: number, rsA: number, csA: number,
  pB: number, rsB: number, csB: number,
  pC: number, ldc: number, accumulate: boolean,
): void {
  // ITEMS_PER_THREAD, not more: each item packs the whole of the other operand again.
  const items = 2 * M * N * K >= MIN_PARALLEL_FLOPS && e.threads > 1 ? ITEMS_PER_THREAD * e.threads : 1;
  const acc = accumulate ? 1 : 0;
  const workBytes = e.gemmWorkBytes();
  const whole = { M, N, K, pA, rsA, csA, pB, rsB, csB, pC, ldc, accumulate: acc };
  e.run(
    GEMM,
    N >= M
      ? splitRange(N, items, TILE_COLUMNS).map(([j0, j1]) => ({
          ...whole, N: j1 - j0, pB: pB + 4 * j0 * csB, pC: pC + 4 * j0, work: e.alloc(workBytes),
        }))
      : splitRange(M, items, TILE_ROWS).map(([i0, i1]) => ({
          ...whole, M: i1 - i0, pA: pA + 4 * i0 * rsA, pC: pC + 4 * i0 * ldc, work: e.alloc(workBytes),
        })),
  );
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
