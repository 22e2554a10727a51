import { describe, it } from "vitest";
import { conv2dBackward, conv2dForward } from "../../../src/layers/conv2d.js";
import { maxPool2dBackward, maxPool2dForward } from "../../../src/layers/maxpool2d.js";
import { tensor } from "../../../src/tensor.js";
import { expectClose, forwardFor, GRAD_TOLERANCE, numericGrad, rnd } from "./helpers.js";

describe("conv2d", () => {
  it("conv2dForward: a 2×2 filter over a 3×3 image (stride 1, pad 0), worked by hand", () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
    const w = tensor([1, 0, 0, -1], [1, 1, 2, 2]); // top-left minus bottom-right
    const [out] = conv2dForward(x, w, tensor([10]), { stride: 1, pad: 0 });
    // every window gives x[i][j] − x[i+1][j+1] = −4, plus the bias 10
    expectClose("conv2dForward", "out", out, tensor([6, 6, 6, 6], [1, 1, 2, 2]));
  });

  it("conv2dBackward: dx, dw, db match numerical gradients (stride 2, pad 1)", () => {
    const x = rnd([2, 2, 5, 5], 31), w = rnd([3, 2, 3, 3], 32), b = rnd([3], 33), dout = rnd([2, 3, 3, 3], 34);
    const p = { stride: 2, pad: 1 };
    const [, cache] = forwardFor("conv2dBackward", "conv2dForward", () => conv2dForward(x, w, b, p));
    const { dx, dw, db } = conv2dBackward(dout, cache);
    const f = () => conv2dForward(x, w, b, p)[0];
    expectClose("conv2dBackward", "dx", dx, numericGrad(f, x, dout), 2, GRAD_TOLERANCE);
    expectClose("conv2dBackward", "dw", dw, numericGrad(f, w, dout), 2, GRAD_TOLERANCE);
    expectClose("conv2dBackward", "db", db, numericGrad(f, b, dout), 2, GRAD_TOLERANCE);
  });
});

describe("max-pooling", () => {
  it("maxPool2dForward: 2×2 windows, stride 2", () => {
    const x = tensor([1, 5, 2, 0, 3, 4, 8, 1, 0, 0, 1, 1, 9, 2, 1, 7], [1, 1, 4, 4]);
    const [out] = maxPool2dForward(x, { size: 2, stride: 2 });
    expectClose("maxPool2dForward", "out", out, tensor([5, 8, 9, 7], [1, 1, 2, 2]));
  });

  it("maxPool2dBackward: dx matches the numerical gradient", () => {
    const x = rnd([2, 3, 4, 4], 41), dout = rnd([2, 3, 2, 2], 42);
    const [, cache] = forwardFor("maxPool2dBackward", "maxPool2dForward", () => maxPool2dForward(x, { size: 2, stride: 2 }));
    const num = numericGrad(() => maxPool2dForward(x, { size: 2, stride: 2 })[0], x, dout);
    expectClose("maxPool2dBackward", "dx", maxPool2dBackward(dout, cache), num, 2, GRAD_TOLERANCE);
  });
});
