/**
 * Fast 2-D max-pooling for float32: forward records, for every output, where its maximum was
 * (the first maximum in row-major order, as the reference), so that backward is one scatter.
 * Same contract as ../layers/maxpool2d.ts; the cache is the reference cache plus that index.
 */
import { Tensor } from "../tensor.js";
import {
  maxPool2dBackward as referenceBackward,
  maxPool2dForward as referenceForward,
  type MaxPool2dCache,
  type PoolParams,
} from "../layers/maxpool2d.js";
import { checkCache, checkInteger, checkRank, checkUpstream, slidingOutputSize } from "../layers/shapes.js";

/** The reference cache plus, for each output, the flat index in x of its window's first maximum. */
export interface FastMaxPool2dCache extends MaxPool2dCache {
  argmax?: Int32Array;
}

function outputShape(fn: string, x: Tensor, size: number, stride: number): number[] {
  checkRank(fn, "x", x, ["N", "C", "H", "W"]);
  checkInteger(fn, "size", size, 1);
  const [N, C, H, W] = x.shape;
  return [N, C, slidingOutputSize(fn, "height", H, size, stride, 0), slidingOutputSize(fn, "width", W, size, stride, 0)];
}

/**
 * Forward pass of max-pooling (fast path for float32).
 * Inputs: x [N, C, H, W], { size, stride }. Returns [out [N, C, Ho, Wo], cache].
 */
export function maxPool2dForward(x: Tensor, params: PoolParams): [Tensor, FastMaxPool2dCache] {
  const size = params?.size;
  const stride = params?.stride ?? size;
  const [N, C, Ho, Wo] = outputShape("maxPool2dForward", x, size, stride);
  const xs = x.data;
  if (!(xs instanceof Float32Array)) return referenceForward(x, params);
  const [, , H, W] = x.shape;
  const out = new Float32Array(N * C * Ho * Wo);
  const argmax = new Int32Array(out.length);
  let o = 0;
  for (let plane = 0; plane < N * C * H * W; plane += H * W) {
    for (let i = 0; i < Ho; i++) {
      for (let j = 0; j < Wo; j++, o++) {
        const corner = plane + i * stride * W + j * stride;
        let best = -Infinity;
        let at = corner;
        for (let ky = 0; ky < size; ky++) {
          for (let k = corner + ky * W, end = k + size; k < end; k++) {
            if (xs[k] > best) {
              best = xs[k];
              at = k;
            }
          }
        }
        out[o] = best;
        argmax[o] = at;
      }
    }
  }
  return [new Tensor(out, [N, C, Ho, Wo]), { x, size, stride, argmax }];
}

/**
 * Backward pass of max-pooling (fast path for float32; ties: the first maximum gets the gradient).
 * Inputs: dout [N, C, Ho, Wo], cache from maxPool2dForward. Returns dx [N, C, H, W].
 */
export function maxPool2dBackward(dout: Tensor, cache: FastMaxPool2dCache): Tensor {
  const fn = "maxPool2dBackward";
  checkCache(fn, cache, ["x"]);
  const { x, size, stride, argmax } = cache;
  const shape = outputShape(fn, x, size, stride);
  checkUpstream(fn, dout, shape);
  const g = dout.data;
  if (!(x.data instanceof Float32Array && g instanceof Float32Array && argmax instanceof Int32Array && argmax.length === g.length)) {
    return referenceBackward(dout, cache);
  }
  // BEGIN SOLUTION
  const dx = new Float32Array(x.size);
  for (let o = 0; o < g.length; o++) dx[argmax[o]] += g[o];
  return new Tensor(dx, x.shape);
  // END SOLUTION
}
