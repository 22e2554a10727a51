/**
 * The contract of zero padding with a crop (what a rounded-down convolution does to its input
 * before a pad-0 convolution; see Conv2dSpec.roundDown), kept by its reference loops
 * (src/layers/pad2d.ts): parameters, cache, and the input checks with their messages.
 */
import type { Tensor } from "../../tensor.js";
import { checkInteger, checkRank, checkUpstream } from "../../shapes.js";

/** `pad` zeros before every row and column, then the result cut (or zero-extended) to `size` [Hp, Wp]. */
export interface Pad2dParams {
  pad: number;
  size: readonly [number, number];
}

/** What pad2dForward keeps for pad2dBackward: the input's shape and the padding. */
export interface Pad2dCache {
  inShape: number[];
  pad: number;
}

/** Check pad2dForward's x [N, C, H, W] and params; returns [pad, Hp, Wp]. */
export function checkPad2dForward(x: Tensor, params: Pad2dParams): [number, number, number] {
  const fn = "pad2dForward";
  checkRank(fn, "x", x, ["N", "C", "H", "W"]);
  const size = params?.size;
  if (!Array.isArray(size) || size.length !== 2) throw new Error(`${fn}: size must be [Hp, Wp], got ${JSON.stringify(size)}`);
  return [checkInteger(fn, "pad", params.pad, 0), checkInteger(fn, "height", size[0], 1), checkInteger(fn, "width", size[1], 1)];
}

/** Check pad2dBackward's dout [N, C, Hp, Wp] and the cache of pad2dForward; returns [Hp, Wp]. */
export function checkPad2dBackward(dout: Tensor, cache: Pad2dCache): [number, number] {
  const fn = "pad2dBackward";
  if (typeof cache !== "object" || cache === null || !Array.isArray(cache.inShape)) {
    throw new Error(`${fn}: cache must be the cache returned by pad2dForward`);
  }
  checkRank(fn, "dout", dout, ["N", "C", "Hp", "Wp"]);
  const [N, C] = cache.inShape;
  checkUpstream(fn, dout, [N, C, dout.shape[2], dout.shape[3]]);
  return [dout.shape[2], dout.shape[3]];
}
