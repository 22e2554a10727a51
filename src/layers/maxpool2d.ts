/**
 * 2-D max-pooling: each channel of each image is cut into size×size windows, `stride` apart, and
 * every window is replaced by its largest value. No padding. Windows may overlap (stride < size).
 *
 *   forward:  out[n, c, i, j] = max_{ky, kx < size} x[n, c, i·S + ky, j·S + kx]
 *   backward: dout[n, c, i, j] goes to the input that was the maximum of that window; the others
 *             get 0. Where windows overlap, an input collects the sum over every window it won.
 *
 * Ties: the gradient goes to the FIRST maximum in row-major order within the window (smallest ky,
 * then smallest kx); the other equal values get nothing, so each window passes its gradient on once.
 *
 * The reference loops (the assignment). Shapes, checks and messages: ../ops/maxpool2d/contract.ts;
 * the fast float32 path beside it.
 */
import { Tensor, allocate } from "../tensor.js";
import {
  checkMaxPool2dBackward,
  checkMaxPool2dForward,
  type MaxPool2dCache,
  type PoolParams,
} from "../ops/maxpool2d/contract.js";

export type { MaxPool2dCache, PoolParams };

/**
 * Forward pass of 2-D max-pooling.
 * Inputs: x [N, C, H, W], { size, stride }. Returns [out [N, C, Ho, Wo] (dtype of x), cache] with
 * Ho = (H − size)/stride + 1, Wo = (W − size)/stride + 1.
 */
export function maxPool2dForward(x: Tensor, params: PoolParams): [Tensor, MaxPool2dCache] {
  const { size, stride, outShape } = checkMaxPool2dForward(x, params);
  const [N, C, Ho, Wo] = outShape;
  const [, , H, W] = x.shape;
  // BEGIN SOLUTION
  const out = new Tensor(allocate(N * C * Ho * Wo, x.dtype), [N, C, Ho, Wo]);
  for (let nc = 0; nc < N * C; nc++) {
    const plane = nc * H * W; // offset of image n, channel c
    for (let i = 0; i < Ho; i++) {
      for (let j = 0; j < Wo; j++) {
        let best = -Infinity;
        for (let ky = 0; ky < size; ky++) {
          for (let kx = 0; kx < size; kx++) {
            const v = x.data[plane + (i * stride + ky) * W + j * stride + kx];
            if (v > best) best = v;
          }
        }
        out.data[(nc * Ho + i) * Wo + j] = best;
      }
    }
  }
  return [out, { x, size, stride }];
  // END SOLUTION
}

/**
 * Backward pass of 2-D max-pooling (ties: the first maximum in row-major order gets the gradient).
 * Inputs: dout [N, C, Ho, Wo], cache from maxPool2dForward. Returns dx [N, C, H, W] (dtype of x).
 */
export function maxPool2dBackward(dout: Tensor, cache: MaxPool2dCache): Tensor {
  const [N, C, Ho, Wo] = checkMaxPool2dBackward(dout, cache);
  const { x, size, stride } = cache;
  const [, , H, W] = x.shape;
  // BEGIN SOLUTION
  const dx = new Tensor(allocate(x.size, x.dtype), x.shape);
  for (let nc = 0; nc < N * C; nc++) {
    const plane = nc * H * W;
    for (let i = 0; i < Ho; i++) {
      for (let j = 0; j < Wo; j++) {
        // find the first maximum of the window again (strict > keeps the earliest of equal values)
        let best = -Infinity;
        let at = plane + i * stride * W + j * stride;
        for (let ky = 0; ky < size; ky++) {
          for (let kx = 0; kx < size; kx++) {
            const k = plane + (i * stride + ky) * W + j * stride + kx;
            if (x.data[k] > best) {
              best = x.data[k];
              at = k;
            }
          }
        }
        dx.data[at] += dout.data[(nc * Ho + i) * Wo + j]; // += : overlapping windows add up
      }
    }
  }
  return dx;
  // END SOLUTION
}
