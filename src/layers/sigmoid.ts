/**
 * Logistic sigmoid, elementwise: out = σ(x) = 1 / (1 + e^(−x)).
 *
 *   backward: dx = dout · σ(x) · (1 − σ(x)), computed from the saved output
 *
 * The reference loops (the assignment). Checks and messages: ../ops/sigmoid/contract.ts.
 */
import { Tensor, allocate } from "../tensor.js";
import { checkSigmoidBackward, checkSigmoidForward, type SigmoidCache } from "../ops/sigmoid/contract.js";

export type { SigmoidCache };

/**
 * Forward pass of the sigmoid, out = 1 / (1 + e^(−x)) elementwise (no overflow for large |x|).
 * Input: x of any shape. Returns [out (shape and dtype of x), cache].
 */
export function sigmoidForward(x: Tensor): [Tensor, SigmoidCache] {
  checkSigmoidForward(x);
  // BEGIN SOLUTION
  const out = new Tensor(allocate(x.size, x.dtype), x.shape);
  for (let i = 0; i < x.size; i++) {
    const v = x.data[i];
    // e^(−|v|) ≤ 1 never overflows; for v < 0 use the equal form e^v / (1 + e^v).
    const e = Math.exp(-Math.abs(v));
    out.data[i] = v >= 0 ? 1 / (1 + e) : e / (1 + e);
  }
  return [out, { out }];
  // END SOLUTION
}

/**
 * Backward pass of the sigmoid.
 * Inputs: dout (shape of x), cache from sigmoidForward. Returns dx (shape and dtype of x).
 */
export function sigmoidBackward(dout: Tensor, cache: SigmoidCache): Tensor {
  checkSigmoidBackward(dout, cache);
  const { out } = cache;
  // BEGIN SOLUTION
  const dx = new Tensor(allocate(out.size, out.dtype), out.shape);
  for (let i = 0; i < out.size; i++) {
    const s = out.data[i];
    dx.data[i] = dout.data[i] * s * (1 - s);
  }
  return dx;
  // END SOLUTION
}
