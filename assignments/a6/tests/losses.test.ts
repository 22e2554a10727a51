import { describe, it } from "vitest";
import { l2Loss, sigmoidCrossEntropy, softmaxCrossEntropy, svmLoss } from "../../../src/losses.js";
import { Tensor } from "../../../src/tensor.js";
import { GRAD_TOLERANCE, expectClose, numericGradScalar, rnd } from "./helpers.js";

const y = Int32Array.from([2, 0, 1, 3]);

function check(name: string, loss: (s: Tensor) => { loss: number; ds: Tensor }, s: Tensor, tol = GRAD_TOLERANCE): void {
  expectClose(name, "ds", loss(s).ds, numericGradScalar(() => loss(s).loss, s), s.shape[0], tol);
}

describe("gradients of the losses (mean over the batch, N = 4)", () => {
  it("l2Loss: ds = (s − t)/N", () => {
    const t = rnd([4, 3], 61);
    check("l2Loss", (s) => l2Loss(s, t), rnd([4, 3], 62));
  });
  it("softmaxCrossEntropy: ds = (softmax(s) − onehot(y))/N", () => {
    check("softmaxCrossEntropy", (s) => softmaxCrossEntropy(s, y), rnd([4, 5], 63));
  });
  it("sigmoidCrossEntropy: ds = (σ(s) − t)/N", () => {
    const t = rnd([4, 3], 64).reshape([4, 3]);
    for (let i = 0; i < t.size; i++) t.data[i] = t.data[i] > 0 ? 1 : 0;
    check("sigmoidCrossEntropy", (s) => sigmoidCrossEntropy(s, t), rnd([4, 3], 65));
  });
  it("svmLoss: subgradient of the hinge (margin 1)", () => {
    check("svmLoss", (s) => svmLoss(s, y), rnd([4, 5], 66, 0.3));
  });
});
