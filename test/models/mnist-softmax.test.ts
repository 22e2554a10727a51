import { describe, expect, it } from "vitest";
import { loadMnist } from "../../src/data/files.js";
import { SoftmaxRegression } from "../../src/models/regression.js";

describe("softmax regression on MNIST (subset)", () => {
  it("5,000 training images → more than 85% on 1,000 test images", () => {
    const train = loadMnist({ split: "train", limit: 5000, flatten: true, dtype: "float64" });
    const test = loadMnist({ split: "test", limit: 1000, flatten: true, dtype: "float64" });
    const model = new SoftmaxRegression(784, 10);
    const h = model.fit(train.images, train.labels, { epochs: 5, batchSize: 32, lr: 0.1, seed: 0 });
    const acc = model.accuracy(test.images, test.labels);
    console.log(`softmax regression, 5,000 MNIST images, 5 epochs: loss ${h.loss.map((l) => l.toFixed(3)).join(" → ")}, test accuracy ${(100 * acc).toFixed(1)}%`);
    expect(acc).toBeGreaterThan(0.85);
    expect(h.loss.at(-1)!).toBeLessThan(h.loss[0]);
  });
});
