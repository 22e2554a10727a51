/**
 * Linear regression and softmax regression, as on the slides. Both keep W [C, D + 1] (bias folded
 * in as the last column, x̃ = [x, 1]), compute h from Wx̃, and learn with the one shared rule
 * W ← W − α(h − t)x̃ᵀ (`updateRule`), averaged over each mini-batch:
 * - LinearRegression: h = Wx̃, loss ½‖h − t‖² (mean over examples);
 * - SoftmaxRegression: h = softmax(Wx̃), t = one-hot of the label, loss cross-entropy.
 */
import { Labels, l2Loss, softmax, softmaxCrossEntropy } from "../losses.js";
import { Rng } from "../random.js";
import { Tensor, allocate } from "../tensor.js";
import { appendOnes, argmaxRows, linearScores, oneHot, updateRule } from "./update-rule.js";
import { checkShape } from "../shapes.js";

export interface RegressionFitOptions {
  /** Passes over the data (default 10). */
  epochs?: number;
  /** Examples per update (default 32; use N for full-batch gradient descent). */
  batchSize?: number;
  /** Learning rate α (default 0.1). */
  lr?: number;
  /** Seed of the mini-batch shuffling (default 0). */
  seed?: number;
}

/** Mean loss per epoch (measured on the mini-batches while learning). */
export interface RegressionHistory {
  loss: number[];
}

/** Rows `idx` of a 2-D tensor [N, K] → [idx.length, K]. */
function rows(t: Tensor, idx: Int32Array): Tensor {
  const K = t.shape[1];
  const out = new Tensor(allocate(idx.length * K, t.dtype), [idx.length, K]);
  for (let i = 0; i < idx.length; i++) out.data.set(t.data.subarray(idx[i] * K, (idx[i] + 1) * K), i * K);
  return out;
}

/**
 * The mini-batch loop both models share: x̃ [N, D+1], targets t [N, C]; `forward(x̃_b, idx)` gives
 * h [B, C] and the batch loss. Every step applies updateRule(W, x̃_b, h_b, t_b, α).
 */
function fitLinear(
  W: Tensor,
  xt: Tensor,
  t: Tensor,
  opts: RegressionFitOptions,
  forward: (xb: Tensor, idx: Int32Array) => { h: Tensor; loss: number },
): RegressionHistory {
  const epochs = opts.epochs ?? 10;
  const batchSize = opts.batchSize ?? 32;
  const lr = opts.lr ?? 0.1;
  const rng = new Rng(opts.seed ?? 0);
  const N = xt.shape[0];
  const history: RegressionHistory = { loss: [] };
  for (let e = 0; e < epochs; e++) {
    const order = rng.permutation(N);
    let sum = 0;
    for (let start = 0; start < N; start += batchSize) {
      const idx = order.subarray(start, Math.min(N, start + batchSize));
      const xb = rows(xt, idx);
      const { h, loss } = forward(xb, idx);
      sum += loss * idx.length;
      updateRule(W, xb, h, rows(t, idx), lr);
    }
    history.loss.push(sum / N);
  }
  return history;
}

function checkRows(fn: string, x: Tensor, dim: number, n: number, what: string): void {
  checkShape(fn, "x", x, [-1, dim]);
  if (x.shape[0] !== n) throw new Error(`${fn}: x has ${x.shape[0]} rows (shape ${x.shapeString()}) but ${what} has ${n}`);
}

/** Linear regression with C outputs: h = Wx̃, W [C, D + 1] (zeros at the start). */
export class LinearRegression {
  readonly dim: number;
  readonly outputs: number;
  readonly W: Tensor;

  /** `dim` = input features D, `outputs` = C (default 1). */
  constructor(dim: number, outputs = 1) {
    this.dim = dim;
    this.outputs = outputs;
    this.W = new Tensor(new Float64Array(outputs * (dim + 1)), [outputs, dim + 1]);
  }

  /** x [N, D] → predictions h [N, C]. */
  predict(x: Tensor): Tensor {
    checkShape("LinearRegression.predict", "x", x, [-1, this.dim]);
    return linearScores(this.W, appendOnes(x));
  }

  /** Learn from x [N, D] and targets t [N, C] (or [N] when C = 1) by mini-batch gradient descent. */
  fit(x: Tensor, t: Tensor, opts: RegressionFitOptions = {}): RegressionHistory {
    const fn = "LinearRegression.fit";
    const targets = t.ndim === 1 ? t.reshape([t.shape[0], 1]) : t;
    checkShape(fn, "t", targets, [-1, this.outputs]);
    checkRows(fn, x, this.dim, targets.shape[0], "t");
    return fitLinear(
      this.W,
      appendOnes(x),
      targets,
      opts,
      (xb, idx) => {
        const h = linearScores(this.W, xb);
        return { h, loss: l2Loss(h, rows(targets, idx)).loss };
      },
    );
  }
}

/** Softmax regression over C classes: h = softmax(Wx̃), W [C, D + 1] (zeros at the start). */
export class SoftmaxRegression {
  readonly dim: number;
  readonly classes: number;
  readonly W: Tensor;

  /** `dim` = input features D, `classes` = C. */
  constructor(dim: number, classes: number) {
    this.dim = dim;
    this.classes = classes;
    this.W = new Tensor(new Float64Array(classes * (dim + 1)), [classes, dim + 1]);
  }

  /** x [N, D] → class probabilities h [N, C]. */
  probabilities(x: Tensor): Tensor {
    checkShape("SoftmaxRegression.probabilities", "x", x, [-1, this.dim]);
    return softmax(linearScores(this.W, appendOnes(x)));
  }

  /** x [N, D] → N predicted classes. */
  predict(x: Tensor): Int32Array {
    return argmaxRows(this.probabilities(x));
  }

  /** Fraction of x [N, D] classified as y (N labels). */
  accuracy(x: Tensor, y: Labels): number {
    const p = this.predict(x);
    let ok = 0;
    for (let n = 0; n < p.length; n++) if (p[n] === y[n]) ok++;
    return ok / p.length;
  }

  /** Learn from x [N, D] and labels y (N integers in [0, C)) by mini-batch gradient descent. */
  fit(x: Tensor, y: Labels, opts: RegressionFitOptions = {}): RegressionHistory {
    checkRows("SoftmaxRegression.fit", x, this.dim, y.length, "y");
    const labels = Int32Array.from(y);
    return fitLinear(
      this.W,
      appendOnes(x),
      oneHot(labels, this.classes),
      opts,
      (xb, idx) => {
        const s = linearScores(this.W, xb);
        return { h: softmax(s), loss: softmaxCrossEntropy(s, Array.from(idx, (i) => labels[i])).loss };
      },
    );
  }
}
