import { describe, expect, it } from "vitest";
import { MulticlassPerceptron, Perceptron } from "../../src/models/perceptron.js";
import { LinearRegression, SoftmaxRegression } from "../../src/models/regression.js";
import { updateRule } from "../../src/models/update-rule.js";
import { blobs2d, linearlySeparable2d, xor2d } from "../../src/data/toy.js";
import { tensor } from "../../src/tensor.js";

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
    const { x, ySign: y } = linearlySeparable2d(200, { seed: 1, margin: 0.05 });
    const p = new Perceptron(2);
    const h = p.fit(x, y, { maxEpochs: 1000 });
    expect(h.converged).toBe(true);
    expect(h.mistakes.at(-1)).toBe(0);
    expect(h.mistakes[0]).toBeGreaterThan(0);
    expect(h.epochWeights.length).toBe(h.mistakes.length + 1);
    expect(h.updates.length).toBe(h.mistakes.reduce((a, b) => a + b, 0));
    expect(Array.from(h.updates.at(-1)!.weights)).toEqual(Array.from(p.w));
    expect(Array.from(p.predict(x))).toEqual(Array.from(y));
    console.log(`perceptron: separable data, mistakes per epoch ${h.mistakes.join(", ")}`);
  });

  it("never converges on XOR and stops after maxEpochs", () => {
    const x = tensor([[0, 0], [1, 1], [0, 1], [1, 0]]);
    const h = new Perceptron(2).fit(x, [-1, -1, 1, 1], { maxEpochs: 50, seed: 3 });
    expect(h.converged).toBe(false);
    expect(h.mistakes.length).toBe(50);
    expect(Math.min(...h.mistakes)).toBeGreaterThan(0);
    const noisy = xor2d(200, { seed: 2 });
    const p = new Perceptron(2);
    const hn = p.fit(noisy.x, noisy.ySign, { maxEpochs: 30, seed: 0 });
    expect(hn.converged).toBe(false);
    // no line gets more than about 3/4 of XOR right
    const wrong = Array.from(p.predict(noisy.x)).filter((v, i) => v !== noisy.ySign[i]).length;
    console.log(`perceptron on XOR (200 points): mistakes per epoch ${hn.mistakes.join(", ")}; final boundary wrong on ${wrong}`);
    expect(wrong).toBeGreaterThanOrEqual(45);
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
    const { x, y } = blobs2d(150, 3, { seed: 5, std: 0.3 });
    const p = new MulticlassPerceptron(2, 3);
    const h = p.fit(x, y, { maxEpochs: 200, seed: 1 });
    expect(h.converged).toBe(true);
    expect(Array.from(p.predict(x))).toEqual(Array.from(y));
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
