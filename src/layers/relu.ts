/**
 * Rectified linear unit, elementwise: out = max(0, x).
 *
 *   backward: dx = dout where x > 0, else 0 (the subgradient at exactly 0 is taken to be 0)
 */
import { Tensor, allocate } from "../tensor.js";
import { checkCache, checkUpstream, expectTensor } from "./shapes.js";

/** What reluForward keeps for reluBackward: its input. */
export interface ReluCache {
  x: Tensor;
}

/**
 * Forward pass of ReLU, out = max(0, x) elementwise.
 * Input: x of any shape. Returns [out (shape and dtype of x), cache].
 */
export function reluForward(x: Tensor): [Tensor, ReluCache] {
  expectTensor("reluForward", "x", x);
  // BEGIN SOLUTION
  const out = new Tensor(allocate(x.size, x.dtype), x.shape);
  for (let i = 0; i < x.size; i++) out.data[i] = x.data[i] > 0 ? x.data[i] : 0;
  return [out, { x }];
  // END SOLUTION
}

/**
 * Backward pass of ReLU.
 * Inputs: dout (shape of x), cache from reluForward. Returns dx (shape and dtype of x).
 */
export function reluBackward(dout: Tensor, cache: ReluCache): Tensor {
  checkCache("reluBackward", cache, ["x"]);
  const { x } = cache;
  checkUpstream("reluBackward", dout, x.shape);
  // BEGIN SOLUTION
  const dx = new Tensor(allocate(x.size, x.dtype), x.shape);
  for (let i = 0; i < x.size; i++) dx.data[i] = x.data[i] > 0 ? dout.data[i] : 0;
  return dx;
  // END SOLUTION
}
