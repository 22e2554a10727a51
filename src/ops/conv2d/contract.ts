/**
 * The contract of the 2-D convolution, kept by the reference loops (src/layers/conv2d.ts, the
 * assignment) and the fast float32 path (./fast.ts): parameters, cache, the input checks with
 * their messages, and the geometry — every size of one convolution, computed here once and read
 * by the fast path, its kernels (packed: CONV_FIELDS), the layer descriptions and summary.
 */
import type { Tensor } from "../../tensor.js";
import { checkCache, checkRank, checkShape, checkUpstream, slidingOutputSize } from "../../shapes.js";

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

/** The sizes of one convolution: x [N, C, H, W], w [F, C, KH, KW], out [N, F, Ho, Wo]. */
export interface ConvGeometry {
  N: number; C: number; H: number; W: number;
  F: number; KH: number; KW: number;
  stride: number; pad: number; Ho: number; Wo: number;
}

/** The order in which a kernel reads a packed ConvGeometry (int32 each; ./kernels.as reads them at 4·index). */
export const CONV_FIELDS = ["N", "C", "H", "W", "F", "KH", "KW", "stride", "pad", "Ho", "Wo"] as const satisfies readonly (keyof ConvGeometry)[];

/**
 * The part of a padded length `padded` that windows of size `kernel`, `stride` apart, cover when
 * the output is rounded down (the last partial window dropped).
 */
export function coveredLength(padded: number, kernel: number, stride: number): number {
  return padded < kernel ? padded : Math.floor((padded - kernel) / stride) * stride + kernel;
}

/**
 * The geometry of the convolution of x [N, C, H, W] with w [F, C, KH, KW] (shapes only; `fn` names
 * the caller in messages). Throws when a kernel does not fit the padded input or the windows do
 * not tile it; with `roundDown` the output is rounded down instead (the padded input cut to what
 * the windows cover, as torchvision does).
 */
export function convGeometry(
  fn: string, xShape: readonly number[], wShape: readonly number[], stride: number, pad: number, roundDown = false,
): ConvGeometry {
  const [N, C, H, W] = xShape;
  const [F, , KH, KW] = wShape;
  const size = (axis: string, n: number, k: number) =>
    roundDown
      ? slidingOutputSize(fn, axis, coveredLength(n + 2 * pad, k, stride), k, stride, 0)
      : slidingOutputSize(fn, axis, n, k, stride, pad);
  const Ho = size("height", H, KH);
  const Wo = size("width", W, KW);
  return { N, C, H, W, F, KH, KW, stride, pad, Ho, Wo };
}

/** The output shape [N, F, Ho, Wo] of the convolution `g`. */
export function convOutShape(g: ConvGeometry): [number, number, number, number] {
  return [g.N, g.F, g.Ho, g.Wo];
}

/**
 * Spatial output size of a convolution or pooling along one axis: (inSize − kernel + 2·pad)/stride + 1.
 * Inputs: sizes as integers (stride ≥ 1, pad ≥ 0). Returns the output size; throws if the kernel is
 * larger than the padded input or the result is not an integer.
 */
export function convOutputSize(inSize: number, kernel: number, stride: number, pad: number): number {
  return slidingOutputSize("convOutputSize", "size", inSize, kernel, stride, pad);
}

/** Check x [N, C, H, W], w [F, C, KH, KW], b [F], stride and pad; returns the convolution's geometry. */
function checkConv2dInputs(fn: string, x: Tensor, w: Tensor, b: Tensor, stride: number, pad: number): ConvGeometry {
  checkRank(fn, "x", x, ["N", "C", "H", "W"]);
  checkRank(fn, "w", w, ["F", "C", "KH", "KW"]);
  checkShape(fn, "w", w, [-1, x.shape[1], -1, -1], ["x", x]);
  checkShape(fn, "b", b, [w.shape[0]], ["w", w]);
  return convGeometry(fn, x.shape, w.shape, stride, pad);
}

/**
 * Check conv2dForward's inputs x [N, C, H, W], w [F, C, KH, KW], b [F] and params (defaults
 * stride 1, pad 0); returns the resolved { stride, pad }, the output shape [N, F, Ho, Wo] and the geometry.
 */
export function checkConv2dForward(
  x: Tensor, w: Tensor, b: Tensor, params: ConvParams,
): { stride: number; pad: number; outShape: [number, number, number, number]; geometry: ConvGeometry } {
  const { stride = 1, pad = 0 } = params ?? {};
  const geometry = checkConv2dInputs("conv2dForward", x, w, b, stride, pad);
  return { stride, pad, outShape: convOutShape(geometry), geometry };
}

/** Check conv2dBackward's dout [N, F, Ho, Wo] and the cache of conv2dForward; returns the convolution's geometry. */
export function checkConv2dBackwardGeometry(dout: Tensor, cache: Conv2dCache): ConvGeometry {
  const fn = "conv2dBackward";
  checkCache(fn, cache, ["x", "w", "b"]);
  const { x, w, b, stride, pad } = cache;
  const geometry = checkConv2dInputs(fn, x, w, b, stride, pad);
  checkUpstream(fn, dout, convOutShape(geometry));
  return geometry;
}

/** Check conv2dBackward's dout [N, F, Ho, Wo] and the cache of conv2dForward; returns [N, F, Ho, Wo]. */
export function checkConv2dBackward(dout: Tensor, cache: Conv2dCache): [number, number, number, number] {
  return convOutShape(checkConv2dBackwardGeometry(dout, cache));
}
