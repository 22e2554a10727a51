/**
 * Fully connected (affine) layer: every output is a weighted sum of all inputs plus a bias.
 *
 *   forward:  out = x·W + b
 *   backward: dx = dout·Wᵀ,  dW = xᵀ·dout,  db = Σₙ dout[n, :]
 */
import { Tensor, allocate } from "../tensor.js";
import { checkCache, checkRank, checkShape, checkUpstream } from "./shapes.js";

/** What linearForward keeps for linearBackward: its inputs. */
export interface LinearCache {
  x: Tensor;
  W: Tensor;
  b: Tensor;
}

/**
 * Forward pass of a fully connected layer, out = x·W + b.
 * Inputs: x [N, D], W [D, M], b [M]. Returns [out [N, M] (dtype of x), cache].
 */
export function linearForward(x: Tensor, W: Tensor, b: Tensor): [Tensor, LinearCache] {
  const fn = "linearForward";
  checkRank(fn, "x", x, ["N", "D"]);
  checkShape(fn, "W", W, [x.shape[1], -1], ["x", x]);
  checkShape(fn, "b", b, [W.shape[1]], ["W", W]);
  const [N, D] = x.shape;
  const M = W.shape[1];
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
  const fn = "linearBackward";
  checkCache(fn, cache, ["x", "W", "b"]);
  const { x, W, b } = cache;
  checkUpstream(fn, dout, [x.shape[0], W.shape[1]]);
  const [N, D] = x.shape;
  const M = W.shape[1];
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
