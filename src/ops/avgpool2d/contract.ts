/**
 * The contract of adaptive average pooling, kept by its reference loops
 * (src/layers/avgpool2d.ts): parameters, cache, and the input checks with their messages.
 */
import type { Tensor } from "../../tensor.js";
import { checkInteger, checkRank, checkUpstream } from "../../shapes.js";

/** The output size [OH, OW] (each ≥ 1). */
export interface AdaptiveAvgPool2dParams {
  output: readonly [number, number];
}

/** What adaptiveAvgPool2dForward keeps for adaptiveAvgPool2dBackward: the input's shape and the output size. */
export interface AdaptiveAvgPool2dCache {
  inShape: number[];
  output: [number, number];
}

/** Check adaptiveAvgPool2dForward's x [N, C, H, W] and output size; returns [OH, OW]. */
export function checkAdaptiveAvgPool2dForward(x: Tensor, params: AdaptiveAvgPool2dParams): [number, number] {
  const fn = "adaptiveAvgPool2dForward";
  checkRank(fn, "x", x, ["N", "C", "H", "W"]);
  const output = params?.output;
  if (!Array.isArray(output) || output.length !== 2) throw new Error(`${fn}: output must be [OH, OW], got ${JSON.stringify(output)}`);
  return [checkInteger(fn, "output height", output[0], 1), checkInteger(fn, "output width", output[1], 1)];
}

/** Check adaptiveAvgPool2dBackward's dout [N, C, OH, OW] and the cache of adaptiveAvgPool2dForward. */
export function checkAdaptiveAvgPool2dBackward(dout: Tensor, cache: AdaptiveAvgPool2dCache): void {
  const fn = "adaptiveAvgPool2dBackward";
  if (typeof cache !== "object" || cache === null || !Array.isArray(cache.inShape) || !Array.isArray(cache.output)) {
    throw new Error(`${fn}: cache must be the cache returned by adaptiveAvgPool2dForward`);
  }
  const [N, C, H, W] = cache.inShape;
  const [OH, OW] = cache.output;
  checkUpstream(fn, dout, H === OH && W === OW ? cache.inShape : [N, C, OH, OW]);
}
