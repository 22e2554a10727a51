/**
 * The contract of the sigmoid, kept by its reference loops (src/layers/sigmoid.ts, the
 * assignment): the cache and the input checks with their messages.
 */
import type { Tensor } from "../../tensor.js";
import { checkCache, checkUpstream, expectTensor } from "../../shapes.js";

/** What sigmoidForward keeps for sigmoidBackward: its output σ(x). */
export interface SigmoidCache {
  out: Tensor;
}

/** Check sigmoidForward's input x (any shape). */
export function checkSigmoidForward(x: Tensor): void {
  expectTensor("sigmoidForward", "x", x);
}

/** Check sigmoidBackward's dout (the shape of x) and the cache of sigmoidForward. */
export function checkSigmoidBackward(dout: Tensor, cache: SigmoidCache): void {
  checkCache("sigmoidBackward", cache, ["out"]);
  checkUpstream("sigmoidBackward", dout, cache.out.shape);
}
