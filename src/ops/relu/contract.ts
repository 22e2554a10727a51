/**
 * The contract of ReLU, kept by the reference loops (src/layers/relu.ts, the assignment) and the
 * fast float32 path (./fast.ts): the cache and the input checks with their messages.
 */
import type { Tensor } from "../../tensor.js";
import { checkCache, checkUpstream, expectTensor } from "../../shapes.js";

/** What reluForward keeps for reluBackward: its input. */
export interface ReluCache {
  x: Tensor;
}

/** Check reluForward's input x (any shape). */
export function checkReluForward(x: Tensor): void {
  expectTensor("reluForward", "x", x);
}

/** Check reluBackward's dout (the shape of x) and the cache of reluForward. */
export function checkReluBackward(dout: Tensor, cache: ReluCache): void {
  checkCache("reluBackward", cache, ["x"]);
  checkUpstream("reluBackward", dout, cache.x.shape);
}
