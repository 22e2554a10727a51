/**
 * Matrix product on the fast engine: the GEMM primitive (assembly/gemm.as, and its plain
 * TypeScript twin below), gemmOnThreads — the GEMM the fast paths call on data already in engine
 * memory, split over the engine's threads — and matmul(A, B) for float32 tensors.
 */
import { Tensor } from "../tensor.js";
import { checkRank, checkShape } from "../shapes.js";
import { kernelEngine } from "./index.js";
import { call, put, splitRange, take, withEngineMemory, ITEMS_PER_THREAD, ThreadScratch, type Call, type Engine } from "./engine.js";
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

/** One GEMM on engine memory: C[M×N] = A[M×K]·B[K×N] (C += … when accumulate), strides in floats (see kernel.ts). */
export interface GemmArgs {
  M: number; N: number; K: number;
  pA: number; rsA: number; csA: number;
  pB: number; rsB: number; csB: number;
  pC: number; ldc: number; accumulate: boolean;
}

/**
 * The work items of one GEMM for a program phase: the larger of M and N split for the engine's
 * threads (one item when it is small), each item one call whose scratch `work` (gemmWorkBytes()
 * bytes, per thread) is a per-thread pointer.
 */
export function gemmItems(e: Engine, g: GemmArgs, work: number): Call[][] {
  const { M, N, K, pA, rsA, pB, csB, pC, ldc } = g;
  // ITEMS_PER_THREAD, not more: each item packs the whole of the other operand again.
  const items = 2 * M * N * K >= MIN_PARALLEL_FLOPS && e.threads > 1 ? ITEMS_PER_THREAD * e.threads : 1;
  const whole = { ...g, accumulate: g.accumulate ? 1 : 0, work };
  const parts = N >= M
    ? splitRange(N, items, TILE_COLUMNS).map(([j0, j1]) => ({ ...whole, N: j1 - j0, pB: pB + 4 * j0 * csB, pC: pC + 4 * j0 }))
    : splitRange(M, items, TILE_ROWS).map(([i0, i1]) => ({ ...whole, M: i1 - i0, pA: pA + 4 * i0 * rsA, pC: pC + 4 * i0 * ldc }));
  return parts.map((args) => [call(GEMM, args, ["work"])]);
}

/**
 * C[M×N] = A[M×K]·B[K×N] (C += … when accumulate) on engine memory, strides in floats (see kernel.ts),
 * split over the engine's threads (gemmItems).
 */
export function gemmOnThreads(e: Engine, g: GemmArgs): void {
  withEngineMemory(e, () => {
    const scratch = new ThreadScratch();
    const work = scratch.add(e.gemmWorkBytes());
    const { base, stride } = scratch.allocate(e);
    e.execute({ phases: [gemmItems(e, g, base + work)], threadStride: stride });
  });
}

/**
 * Matrix product of float32 tensors.
 * Inputs: a [M, K], b [K, N] (float32), and optionally `out` [M, N] (float32) to write the product
 * into, whose memory is then reused (a new result is fresh memory, whose first writes cost more than
 * the copy itself; `out` may be `a` or `b`). Returns the [M, N] product: `out` when given, else a new tensor.
 */
export function matmul(a: Tensor, b: Tensor, out?: Tensor): Tensor {
  const fn = "matmul";
  checkRank(fn, "a", a, ["M", "K"]);
  checkShape(fn, "b", b, [a.shape[1], -1], ["a", a]);
  if (!(a.data instanceof Float32Array) || !(b.data instanceof Float32Array)) {
    throw new Error(`${fn}: expects float32 tensors, got ${a.dtype} and ${b.dtype}; convert with .astype("float32")`);
  }
  const [M, K] = a.shape;
  const N = b.shape[1];
  if (out !== undefined) {
    checkShape(fn, "out", out, [M, N]);
    if (!(out.data instanceof Float32Array)) throw new Error(`${fn}: out must be a float32 tensor, got ${out.dtype}`);
  }
  const ad = a.data, bd = b.data;
  const e = kernelEngine();
  return withEngineMemory(e, () => {
    const pA = put(e, ad);
    const pB = put(e, bd);
    const pC = e.alloc(4 * M * N);
    gemmOnThreads(e, { M, N, K, pA, rsA: K, csA: 1, pB, rsB: N, csB: 1, pC, ldc: N, accumulate: false });
    if (out === undefined) return new Tensor(take(e, pC, M * N), [M, N]);
    out.data.set(e.f32().subarray(pC >> 2, (pC >> 2) + M * N));
    return out;
  });
}
