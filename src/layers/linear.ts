/**
 * Fully connected (affine) layer: every output is a weighted sum of all inputs plus a bias.
 *
 *   forward:  out = x·W + b
 *   backward: dx = dout·Wᵀ,  dW = xᵀ·dout,  db = Σₙ dout[n, :]
 *
 * The reference loops, written to be read (the assignment: its bodies sit between the solution
 * markers). Shapes, checks and messages: ../ops/linear/contract.ts; the fast float32 path beside it.
 */
import { Tensor, allocate } from "../tensor.js";
import { checkLinearBackward, checkLinearForward, type LinearCache } from "../ops/linear/contract.js";

export type { LinearCache };

/**
 * Forward pass of a fully connected layer, out = x·W + b.
 * Inputs: x [N, D], W [D, M], b [M]. Returns [out [N, M] (dtype of x), cache].
 */
export function linearForward(x: Tensor, W: Tensor, b: Tensor): [Tensor, LinearCache] {
  const [N, D, M] = checkLinearForward(x, W, b);
  // BEGIN SOLUTION
  const out = new Tensor(allocate(N * M, x.dtype), [N, M]);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) out.data[n * M + m] = b.data[m];
    for (let d = 0; d < D; d++) {
      const xnd = x.data[n * D + d];
      for (let m = 0; m < M; m++) out.data[n * M + m] += xnd * W.data[d * M + m];
    }
  }
  return [out, { x, W, b }];
  // END SOLUTION
}

/**
 * Backward pass of a fully connected layer.
 * Inputs: dout [N, M] (upstream gradient), cache from linearForward.
 * Returns { dx [N, D], dW [D, M], db [M] }, each in the dtype of x, W and b respectively.
 */
export function linearBackward(dout: Tensor, cache: LinearCache): { dx: Tensor; dW: Tensor; db: Tensor } {
  const [N, D, M] = checkLinearBackward(dout, cache);
  const { x, W, b } = cache;
  // BEGIN SOLUTION
  const dx = new Tensor(allocate(N * D, x.dtype), [N, D]);
  const dW = new Tensor(allocate(D * M, W.dtype), [D, M]);
  const db = new Tensor(allocate(M, b.dtype), [M]);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) db.data[m] += dout.data[n * M + m];
    for (let d = 0; d < D; d++) {
      const xnd = x.data[n * D + d];
      let s = 0;
      for (let m = 0; m < M; m++) {
        const g = dout.data[n * M + m];
        s += g * W.data[d * M + m]; // dx[n, d] = Σₘ dout[n, m]·W[d, m]
        dW.data[d * M + m] += xnd * g; // dW[d, m] = Σₙ x[n, d]·dout[n, m]
      }
      dx.data[n * D + d] = s;
    }
  }
  return { dx, dW, db };
  // END SOLUTION
}
