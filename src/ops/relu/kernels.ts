/**
 * ReLU's primitives (./kernels.as) and their plain TypeScript twins, for ./fast.ts.
 * Pointers are byte offsets into the engine's memory; n counts floats.
 */
import { defineKernel, type JsMemory } from "../../engine/kernel.js";

/** out = max(0, x) for n floats (NaN → 0). */
export const RELU = defineKernel("relu", ["pX", "pOut", "n"] as const, (m: JsMemory, pX: number, pOut: number, n: number) => {
  const h = m.f32;
  for (let i = pX >> 2, o = pOut >> 2, end = i + n; i < end; i++, o++) h[o] = h[i] > 0 ? h[i] : 0;
});

/** dx = dout where x > 0, else 0, for n floats. */
export const RELU_GRAD = defineKernel("reluGrad", ["pX", "pDout", "pDx", "n"] as const, (m: JsMemory, pX: number, pDout: number, pDx: number, n: number) => {
  const h = m.f32;
  for (let i = 0, x = pX >> 2, g = pDout >> 2, d = pDx >> 2; i < n; i++) h[d + i] = h[x + i] > 0 ? h[g + i] : 0;
});
