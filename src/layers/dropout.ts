/**
 * Inverted dropout: in training each unit is kept with probability 1 − p and scaled by 1/(1 − p),
 * so the expected output equals the input; in evaluation ('test') x passes through unchanged.
 *
 *   forward:  out = x · mask,  mask[i] = 0 with probability p, else 1/(1 − p)
 *   backward: dx = dout · mask (the same mask)
 *
 * Parameters, checks and messages: ../ops/dropout/contract.ts.
 */
import { Rng } from "../random.js";
import { Tensor, allocate } from "../tensor.js";
import { checkDropoutBackward, checkDropoutForward, type DropoutCache, type DropoutParams } from "../ops/dropout/contract.js";

export type { DropoutCache, DropoutParams };

/**
 * Forward pass of dropout. Inputs: x of any shape, { p, mode, rng | seed }.
 * Returns [out (shape and dtype of x; x itself in test mode or for p = 0), cache].
 */
export function dropoutForward(x: Tensor, params: DropoutParams): [Tensor, DropoutCache] {
  checkDropoutForward(x, params);
  const { p, mode } = params;
  if (mode === "test" || p === 0) return [x, { shape: [...x.shape], mask: null }];
  const rng = params.rng ?? new Rng(params.seed ?? 0);
  const keep = 1 / (1 - p);
  const mask = new Tensor(allocate(x.size, "float64"), x.shape);
  const out = new Tensor(allocate(x.size, x.dtype), x.shape);
  for (let i = 0; i < x.size; i++) {
    mask.data[i] = rng.uniform() < p ? 0 : keep;
    out.data[i] = x.data[i] * mask.data[i];
  }
  return [out, { shape: [...x.shape], mask }];
}

/**
 * Backward pass of dropout. Inputs: dout (shape of x), cache from dropoutForward.
 * Returns dx = dout · mask (dout itself when x passed through).
 */
export function dropoutBackward(dout: Tensor, cache: DropoutCache): Tensor {
  checkDropoutBackward(dout, cache);
  const { mask } = cache;
  if (mask === null) return dout;
  const dx = new Tensor(allocate(dout.size, dout.dtype), dout.shape);
  for (let i = 0; i < dout.size; i++) dx.data[i] = dout.data[i] * mask.data[i];
  return dx;
}
