/**
 * The fused Adam primitive (./kernels.as) and its plain TypeScript twin, for ./fast.ts.
 * Pointers are byte offsets into the engine's memory; n counts floats.
 */
import { defineKernel, type JsMemory } from "../../engine/kernel.js";

/**
 * Adam on n floats: m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; x −= stepSize·m / (√v·vScale + ε)
 * (stepSize = lr/(1 − β1^t), vScale = 1/√(1 − β2^t) fold in the bias corrections); the constants
 * are five float32 at pConsts: β1, β2, stepSize, vScale, ε (argument lists hold integers only).
 */
export const ADAM = defineKernel(
  "adam",
  ["pX", "pG", "pM", "pV", "n", "pConsts"] as const,
  (m: JsMemory, pX: number, pG: number, pM: number, pV: number, n: number, pConsts: number) => {
    const h = m.f32;
    const c = pConsts >> 2;
    const [beta1, beta2, stepSize, vScale, eps] = [h[c], h[c + 1], h[c + 2], h[c + 3], h[c + 4]];
    for (let i = 0, x = pX >> 2, g = pG >> 2, mo = pM >> 2, v = pV >> 2; i < n; i++) {
      const gi = h[g + i];
      const mi = (h[mo + i] = beta1 * h[mo + i] + (1 - beta1) * gi);
      const vi = (h[v + i] = beta2 * h[v + i] + (1 - beta2) * gi * gi);
      h[x + i] -= (stepSize * mi) / (Math.sqrt(vi) * vScale + eps);
    }
  },
);
