/**
 * The convolution's primitives (./kernels.as, ./im2col.as) and their plain TypeScript twins, for
 * ./fast.ts. Shapes (float32, row-major): x [N, C, H, W], w [F, C, KH, KW], b [F],
 * out/dout [N, F, Ho, Wo]; col [C·KH·KW, Ho·Wo] holds one image's patches, row r = (c·KH + kh)·KW + kw,
 * column p = oh·Wo + ow. Every thread that takes part in a call claims images from the int32
 * counter at pNext, with its own scratch.
 */
import { gemmJs } from "../../engine/gemm.js";
import { defineKernel, type JsMemory } from "../../engine/kernel.js";

/** col at pCol = the patches of one image [C, H, W] at pX (0 outside the image). */
function im2colJs(m: JsMemory, pX: number, C: number, H: number, W: number, KH: number, KW: number, stride: number, pad: number, Ho: number, Wo: number, pCol: number): void {
  const h = m.f32;
  const x = pX >> 2;
  let d = pCol >> 2;
  for (let c = 0; c < C; c++) {
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        for (let oh = 0; oh < Ho; oh++) {
          const ih = oh * stride - pad + kh;
          for (let ow = 0; ow < Wo; ow++, d++) {
            const iw = ow * stride - pad + kw;
            h[d] = ih >= 0 && ih < H && iw >= 0 && iw < W ? h[x + (c * H + ih) * W + iw] : 0;
          }
        }
      }
    }
  }
}

/** One image [C, H, W] at pX = the adjoint of im2col applied to col at pCol (overwritten). */
function col2imJs(m: JsMemory, pCol: number, C: number, H: number, W: number, KH: number, KW: number, stride: number, pad: number, Ho: number, Wo: number, pX: number): void {
  const h = m.f32;
  const x = pX >> 2;
  h.fill(0, x, x + C * H * W);
  let s = pCol >> 2;
  for (let c = 0; c < C; c++) {
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        for (let oh = 0; oh < Ho; oh++) {
          const ih = oh * stride - pad + kh;
          for (let ow = 0; ow < Wo; ow++, s++) {
            const iw = ow * stride - pad + kw;
            if (ih >= 0 && ih < H && iw >= 0 && iw < W) h[x + (c * H + ih) * W + iw] += h[s];
          }
        }
      }
    }
  }
}

/** The next image index from the int32 counter at pNext (one thread here: all of them in turn). */
function claim(m: JsMemory, pNext: number): number {
  return m.i32[pNext >> 2]++;
}

/** out[n] = w · im2col(x[n]) + b for the images n < N claimed at pNext; pCol holds C·KH·KW·Ho·Wo floats of scratch. */
export const CONV_FORWARD = defineKernel(
  "convForwardRange",
  ["pNext", "N", "pX", "pW", "pB", "pOut", "C", "H", "W", "F", "KH", "KW", "stride", "pad", "Ho", "Wo", "pCol", "work"] as const,
  (
    m: JsMemory, pNext: number, N: number, pX: number, pW: number, pB: number, pOut: number,
    C: number, H: number, W: number, F: number, KH: number, KW: number, stride: number, pad: number, Ho: number, Wo: number,
    pCol: number, work: number,
  ) => {
    const K = C * KH * KW;
    const P = Ho * Wo;
    for (let n = claim(m, pNext); n < N; n = claim(m, pNext)) {
      const out = pOut + n * F * P * 4;
      im2colJs(m, pX + n * C * H * W * 4, C, H, W, KH, KW, stride, pad, Ho, Wo, pCol);
      for (let f = 0; f < F; f++) m.f32.fill(m.f32[(pB >> 2) + f], (out >> 2) + f * P, (out >> 2) + (f + 1) * P);
      gemmJs(m, F, P, K, pW, K, 1, pCol, P, 1, out, P, 1, work);
    }
  },
);

/**
 * For the images n < N claimed at pNext: dw [F, C·KH·KW] += dout[n] · im2col(x[n])ᵀ (dw is this
 * thread's own accumulator) and, when needDx ≠ 0, dx[n] = col2im(wᵀ · dout[n]).
 * pCol and pDcol hold C·KH·KW·Ho·Wo floats of scratch each.
 */
export const CONV_BACKWARD = defineKernel(
  "convBackwardRange",
  [
    "pNext", "N", "pX", "pW", "pDout", "pDx", "pDw", "C", "H", "W", "F", "KH", "KW", "stride", "pad", "Ho", "Wo",
    "pCol", "pDcol", "work", "needDx",
  ] as const,
  (
    m: JsMemory, pNext: number, N: number, pX: number, pW: number, pDout: number, pDx: number, pDw: number,
    C: number, H: number, W: number, F: number, KH: number, KW: number, stride: number, pad: number, Ho: number, Wo: number,
    pCol: number, pDcol: number, work: number, needDx: number,
  ) => {
    const K = C * KH * KW;
    const P = Ho * Wo;
    for (let n = claim(m, pNext); n < N; n = claim(m, pNext)) {
      const dout = pDout + n * F * P * 4;
      im2colJs(m, pX + n * C * H * W * 4, C, H, W, KH, KW, stride, pad, Ho, Wo, pCol);
      gemmJs(m, F, K, P, dout, P, 1, pCol, 1, P, pDw, K, 1, work);
      if (needDx !== 0) {
        gemmJs(m, K, P, F, pW, 1, K, dout, P, 1, pDcol, P, 0, work);
        col2imJs(m, pDcol, C, H, W, KH, KW, stride, pad, Ho, Wo, pDx + n * C * H * W * 4);
      }
    }
  },
);
