import { describe, it } from "vitest";
import { reluBackward, reluForward } from "../../../src/layers/relu.js";
import { sigmoidBackward, sigmoidForward } from "../../../src/layers/sigmoid.js";
import { Tensor, tensor } from "../../../src/tensor.js";
import { expectClose, forwardFor, GRAD_TOLERANCE, numericGrad, rnd } from "./helpers.js";

describe("ReLU", () => {
  it("reluForward: max(0, x) elementwise", () => {
    const [out] = reluForward(tensor([[-2, 0.5], [3, -0.1]]));
    expectClose("reluForward", "out", out, tensor([[0, 0.5], [3, 0]]), 2);
  });

  it("reluBackward: dx matches the numerical gradient", () => {
    const x = rnd([4, 6], 11), dout = rnd([4, 6], 12);
    const [, cache] = forwardFor("reluBackward", "reluForward", () => reluForward(x));
    const wrongSide = new Tensor(Float64Array.from(dout.data, (g, i) => (x.data[i] < 0 ? g : 0)), x.shape);
    const mistakes = [{ mistake: "ReLU mask on the wrong side", hint: "the gradient flows where x > 0, not where x < 0.", value: wrongSide }];
    expectClose("reluBackward", "dx", reluBackward(dout, cache), numericGrad(() => reluForward(x)[0], x, dout), 4, GRAD_TOLERANCE, mistakes);
  });
});

describe("sigmoid", () => {
  it("sigmoidForward: σ(0) = 0.5, σ(±2) = 1/(1 + e^∓2)", () => {
    const [out] = sigmoidForward(tensor([0, 2, -2]));
    expectClose("sigmoidForward", "out", out, tensor([0.5, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(2))]));
  });

  it("sigmoidBackward: dx matches the numerical gradient", () => {
    const x = rnd([3, 5], 21, 2), dout = rnd([3, 5], 22);
    const [, cache] = forwardFor("sigmoidBackward", "sigmoidForward", () => sigmoidForward(x));
    expectClose("sigmoidBackward", "dx", sigmoidBackward(dout, cache), numericGrad(() => sigmoidForward(x)[0], x, dout), 3, GRAD_TOLERANCE);
  });
});
