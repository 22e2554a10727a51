import { describe, expect, it } from "vitest";
import { adaptiveAvgPool2dBackward, adaptiveAvgPool2dForward } from "../../src/layers/avgpool2d.js";
import { tensor } from "../../src/tensor.js";
import { AFFINE_H, expectGradients, expectUnchanged, flat, reportWorstErrors, rnd } from "./helpers.js";

reportWorstErrors("adaptiveAvgPool2d");

describe("adaptiveAvgPool2dForward / adaptiveAvgPool2dBackward", () => {
  it("averages each window; 3×3 → 2×2 windows share the middle row and column", () => {
    const x = tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]);
    const [out, cache] = adaptiveAvgPool2dForward(x, { output: [2, 2] });
    expect(out.toArray()).toEqual([[[[3, 4], [6, 7]]]]); // (1+2+4+5)/4, (2+3+5+6)/4, …
    const dx = adaptiveAvgPool2dBackward(tensor([[[[4, 8], [12, 16]]]]), cache);
    // the centre is in all four windows: (4 + 8 + 12 + 16)/4; a corner in one
    expect(dx.toArray()).toEqual([[[[1, 3, 2], [4, 10, 6], [3, 7, 4]]]]);
  });

  it("passes x through when it already has the output size", () => {
    const x = rnd([2, 3, 6, 6], 1);
    const [out, cache] = adaptiveAvgPool2dForward(x, { output: [6, 6] });
    expect(out).toBe(x);
    const dout = rnd([2, 3, 6, 6], 2);
    expect(adaptiveAvgPool2dBackward(dout, cache)).toBe(dout);
  });

  it("passes float64 gradient checks, windows overlapping or not", () => {
    const cases: [number[], [number, number]][] = [[[2, 3, 6, 6], [2, 2]], [[1, 2, 5, 7], [3, 2]], [[2, 1, 4, 4], [1, 1]], [[1, 1, 3, 5], [2, 4]]];
    cases.forEach(([shape, output], t) => {
      const x = rnd(shape, 10 + t);
      const [out, cache] = adaptiveAvgPool2dForward(x, { output });
      const dout = rnd(out.shape, 20 + t);
      const dx = adaptiveAvgPool2dBackward(dout, cache);
      expectGradients(() => adaptiveAvgPool2dForward(x, { output })[0], dout, { dx: [x, dx] }, `[${shape}] → ${output}`, AFFINE_H);
    });
  });

  it("is pure, keeps float32 and names the function on bad input", () => {
    const x = rnd([1, 2, 4, 4], 1).astype("float32"), dout = rnd([1, 2, 2, 2], 2).astype("float32");
    expectUnchanged([x, dout], () => {
      const [out, cache] = adaptiveAvgPool2dForward(x, { output: [2, 2] });
      expect(out.dtype).toBe("float32");
      expect(flat(adaptiveAvgPool2dBackward(dout, cache)).length).toBe(32);
    });
    expect(() => adaptiveAvgPool2dForward(rnd([2, 4, 4], 3), { output: [2, 2] })).toThrow(
      "adaptiveAvgPool2dForward: x has shape [2, 4, 4], expected 4 dimensions [N, C, H, W]",
    );
    expect(() => adaptiveAvgPool2dForward(x, { output: [0, 2] })).toThrow("adaptiveAvgPool2dForward: output height must be an integer >= 1, got 0");
    const [, cache] = adaptiveAvgPool2dForward(x, { output: [2, 2] });
    expect(() => adaptiveAvgPool2dBackward(rnd([1, 2, 3, 3], 4), cache)).toThrow(
      "adaptiveAvgPool2dBackward: dout has shape [1, 2, 3, 3], expected [1, 2, 2, 2] (the shape of the forward output)",
    );
  });
});
