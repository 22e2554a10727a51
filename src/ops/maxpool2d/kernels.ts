/**
 * Max-pooling's primitives (./kernels.as) and their plain TypeScript twins, for ./fast.ts.
 * Pointers are byte offsets into the engine's memory.
 */
import { defineKernel, unpackFields, type JsMemory } from "../../engine/kernel.js";
import { POOL_FIELDS } from "./contract.js";

/**
 * Max-pool planes [p0, p1) of x (planes [H, W] at pX; the geometry packed at pGeom, POOL_FIELDS):
 * out [planes, Ho, Wo] at pOut and, as int32 at pArg, the flat index in x of each window's first
 * maximum (row-major).
 */
export const MAX_POOL = defineKernel(
  "maxPool",
  ["pX", "p0", "p1", "pGeom", "pOut", "pArg"] as const,
  (m: JsMemory, pX: number, p0: number, p1: number, pGeom: number, pOut: number, pArg: number) => {
    const { H, W, size, stride, Ho, Wo } = unpackFields(POOL_FIELDS, m, pGeom);
    const h = m.f32;
    const args = m.i32;
    const x = pX >> 2;
    let o = p0 * Ho * Wo;
    for (let base = p0 * H * W; base < p1 * H * W; base += H * W) {
      for (let i = 0; i < Ho; i++) {
        for (let j = 0; j < Wo; j++, o++) {
          const corner = base + i * stride * W + j * stride;
          let best = -Infinity;
          let at = corner;
          for (let ky = 0; ky < size; ky++) {
            for (let k = corner + ky * W, end = k + size; k < end; k++) {
              if (h[x + k] > best) {
                best = h[x + k];
                at = k;
              }
            }
          }
          h[(pOut >> 2) + o] = best;
          args[(pArg >> 2) + o] = at;
        }
      }
    }
  },
);

/** dx [x0, x1) = 0, then dx[arg[o]] += dout[o] for outputs o in [o0, o1) (arg: int32 indices from maxPool). */
export const MAX_POOL_BACKWARD = defineKernel(
  "maxPoolBackward",
  ["pDout", "pArg", "o0", "o1", "pDx", "x0", "x1"] as const,
  (m: JsMemory, pDout: number, pArg: number, o0: number, o1: number, pDx: number, x0: number, x1: number) => {
    const h = m.f32;
    const dx = pDx >> 2;
    h.fill(0, dx + x0, dx + x1);
    for (let o = o0; o < o1; o++) h[dx + m.i32[(pArg >> 2) + o]] += h[(pDout >> 2) + o];
  },
);
