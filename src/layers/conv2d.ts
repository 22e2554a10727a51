/**
 * 2-D convolution (as in every deep-learning library, really a cross-correlation): each of F
 * filters of shape [C, KH, KW] slides over the zero-padded input with the given stride; every
 * output value is the dot product of the filter with the window under it, plus the filter's bias.
 *
 *   forward:  out[n, f, i, j] = b[f] + Σ_{c, ky, kx} w[f, c, ky, kx] · xpad[n, c, i·S + ky, j·S + kx]
 *   backward: every multiply-add above sends dout[n, f, i, j] back to both of its factors:
 *             dw[f, c, ky, kx] += dout · xpad[…],  dx[…] += dout · w[f, c, ky, kx],  db[f] += dout
 *
 * These are the naive reference loops, written to be read (the assignment); the fast float32 path
 * (../ops/conv2d/fast.ts) is checked against them. Shapes, checks and messages:
 * ../ops/conv2d/contract.ts.
 */
import { Tensor, allocate } from "../tensor.js";
import {
  checkConv2dBackward,
  checkConv2dForward,
  convOutputSize,
  type Conv2dCache,
  type ConvParams,
} from "../ops/conv2d/contract.js";

export { convOutputSize, type Conv2dCache, type ConvParams };

/**
 * Forward pass of a 2-D convolution layer with zero padding.
 * Inputs: x [N, C, H, W], w [F, C, KH, KW], b [F], { stride, pad }.
 * Returns [out [N, F, Ho, Wo] (dtype of x), cache] with Ho = (H − KH + 2·pad)/stride + 1, Wo likewise.
 */
export function conv2dForward(x: Tensor, w: Tensor, b: Tensor, params: ConvParams = {}): [Tensor, Conv2dCache] {
  const { stride, pad, outShape } = checkConv2dForward(x, w, b, params);
  const [N, F, Ho, Wo] = outShape;
  const [, C, H, W] = x.shape;
  const [, , KH, KW] = w.shape;
  // BEGIN SOLUTION
  const out = new Tensor(allocate(N * F * Ho * Wo, x.dtype), [N, F, Ho, Wo]);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let i = 0; i < Ho; i++) {
        for (let j = 0; j < Wo; j++) {
          let s = b.data[f];
          for (let c = 0; c < C; c++) {
            for (let ky = 0; ky < KH; ky++) {
              const y = i * stride + ky - pad; // row in the unpadded input
              if (y < 0 || y >= H) continue; // a padding row: contributes zero
              for (let kx = 0; kx < KW; kx++) {
                const xx = j * stride + kx - pad;
                if (xx < 0 || xx >= W) continue;
                s += w.data[((f * C + c) * KH + ky) * KW + kx] * x.data[((n * C + c) * H + y) * W + xx];
              }
            }
          }
          out.data[((n * F + f) * Ho + i) * Wo + j] = s;
        }
      }
    }
  }
  return [out, { x, w, b, stride, pad }];
  // END SOLUTION
}

/**
 * Backward pass of a 2-D convolution layer.
 * Inputs: dout [N, F, Ho, Wo], cache from conv2dForward.
 * Returns { dx [N, C, H, W], dw [F, C, KH, KW], db [F] }, in the dtypes of x, w and b.
 */
export function conv2dBackward(dout: Tensor, cache: Conv2dCache): { dx: Tensor; dw: Tensor; db: Tensor } {
  const [N, F, Ho, Wo] = checkConv2dBackward(dout, cache);
  const { x, w, b, stride, pad } = cache;
  const [, C, H, W] = x.shape;
  const [, , KH, KW] = w.shape;
  // BEGIN SOLUTION
  const dx = new Tensor(allocate(x.size, x.dtype), x.shape);
  const dw = new Tensor(allocate(w.size, w.dtype), w.shape);
  const db = new Tensor(allocate(b.size, b.dtype), b.shape);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let i = 0; i < Ho; i++) {
        for (let j = 0; j < Wo; j++) {
          const g = dout.data[((n * F + f) * Ho + i) * Wo + j];
          db.data[f] += g;
          for (let c = 0; c < C; c++) {
            for (let ky = 0; ky < KH; ky++) {
              const y = i * stride + ky - pad;
              if (y < 0 || y >= H) continue; // padding has no gradient to receive
              for (let kx = 0; kx < KW; kx++) {
                const xx = j * stride + kx - pad;
                if (xx < 0 || xx >= W) continue;
                const wi = ((f * C + c) * KH + ky) * KW + kx;
                const xi = ((n * C + c) * H + y) * W + xx;
                dw.data[wi] += g * x.data[xi];
                dx.data[xi] += g * w.data[wi];
              }
            }
          }
        }
      }
    }
  }
  return { dx, dw, db };
  // END SOLUTION
}
