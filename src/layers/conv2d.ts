/**
 * 2-D convolution (as in every deep-learning library, really a cross-correlation): each of F
 * filters of shape [C, KH, KW] slides over the zero-padded input with the given stride; every
 * output value is the dot product of the filter with the window under it, plus the filter's bias.
 *
 *   forward:  out[n, f, i, j] = b[f] + Σ_{c, ky, kx} w[f, c, ky, kx] · xpad[n, c, i·S + ky, j·S + kx]
 *   backward: every multiply-add above sends dout[n, f, i, j] back to both of its factors:
 *             dw[f, c, ky, kx] += dout · xpad[…],  dx[…] += dout · w[f, c, ky, kx],  db[f] += dout
 *
 * These are the naive reference loops, written to be read; fast kernels are checked against them.
 */
import { Tensor, allocate } from "../tensor.js";
import { checkCache, checkRank, checkShape, checkUpstream, slidingOutputSize } from "./shapes.js";

/** Stride (≥ 1, default 1) and zero padding on each side (≥ 0, default 0), the same along H and W. */
export interface ConvParams {
  stride?: number;
  pad?: number;
}

/** What conv2dForward keeps for conv2dBackward: its inputs and the resolved stride and pad. */
export interface Conv2dCache {
  x: Tensor;
  w: Tensor;
  b: Tensor;
  stride: number;
  pad: number;
}

/**
 * Spatial output size of a convolution or pooling along one axis: (inSize − kernel + 2·pad)/stride + 1.
 * Inputs: sizes as integers (stride ≥ 1, pad ≥ 0). Returns the output size; throws if the kernel is
 * larger than the padded input or the result is not an integer.
 */
export function convOutputSize(inSize: number, kernel: number, stride: number, pad: number): number {
  return slidingOutputSize("convOutputSize", "size", inSize, kernel, stride, pad);
}

/**
 * Check the inputs of a conv2d forward or backward pass (shapes, stride, pad) and return the output
 * shape [N, F, Ho, Wo]. Fast kernels with the same contract reuse it, so their messages match.
 */
export function checkConv2dInputs(fn: string, x: Tensor, w: Tensor, b: Tensor, stride: number, pad: number): number[] {
  checkRank(fn, "x", x, ["N", "C", "H", "W"]);
  checkRank(fn, "w", w, ["F", "C", "KH", "KW"]);
  checkShape(fn, "w", w, [-1, x.shape[1], -1, -1], ["x", x]);
  checkShape(fn, "b", b, [w.shape[0]], ["w", w]);
  const [N, , H, W] = x.shape;
  const [F, , KH, KW] = w.shape;
  return [N, F, slidingOutputSize(fn, "height", H, KH, stride, pad), slidingOutputSize(fn, "width", W, KW, stride, pad)];
}

/**
 * Forward pass of a 2-D convolution layer with zero padding.
 * Inputs: x [N, C, H, W], w [F, C, KH, KW], b [F], { stride, pad }.
 * Returns [out [N, F, Ho, Wo] (dtype of x), cache] with Ho = (H − KH + 2·pad)/stride + 1, Wo likewise.
 */
export function conv2dForward(x: Tensor, w: Tensor, b: Tensor, params: ConvParams = {}): [Tensor, Conv2dCache] {
  const { stride = 1, pad = 0 } = params;
  const [N, F, Ho, Wo] = checkConv2dInputs("conv2dForward", x, w, b, stride, pad);
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
  const fn = "conv2dBackward";
  checkCache(fn, cache, ["x", "w", "b"]);
  const { x, w, b, stride, pad } = cache;
  const [N, F, Ho, Wo] = checkConv2dInputs(fn, x, w, b, stride, pad);
  checkUpstream(fn, dout, [N, F, Ho, Wo]);
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
