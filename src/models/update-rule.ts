/**
 * The one update rule of the lecture's linear models:  W ← W − α (h − t) xᵀ.
 *
 * The multiclass perceptron (h = one-hot of the argmax, α = 1), linear regression (h = Wx) and
 * softmax regression (h = softmax(Wx)) differ only in how they compute h; all three call this.
 */
import { Tensor, allocate } from "../tensor.js";
import { checkRank, checkShape } from "../shapes.js";

/**
 * W ← W − (α/N) Σₙ (hₙ − tₙ) xₙᵀ, in place; returns W.
 * Shapes: W [C, D] (so h = Wx as on the slide), x [N, D], h [N, C], t [N, C]. For a single
 * example (N = 1) this is exactly W − α(h − t)xᵀ; for a mini-batch it is the mean of those steps.
 */
export function updateRule(W: Tensor, x: Tensor, h: Tensor, t: Tensor, alpha: number): Tensor {
  const fn = "updateRule";
  checkRank(fn, "W", W, ["C", "D"]);
  const [C, D] = W.shape;
  checkShape(fn, "x (expected [N, D] with D = W's columns)", x, [-1, D]);
  const N = x.shape[0];
  checkShape(fn, "h", h, [N, C]);
  checkShape(fn, "t", t, [N, C]);
  const [w, xs, hs, ts] = [W.data, x.data, h.data, t.data];
  const scale = alpha / N;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const e = (hs[n * C + c] - ts[n * C + c]) * scale; // (h − t) for class c
      if (e === 0) continue;
      const row = c * D;
      const xo = n * D;
      for (let d = 0; d < D; d++) w[row + d] -= e * xs[xo + d];
    }
  }
  return W;
}

/**
 * x [N, D] → x̃ [N, D+1] with a last column of ones, so the bias is the last column of W
 * (the slide's "bias folded into the weights": Wx̃ = W[:, :D]x + W[:, D]).
 */
export function appendOnes(x: Tensor): Tensor {
  checkRank("appendOnes", "x", x, ["N", "D"]);
  const [N, D] = x.shape;
  const out = new Tensor(allocate(N * (D + 1), x.dtype), [N, D + 1]);
  for (let n = 0; n < N; n++) {
    out.data.set(x.data.subarray(n * D, (n + 1) * D), n * (D + 1));
    out.data[n * (D + 1) + D] = 1;
  }
  return out;
}

/** Scores of the slide's linear models: W [C, D], x [N, D] → s [N, C] with sₙ = W xₙ. */
export function linearScores(W: Tensor, x: Tensor): Tensor {
  checkRank("linearScores", "W", W, ["C", "D"]);
  const [C, D] = W.shape;
  checkShape("linearScores", "x (expected [N, D] with D = W's columns)", x, [-1, D]);
  const N = x.shape[0];
  const s = new Tensor(allocate(N * C, W.dtype), [N, C]);
  const [w, xs] = [W.data, x.data];
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      let acc = 0;
      for (let d = 0; d < D; d++) acc += w[c * D + d] * xs[n * D + d];
      s.data[n * C + c] = acc;
    }
  }
  return s;
}

/** Labels y (N integers in [0, C)) → one-hot targets t [N, C] (float64). */
export function oneHot(y: ArrayLike<number>, C: number): Tensor {
  const t = new Tensor(allocate(y.length * C, "float64"), [y.length, C]);
  for (let n = 0; n < y.length; n++) {
    const k = y[n];
    if (!Number.isInteger(k) || k < 0 || k >= C) {
      throw new Error(`oneHot: label ${k} at index ${n} is not an integer in [0, ${C})`);
    }
    t.data[n * C + k] = 1;
  }
  return t;
}

/** Row-wise argmax: s [N, C] → N class indices (the first one on ties). */
export function argmaxRows(s: Tensor): Int32Array {
  const [N, C] = s.shape;
  const out = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (s.data[n * C + c] > s.data[n * C + best]) best = c;
    out[n] = best;
  }
  return out;
}
