/**
 * Rectified linear unit, elementwise: out = max(0, x).
 *
 *   backward: dx = dout where x > 0, else 0 (the subgradient at exactly 0 is taken to be 0)
 *
 * The reference loops (the assignment). Checks and messages: ../ops/relu/contract.ts; the fast
 * float32 path beside it.
 */
import { Tensor, allocate } from "../tensor.js";
import { checkReluBackward, checkReluForward, type ReluCache } from "../ops/relu/contract.js";

export type { ReluCache };

/**
 * Forward pass of ReLU, out = max(0, x) elementwise.
 * Input: x of any shape. Returns [out (shape and dtype of x), cache].
 */
export function reluForward(x: Tensor): [Tensor, ReluCache] {
  checkReluForward(x);
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
  checkReluBackward(dout, cache);
  const { x } = cache;
  // BEGIN SOLUTION
  const dx = new Tensor(allocate(x.size, x.dtype), x.shape);
  for (let i = 0; i < x.size; i++) dx.data[i] = x.data[i] > 0 ? dout.data[i] : 0;
  return dx;
  // END SOLUTION
}
