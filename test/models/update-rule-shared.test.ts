/**
 * The multiclass perceptron, linear regression and softmax regression all learn by the slide's
 * one rule W ← W − (α/N) Σₙ (hₙ − tₙ) x̃ₙᵀ, differing only in h. Each model's weights after fit()
 * are compared with that rule written out here, in plain arrays, with each model's own h.
 */
import { describe, expect, it } from "vitest";
import { MulticlassPerceptron } from "../../src/models/perceptron.js";
import { LinearRegression, SoftmaxRegression } from "../../src/models/regression.js";
import { tensor, type Tensor } from "../../src/tensor.js";

const X = [[0.5, 1], [1, -0.5], [1, 1], [-1, 0.25]];
const X1 = X.map((r) => [...r, 1]); // x̃: the bias folded in as a last input of 1
const LABELS = [0, 1, 1, 0];

/** W [C, D+1] as rows. */
type Rows = number[][];

const zeros = (C: number): Rows => Array.from({ length: C }, () => [0, 0, 0]);
const scores = (W: Rows, x: number[]): number[] => W.map((w) => w.reduce((s, wd, d) => s + wd * x[d], 0));
const oneHot = (y: number, C: number): number[] => Array.from({ length: C }, (_, c) => (c === y ? 1 : 0));
function softmax(s: number[]): number[] {
  const m = Math.max(...s);
  const e = s.map((v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

/** The slide's rule on examples `xs` with outputs `hs` and targets `ts`: W −= (α/N) Σ (h − t) x̃ᵀ, in place. */
function slideStep(W: Rows, xs: number[][], hs: number[][], ts: number[][], alpha: number): void {
  const step = W.map((w, c) => w.map((_, d) => xs.reduce((s, x, n) => s + (hs[n][c] - ts[n][c]) * x[d], 0)));
  W.forEach((w, c) => w.forEach((_, d) => (w[d] -= (alpha / xs.length) * step[c][d])));
}

function expectWeights(W: Tensor, want: Rows): void {
  const got = Array.from({ length: want.length }, (_, c) => Array.from(W.data.subarray(c * 3, c * 3 + 3)));
  got.forEach((row, c) => row.forEach((v, d) => expect(v, `W[${c}, ${d}]`).toBeCloseTo(want[c][d], 12)));
  expect(want.flat().some((v) => v !== 0)).toBe(true); // the rule really moved the weights
}

describe("one update rule for three models", () => {
  const x = tensor(X);

  it("the multiclass perceptron: h = one-hot of the argmax, α = 1, one example at a time", () => {
    const model = new MulticlassPerceptron(2, 2);
    model.fit(x, LABELS, { maxEpochs: 2 });
    const W = zeros(2);
    for (let epoch = 0; epoch < 2; epoch++) {
      X1.forEach((xi, i) => {
        const s = scores(W, xi);
        slideStep(W, [xi], [oneHot(s.indexOf(Math.max(...s)), 2)], [oneHot(LABELS[i], 2)], 1);
      });
    }
    expectWeights(model.W, W);
  });

  it("linear regression: h = Wx̃, averaged over the (whole) batch", () => {
    const targets = [[1], [2], [3], [4]];
    const model = new LinearRegression(2);
    model.fit(x, tensor(targets), { epochs: 3, batchSize: 4, lr: 0.05 });
    const W = zeros(1);
    for (let epoch = 0; epoch < 3; epoch++) slideStep(W, X1, X1.map((xi) => scores(W, xi)), targets, 0.05);
    expectWeights(model.W, W);
  });

  it("softmax regression: h = softmax(Wx̃), averaged over the (whole) batch", () => {
    const model = new SoftmaxRegression(2, 2);
    model.fit(x, LABELS, { epochs: 3, batchSize: 4, lr: 0.3 });
    const W = zeros(2);
    for (let epoch = 0; epoch < 3; epoch++) slideStep(W, X1, X1.map((xi) => softmax(scores(W, xi))), LABELS.map((y) => oneHot(y, 2)), 0.3);
    expectWeights(model.W, W);
  });
});
