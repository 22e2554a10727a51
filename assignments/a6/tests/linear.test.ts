import { describe, it } from "vitest";
import { linearBackward, linearForward } from "../../../src/layers/linear.js";
import { tensor } from "../../../src/tensor.js";
import { expectClose, forwardFor, GRAD_TOLERANCE, numericGrad, rnd } from "./helpers.js";

describe("linear layer", () => {
  it("linearForward: out = x·W + b on a case worked by hand", () => {
    const x = tensor([[1, 2], [3, 4]]);
    const W = tensor([[1, 0, -1], [2, 1, 0]]);
    const b = tensor([0.5, -1, 2]);
    // row 0: [1·1 + 2·2, 1·0 + 2·1, 1·(−1) + 0] + b = [5.5, 1, 1]; row 1: [11, 4, −3] + b = [11.5, 3, −1]
    const [out] = linearForward(x, W, b);
    expectClose("linearForward", "out", out, tensor([[5.5, 1, 1], [11.5, 3, -1]]), 2);
  });

  it("linearBackward: dx, dW, db match numerical gradients (N=3, D=4, M=5)", () => {
    const x = rnd([3, 4], 1), W = rnd([4, 5], 2), b = rnd([5], 3), dout = rnd([3, 5], 4);
    const [, cache] = forwardFor("linearBackward", "linearForward", () => linearForward(x, W, b));
    const { dx, dW, db } = linearBackward(dout, cache);
    expectClose("linearBackward", "dx", dx, numericGrad(() => linearForward(x, W, b)[0], x, dout), 3, GRAD_TOLERANCE);
    expectClose("linearBackward", "dW", dW, numericGrad(() => linearForward(x, W, b)[0], W, dout), 3, GRAD_TOLERANCE);
    expectClose("linearBackward", "db", db, numericGrad(() => linearForward(x, W, b)[0], b, dout), 3, GRAD_TOLERANCE);
  });
});
