/**
 * The multiclass perceptron, linear regression and softmax regression all learn through the one
 * `updateRule` of src/models/update-rule.ts: the module is wrapped so every call is recorded.
 */
import { describe, expect, it, vi } from "vitest";

const calls = vi.hoisted(() => ({ alphas: [] as number[] }));

vi.mock("../../src/models/update-rule.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/models/update-rule.js")>();
  return {
    ...real,
    updateRule: (...args: Parameters<typeof real.updateRule>) => {
      calls.alphas.push(args[4]);
      return real.updateRule(...args);
    },
  };
});

const { MulticlassPerceptron } = await import("../../src/models/perceptron.js");
const { LinearRegression, SoftmaxRegression } = await import("../../src/models/regression.js");
const { tensor } = await import("../../src/tensor.js");

describe("one update rule for three models", () => {
  const x = tensor([[0, 1], [1, 0], [1, 1], [0, 0]]);

  it("the multiclass perceptron calls updateRule with α = 1 once per example visited", () => {
    calls.alphas = [];
    new MulticlassPerceptron(2, 2).fit(x, [0, 1, 1, 0], { maxEpochs: 1 });
    expect(calls.alphas).toEqual([1, 1, 1, 1]);
  });

  it("linear regression calls it with its learning rate once per mini-batch", () => {
    calls.alphas = [];
    new LinearRegression(2).fit(x, tensor([1, 2, 3, 4]), { epochs: 2, batchSize: 2, lr: 0.05 });
    expect(calls.alphas).toEqual([0.05, 0.05, 0.05, 0.05]);
  });

  it("softmax regression calls it with its learning rate once per mini-batch", () => {
    calls.alphas = [];
    new SoftmaxRegression(2, 2).fit(x, [0, 1, 1, 0], { epochs: 3, batchSize: 4, lr: 0.3 });
    expect(calls.alphas).toEqual([0.3, 0.3, 0.3]);
  });
});
