/**
 * The contract of the 2-D convolution, kept by the reference loops (src/layers/conv2d.ts, the
 * assignment) and the fast float32 path (./fast.ts): parameters, cache, the input checks with
 * their messages, and the output size.
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

/**
 * Spatial output size of a convolution or pooling along one axis: (inSize − kernel + 2·pad)/stride + 1.
 * Inputs: sizes as integers (stride ≥ 1, pad ≥ 0). Returns the output size; throws if the kernel is
 * larger than the padded input or the result is not an integer.
 */
export function convOutputSize(inSize: number, kernel: number, stride: number, pad: number): number {
  return slidingOutputSize("convOutputSize", "size", inSize, kernel, stride, pad);
}

/** Check x [N, C, H, W], w [F, C, KH, KW], b [F], stride and pad; returns the output shape [N, F, Ho, Wo]. */
function checkConv2dInputs(fn: string, x: Tensor, w: Tensor, b: Tensor, stride: number, pad: number): [number, number, number, number] {
  checkRank(fn, "x", x, ["N", "C", "H", "W"]);
  checkRank(fn, "w", w, ["F", "C", "KH", "KW"]);
  checkShape(fn, "w", w, [-1, x.shape[1], -1, -1], ["x", x]);
  checkShape(fn, "b", b, [w.shape[0]], ["w", w]);
  const [N, , H, W] = x.shape;
  const [F, , KH, KW] = w.shape;
  return [N, F, slidingOutputSize(fn, "height", H, KH, stride, pad), slidingOutputSize(fn, "width", W, KW, stride, pad)];
}

/**
 * Check conv2dForward's inputs x [N, C, H, W], w [F, C, KH, KW], b [F] and params (defaults
 * stride 1, pad 0); returns the resolved { stride, pad } and the output shape [N, F, Ho, Wo].
 */
export function checkConv2dForward(
  x: Tensor, w: Tensor, b: Tensor, params: ConvParams,
): { stride: number; pad: number; outShape: [number, number, number, number] } {
  const { stride = 1, pad = 0 } = params ?? {};
  return { stride, pad, outShape: checkConv2dInputs("conv2dForward", x, w, b, stride, pad) };
}

/** Check conv2dBackward's dout [N, F, Ho, Wo] and the cache of conv2dForward; returns [N, F, Ho, Wo]. */
export function checkConv2dBackward(dout: Tensor, cache: Conv2dCache): [number, number, number, number] {
  const fn = "conv2dBackward";
  checkCache(fn, cache, ["x", "w", "b"]);
  const { x, w, b, stride, pad } = cache;
  const outShape = checkConv2dInputs(fn, x, w, b, stride, pad);
  checkUpstream(fn, dout, outShape);
  return outShape;
}
