/**
 * The contract of 2-D max-pooling, kept by the reference loops (src/layers/maxpool2d.ts, the
 * assignment) and the fast float32 path (./fast.ts): parameters, cache, and the input checks with
 * their messages (a pooling window has no padding: "use a smaller window"), and the geometry —
 * every size of one pooling, computed here once and read by the fast path and its kernels (packed:
 * POOL_FIELDS), the layer descriptions and summary.
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

/** The sizes of one max-pooling: x [N, C, H, W] → out [N, C, Ho, Wo], size×size windows `stride` apart. */
export interface PoolGeometry {
  N: number; C: number; H: number; W: number;
  size: number; stride: number; Ho: number; Wo: number;
}

/** The order in which a kernel reads a packed PoolGeometry (int32 each; ./kernels.as reads them at 4·index). */
export const POOL_FIELDS = ["N", "C", "H", "W", "size", "stride", "Ho", "Wo"] as const satisfies readonly (keyof PoolGeometry)[];

/**
 * The geometry of max-pooling x of shape [N, C, H, W] with size×size windows `stride` apart (`fn`
 * names the caller in messages). Throws when the window does not fit or the windows do not tile the input.
 */
export function poolGeometry(fn: string, xShape: readonly number[], size: number, stride: number): PoolGeometry {
  checkInteger(fn, "size", size, 1);
  const [N, C, H, W] = xShape;
  const Ho = slidingOutputSize(fn, "height", H, size, stride, 0, "window");
  const Wo = slidingOutputSize(fn, "width", W, size, stride, 0, "window");
  return { N, C, H, W, size, stride, Ho, Wo };
}

/** The output shape [N, C, Ho, Wo] of the pooling `g`. */
export function poolOutShape(g: PoolGeometry): [number, number, number, number] {
  return [g.N, g.C, g.Ho, g.Wo];
}

/**
 * Check maxPool2dForward's input x [N, C, H, W] and { size, stride } (stride defaults to size);
 * returns the resolved size and stride, the output shape [N, C, Ho, Wo] and the geometry.
 */
export function checkMaxPool2dForward(
  x: Tensor, params: PoolParams,
): { size: number; stride: number; outShape: [number, number, number, number]; geometry: PoolGeometry } {
  const fn = "maxPool2dForward";
  const size = params?.size;
  const stride = params?.stride ?? size;
  checkRank(fn, "x", x, ["N", "C", "H", "W"]);
  const geometry = poolGeometry(fn, x.shape, size, stride);
  return { size, stride, outShape: poolOutShape(geometry), geometry };
}

/** Check maxPool2dBackward's dout [N, C, Ho, Wo] and the cache of maxPool2dForward; returns the pooling's geometry. */
export function checkMaxPool2dBackwardGeometry(dout: Tensor, cache: MaxPool2dCache): PoolGeometry {
  const fn = "maxPool2dBackward";
  checkCache(fn, cache, ["x"]);
  checkRank(fn, "x", cache.x, ["N", "C", "H", "W"]);
  const geometry = poolGeometry(fn, cache.x.shape, cache.size, cache.stride);
  checkUpstream(fn, dout, poolOutShape(geometry));
  return geometry;
}

/** Check maxPool2dBackward's dout [N, C, Ho, Wo] and the cache of maxPool2dForward; returns [N, C, Ho, Wo]. */
export function checkMaxPool2dBackward(dout: Tensor, cache: MaxPool2dCache): [number, number, number, number] {
  return poolOutShape(checkMaxPool2dBackwardGeometry(dout, cache));
}
