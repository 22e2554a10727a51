/**
 * The perceptron, as on the slides.
 *
 * Bias convention: folded in. Each input x is extended to x̃ = [x, 1], so the last weight is the
 * bias and the decision is sign(wᵀx̃) (the boundary wᵀx̃ = 0 is the line w₀x₀ + w₁x₁ + w₂ = 0 in 2-D).
 *
 * - `Perceptron` (2 classes, labels ±1): on a mistake, w ← w + yᵢx̃ᵢ. A point exactly on the
 *   boundary (yᵢwᵀx̃ᵢ ≤ 0) counts as a mistake, so learning starts from w = 0.
 * - `MulticlassPerceptron` (C classes, labels 0..C−1): h = 1_max(Wx̃), the one-hot of the argmax,
 *   and W ← W − (h − t)x̃ᵀ — the shared update rule with α = 1 (no change when h = t).
 *
 * `fit` visits the examples epoch by epoch (in order, or shuffled by `seed`), records the number of
 * mistakes per epoch and the weights after every update, and stops after the first epoch without
 * a mistake or after `maxEpochs`.
 */
import { Rng } from "../random.js";
import { Tensor } from "../tensor.js";
import { appendOnes, argmaxRows, linearScores, oneHot, updateRule } from "./update-rule.js";
import { checkShape } from "../shapes.js";

export interface PerceptronFitOptions {
  /** Stop after this many epochs even if mistakes remain (default 100). */
  maxEpochs?: number;
  /** When given, visit the examples in a new seeded random order each epoch; else in order. */
  seed?: number;
}

/** One update during `fit`: where it happened and the weights right after it. */
export interface PerceptronUpdate<W> {
  epoch: number;
  index: number;
  weights: W;
}

/** What `fit` records, so a notebook can redraw the boundary as it learns. */
export interface PerceptronHistory<W> {
  /** Mistakes made in each epoch (the last is 0 when converged). */
  mistakes: number[];
  /** Weights at the start and after each epoch (length = epochs + 1). */
  epochWeights: W[];
  /** Weights after every single update, in order. */
  updates: PerceptronUpdate<W>[];
  /** True when the last epoch had no mistake. */
  converged: boolean;
}

/** The epoch loop shared by both perceptrons: `step(i)` returns true on a mistake (and updates). */
function runEpochs<W>(
  n: number,
  opts: PerceptronFitOptions,
  step: (i: number) => boolean,
  snapshot: () => W,
): PerceptronHistory<W> {
  const maxEpochs = opts.maxEpochs ?? 100;
  const rng = opts.seed === undefined ? null : new Rng(opts.seed);
  const history: PerceptronHistory<W> = { mistakes: [], epochWeights: [snapshot()], updates: [], converged: false };
  for (let epoch = 1; epoch <= maxEpochs; epoch++) {
    const order = rng ? rng.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
    let mistakes = 0;
    for (const i of order) {
      if (step(i)) {
        mistakes++;
        history.updates.push({ epoch, index: i, weights: snapshot() });
      }
    }
    history.mistakes.push(mistakes);
    history.epochWeights.push(snapshot());
    if (mistakes === 0) {
      history.converged = true;
      break;
    }
  }
  return history;
}

function checkInputs(fn: string, x: Tensor, dim: number, y: ArrayLike<number>): void {
  checkShape(fn, "x", x, [-1, dim]);
  if (y.length !== x.shape[0]) {
    throw new Error(`${fn}: x has ${x.shape[0]} rows (shape ${x.shapeString()}) but there are ${y.length} labels`);
  }
}

/** Two-class perceptron: predicts sign(wᵀx̃) ∈ {−1, +1}; w has D + 1 entries (bias last). */
export class Perceptron {
  readonly dim: number;
  /** Weights [D + 1]; the last entry is the bias. Starts at zero. */
  readonly w: Float64Array;

  /** `dim` = number of input features D. */
  constructor(dim: number) {
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`Perceptron: dim must be a positive integer, got ${dim}`);
    this.dim = dim;
    this.w = new Float64Array(dim + 1);
  }

  /** wᵀx̃ for one example x [D]. */
  score(x: ArrayLike<number>): number {
    let s = this.w[this.dim];
    for (let d = 0; d < this.dim; d++) s += this.w[d] * x[d];
    return s;
  }

  /** x [N, D] → N labels in {−1, +1} (+1 where wᵀx̃ > 0). */
  predict(x: Tensor): Int32Array {
    checkShape("Perceptron.predict", "x", x, [-1, this.dim]);
    const out = new Int32Array(x.shape[0]);
    for (let n = 0; n < out.length; n++) {
      out[n] = this.score(x.data.subarray(n * this.dim, (n + 1) * this.dim)) > 0 ? 1 : -1;
    }
    return out;
  }

  /** One example x [D] with label y = ±1: on a mistake (y·wᵀx̃ ≤ 0) w ← w + y·x̃. Returns true on a mistake. */
  step(x: ArrayLike<number>, y: number): boolean {
    if (y !== 1 && y !== -1) throw new Error(`Perceptron.step: label must be -1 or +1, got ${y} (map 0/1 labels with 2y − 1)`);
    if (y * this.score(x) > 0) return false;
    for (let d = 0; d < this.dim; d++) this.w[d] += y * x[d];
    this.w[this.dim] += y;
    return true;
  }

  /** Train on x [N, D] with labels y (N values ±1) until an epoch has no mistake or `maxEpochs`. */
  fit(x: Tensor, y: ArrayLike<number>, opts: PerceptronFitOptions = {}): PerceptronHistory<Float64Array> {
    checkInputs("Perceptron.fit", x, this.dim, y);
    for (let n = 0; n < y.length; n++) {
      if (y[n] !== 1 && y[n] !== -1) {
        throw new Error(`Perceptron.fit: labels must be -1 or +1, got ${y[n]} at index ${n} (map 0/1 labels with 2y − 1)`);
      }
    }
    const D = this.dim;
    return runEpochs(
      y.length,
      opts,
      (i) => this.step(x.data.subarray(i * D, (i + 1) * D), y[i]),
      () => this.w.slice(),
    );
  }
}

/** Multiclass perceptron: W [C, D + 1] (bias last column), prediction argmax(Wx̃). */
export class MulticlassPerceptron {
  readonly dim: number;
  readonly classes: number;
  /** Weights [C, D + 1], float64, starting at zero. */
  readonly W: Tensor;

  /** `dim` = input features D, `classes` = number of classes C. */
  constructor(dim: number, classes: number) {
    if (!Number.isInteger(dim) || dim < 1 || !Number.isInteger(classes) || classes < 2) {
      throw new Error(`MulticlassPerceptron: need integer dim ≥ 1 and classes ≥ 2, got dim=${dim}, classes=${classes}`);
    }
    this.dim = dim;
    this.classes = classes;
    this.W = new Tensor(new Float64Array(classes * (dim + 1)), [classes, dim + 1]);
  }

  /** x [N, D] → scores Wx̃ [N, C]. */
  scores(x: Tensor): Tensor {
    checkShape("MulticlassPerceptron.scores", "x", x, [-1, this.dim]);
    return linearScores(this.W, appendOnes(x));
  }

  /** x [N, D] → N predicted classes (argmax of the scores, the first on ties). */
  predict(x: Tensor): Int32Array {
    return argmaxRows(this.scores(x));
  }

  /** One example x [D] with class y: h = 1_max(Wx̃), W ← W − (h − t)x̃ᵀ. Returns true on a mistake. */
  step(x: ArrayLike<number>, y: number): boolean {
    const xt = appendOnes(new Tensor(Float64Array.from(x), [1, this.dim]));
    const h = oneHot(argmaxRows(linearScores(this.W, xt)), this.classes);
    const t = oneHot([y], this.classes);
    updateRule(this.W, xt, h, t, 1);
    return h.data.some((v, c) => v !== t.data[c]);
  }

  /** Train on x [N, D] with classes y (N integers in [0, C)) until an epoch has no mistake or `maxEpochs`. */
  fit(x: Tensor, y: ArrayLike<number>, opts: PerceptronFitOptions = {}): PerceptronHistory<Tensor> {
    checkInputs("MulticlassPerceptron.fit", x, this.dim, y);
    const D = this.dim;
    return runEpochs(
      y.length,
      opts,
      (i) => this.step(x.data.subarray(i * D, (i + 1) * D), y[i]),
      () => this.W.clone(),
    );
  }
}
