import { describe, it } from "vitest";
import { batchNormBackward, batchNormForward } from "../../../src/layers/batchnorm.js";
import { tensor } from "../../../src/tensor.js";
import { expectClose, forwardFor, GRAD_TOLERANCE, numericGrad, rnd } from "./helpers.js";

describe("batch normalisation", () => {
  it("batchNormForward (train): each feature of [[1, 10], [3, 30]] becomes [−1, 1] (eps = 0)", () => {
    const [out, cache] = batchNormForward(tensor([[1, 10], [3, 30]]), tensor([1, 1]), tensor([0, 0]), { mode: "train", eps: 0, momentum: 0.9 });
    expectClose("batchNormForward", "out", out, tensor([[-1, -1], [1, 1]]), 2);
    // running ← 0.9·running + 0.1·batch statistic, from mean 0 and variance 1
    expectClose("batchNormForward", "runningMean", cache.runningMean, tensor([0.2, 2]));
    expectClose("batchNormForward", "runningVar", cache.runningVar, tensor([0.9 + 0.1 * 1, 0.9 + 0.1 * 100]));
  });

  it("batchNormBackward (train): dx, dgamma, dbeta match numerical gradients", () => {
    const x = rnd([5, 3], 51, 2), gamma = rnd([3], 52), beta = rnd([3], 53), dout = rnd([5, 3], 54);
    const p = { mode: "train" as const, eps: 1e-5 };
    const [, cache] = forwardFor("batchNormBackward", "batchNormForward", () => batchNormForward(x, gamma, beta, p));
    const { dx, dgamma, dbeta } = batchNormBackward(dout, cache);
    const f = () => batchNormForward(x, gamma, beta, p)[0];
    expectClose("batchNormBackward", "dx", dx, numericGrad(f, x, dout), 5, GRAD_TOLERANCE);
    expectClose("batchNormBackward", "dgamma", dgamma, numericGrad(f, gamma, dout), 5, GRAD_TOLERANCE);
    expectClose("batchNormBackward", "dbeta", dbeta, numericGrad(f, beta, dout), 5, GRAD_TOLERANCE);
  });
});
