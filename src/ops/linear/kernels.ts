/**
 * The fully connected layer's primitives besides its GEMMs (./kernels.as) and their plain
 * TypeScript twins, for ./fast.ts. Pointers are byte offsets into the engine's memory.
 */
import { defineKernel, type JsMemory } from "../../engine/kernel.js";

/** out [N, M]: every row = b [M]. */
export const BIAS_ROWS = defineKernel("biasRows", ["pB", "N", "M", "pOut"] as const, (m: JsMemory, pB: number, N: number, M: number, pOut: number) => {
  const h = m.f32;
  for (let n = 0; n < N; n++) h.copyWithin((pOut >> 2) + n * M, pB >> 2, (pB >> 2) + M);
});

/** db [M] = the column sums of dout [N, M] (db += … when accumulate ≠ 0). */
export const BIAS_GRADIENT = defineKernel(
  "biasGradient",
  ["pDout", "N", "M", "pDb", "accumulate"] as const,
  (m: JsMemory, pDout: number, N: number, M: number, pDb: number, accumulate: number) => {
  const h = m.f32;
  const db = pDb >> 2;
  if (accumulate === 0) h.fill(0, db, db + M);
  for (let n = 0; n < N; n++) for (let j = 0, g = (pDout >> 2) + n * M; j < M; j++) h[db + j] += h[g + j];
  },
);
