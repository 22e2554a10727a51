/**
 * The contract of 2-D max-pooling, kept by the reference loops (src/layers/maxpool2d.ts, the
 * assignment) and the fast float32 path (./fast.ts): parameters, cache, and the input checks with
 * their messages (a pooling window has no padding: "use a smaller window").
 */
import type { Tensor } from "../../tensor.js";
import { checkCache, checkInteger, checkRank, checkUpstream, slidingOutputSize } from "../../shapes.js";

/** Window size (≥ 1, the same along H and W) and stride (≥ 1, default: size, i.e. no overlap). */
export interface PoolParams {
  size: number;
  stride?: number;
}

/** What maxPool2dForward keeps for maxPool2dBackward: its input and the resolved window. */
export interface MaxPool2dCache {
  x: Tensor;
  size: number;
  stride: number;
}

/** Check x [N, C, H, W] and the window; returns the output shape [N, C, Ho, Wo]. */
function checkMaxPool2dInputs(fn: string, x: Tensor, size: number, stride: number): [number, number, number, number] {
  checkRank(fn, "x", x, ["N", "C", "H", "W"]);
  checkInteger(fn, "size", size, 1);
  const [N, C, H, W] = x.shape;
  return [
    N,
    C,
    slidingOutputSize(fn, "height", H, size, stride, 0, "window"),
    slidingOutputSize(fn, "width", W, size, stride, 0, "window"),
  ];
}

/**
 * Check maxPool2dForward's input x [N, C, H, W] and { size, stride } (stride defaults to size);
 * returns the resolved size and stride and the output shape [N, C, Ho, Wo].
 */
export function checkMaxPool2dForward(
  x: Tensor, params: PoolParams,
): { size: number; stride: number; outShape: [number, number, number, number] } {
  const size = params?.size;
  const stride = params?.stride ?? size;
  return { size, stride, outShape: checkMaxPool2dInputs("maxPool2dForward", x, size, stride) };
}

/** Check maxPool2dBackward's dout [N, C, Ho, Wo] and the cache of maxPool2dForward; returns [N, C, Ho, Wo]. */
export function checkMaxPool2dBackward(dout: Tensor, cache: MaxPool2dCache): [number, number, number, number] {
  const fn = "maxPool2dBackward";
  checkCache(fn, cache, ["x"]);
  const outShape = checkMaxPool2dInputs(fn, cache.x, cache.size, cache.stride);
  checkUpstream(fn, dout, outShape);
  return outShape;
}
