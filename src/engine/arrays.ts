/**
 * Whole-array primitives (./assembly/arrays.as) and their plain TypeScript twins: zeroing, and
 * summing per-thread partial sums (of a gradient) into their total. Pointers are byte offsets into
 * the engine's memory; n counts floats.
 */
import { defineKernel, type JsMemory } from "./kernel.js";

/** n floats at p = 0. */
export const ZERO_FLOATS = defineKernel("zeroFloats", ["p", "n"] as const, (m: JsMemory, p: number, n: number) => {
  m.f32.fill(0, p >> 2, (p >> 2) + n);
});

/**
 * out = the sum of `parts` partial sums of n floats, `stride` bytes apart from pParts (out += … when
 * accumulate ≠ 0); then the partial sums = 0.
 */
export const ADD_PARTS = defineKernel(
  "addParts",
  ["pParts", "stride", "parts", "pOut", "n", "accumulate"] as const,
  (m: JsMemory, pParts: number, stride: number, parts: number, pOut: number, n: number, accumulate: number) => {
    const h = m.f32;
    const out = pOut >> 2;
    if (accumulate === 0) h.fill(0, out, out + n);
    for (let t = 0; t < parts; t++) {
      const part = (pParts + t * stride) >> 2;
      for (let i = 0; i < n; i++) h[out + i] += h[part + i];
      h.fill(0, part, part + n);
    }
  },
);
