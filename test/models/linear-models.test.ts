import { describe, expect, it } from "vitest";
import { MulticlassPerceptron, Perceptron } from "../../src/models/perceptron.js";
import { LinearRegression, SoftmaxRegression } from "../../src/models/regression.js";
import { updateRule } from "../../src/models/update-rule.js";
import { Rng } from "../../src/random.js";
import { Tensor, tensor } from "../../src/tensor.js";

/** 2-D points labelled ±1 by the side of the line x0 − 0.5·x1 + 0.2 = 0, keeping a margin of 0.1. */
function separable(n: number, seed: number): { x: Tensor; y: number[] } {
  const rng = new Rng(seed);
  const pts: number[] = [];
  const y: number[] = [];
  while (y.length < n) {
    const a = rng.uniform() * 2 - 1;
    const b = rng.uniform() * 2 - 1;
    const s = a - 0.5 * b + 0.2;
    if (Math.abs(s) < 0.1) continue;
    pts.push(a, b);
    y.push(s > 0 ? 1 : -1);
  }
  return { x: tensor(pts, [n, 2]), y };
}

describe("updateRule: W ← W − α(h − t)xᵀ", () => {
  it("matches a hand-computed step and averages over the batch", () => {
    const W = tensor([[1, 2], [3, 4]]);
    updateRule(W, tensor([[1, 1]]), tensor([[1, 0]]), tensor([[0, 1]]), 0.5);
    expect(W.toArray()).toEqual([[0.5, 1.5], [3.5, 4.5]]);
    // two examples whose steps cancel: the mean step is zero
    const V = tensor([[1, 2]]);
    updateRule(V, tensor([[1, 0], [1, 0]]), tensor([[1], [0]]), tensor([[0], [1]]), 1);
    expect(V.toArray()).toEqual([[1, 2]]);
  });

  it("names the shapes when they do not fit", () => {
    expect(() => updateRule(tensor([[1, 2]]), tensor([[1, 2, 3]]), tensor([[0]]), tensor([[0]]), 1)).toThrow(
      /updateRule: x .* has shape \[1, 3\], expected \[\*, 2\]/,
    );
  });
});

describe("Perceptron", () => {
  it("updates w ← w + y·x̃ on mistakes (bias folded in as the last weight)", () => {
    const p = new Perceptron(2);
    expect(p.step([1, 2], 1)).toBe(true); // wᵀx̃ = 0 counts as a mistake
    expect(Array.from(p.w)).toEqual([1, 2, 1]);
    expect(p.step([-1, 0], 1)).toBe(true); // score −1 + 1 = 0
    expect(Array.from(p.w)).toEqual([0, 2, 2]);
    expect(p.step([5, 5], 1)).toBe(false);
    expect(Array.from(p.w)).toEqual([0, 2, 2]);
  });

  it("converges to zero mistakes on separable data and records the history", () => {
    const { x, y } = separable(200, 1);
    const p = new Perceptron(2);
    const h = p.fit(x, y, { maxEpochs: 1000 });
    expect(h.converged).toBe(true);
    expect(h.mistakes.at(-1)).toBe(0);
    expect(h.mistakes[0]).toBeGreaterThan(0);
    expect(h.epochWeights.length).toBe(h.mistakes.length + 1);
    expect(h.updates.length).toBe(h.mistakes.reduce((a, b) => a + b, 0));
    expect(Array.from(h.updates.at(-1)!.weights)).toEqual(Array.from(p.w));
    expect(Array.from(p.predict(x))).toEqual(y);
    console.log(`perceptron: separable data, mistakes per epoch ${h.mistakes.join(", ")}`);
  });

  it("never converges on XOR and stops after maxEpochs", () => {
    const x = tensor([[0, 0], [1, 1], [0, 1], [1, 0]]);
    const h = new Perceptron(2).fit(x, [-1, -1, 1, 1], { maxEpochs: 50, seed: 3 });
    expect(h.converged).toBe(false);
    expect(h.mistakes.length).toBe(50);
    expect(Math.min(...h.mistakes)).toBeGreaterThan(0);
  });

  it("refuses 0/1 labels with a hint", () => {
    expect(() => new Perceptron(2).fit(tensor([[0, 0]]), [0])).toThrow(/labels must be -1 or \+1, got 0 at index 0/);
  });
});

describe("MulticlassPerceptron", () => {
  it("one step is W ← W − (h − t)x̃ᵀ with h the one-hot of the argmax", () => {
    const p = new MulticlassPerceptron(2, 3);
    // all scores 0 → argmax is class 0; the label is 2: row 0 loses x̃, row 2 gains it
    expect(p.step([1, 2], 2)).toBe(true);
    expect(p.W.toArray()).toEqual([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]);
    expect(p.step([1, 2], 2)).toBe(false);
  });

  it("separates three blobs", () => {
    const rng = new Rng(5);
    const centres = [[0, 3], [3, -2], [-3, -2]];
    const pts: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 150; i++) {
      const c = i % 3;
      pts.push(centres[c][0] + 0.5 * rng.normal(), centres[c][1] + 0.5 * rng.normal());
      y.push(c);
    }
    const p = new MulticlassPerceptron(2, 3);
    const h = p.fit(tensor(pts, [150, 2]), y, { maxEpochs: 100, seed: 1 });
    expect(h.converged).toBe(true);
    expect(Array.from(p.predict(tensor(pts, [150, 2])))).toEqual(y);
  });
});

describe("LinearRegression and SoftmaxRegression", () => {
  it("linear regression recovers t = 2x − 1", () => {
    const xs = Array.from({ length: 20 }, (_, i) => i / 10 - 1);
    const model = new LinearRegression(1);
    const h = model.fit(tensor(xs, [20, 1]), tensor(xs.map((v) => 2 * v - 1)), { epochs: 500, batchSize: 20, lr: 0.5 });
    expect(model.W.data[0]).toBeCloseTo(2, 6);
    expect(model.W.data[1]).toBeCloseTo(-1, 6);
    expect(h.loss.at(-1)!).toBeLessThan(1e-10);
  });

  it("one full-batch softmax step equals W − α(softmax(Wx̃) − t)x̃ᵀ averaged by hand", () => {
    const model = new SoftmaxRegression(2, 2);
    // W = 0 → h = [½, ½] for every example; t = onehot(y)
    model.fit(tensor([[1, 0], [0, 2]]), [0, 1], { epochs: 1, batchSize: 2, lr: 1 });
    // (h − t) = [[−½, ½], [½, −½]]; x̃ = [[1,0,1],[0,2,1]]; mean of (h−t)ₙx̃ₙᵀ:
    // row 0: (−½·[1,0,1] + ½·[0,2,1]) / 2 = [−¼, ½, 0]; W = −that
    expect(model.W.toArray()).toEqual([[0.25, -0.5, 0], [-0.25, 0.5, 0]]);
  });
});
