import { describe, expect, it } from "vitest";
import { pad2dBackward, pad2dForward } from "../../src/layers/pad2d.js";
import { tensor } from "../../src/tensor.js";
import { AFFINE_H, expectGradients, expectUnchanged, reportWorstErrors, rnd } from "./helpers.js";

reportWorstErrors("pad2d");

describe("pad2dForward / pad2dBackward", () => {
  it("pads with zeros before every row and column, then cuts to the size; backward crops", () => {
    const x = tensor([[[[1, 2], [3, 4]]]]);
    const [xp, cache] = pad2dForward(x, { pad: 1, size: [3, 4] });
    expect(xp.toArray()).toEqual([[[[0, 0, 0, 0], [0, 1, 2, 0], [0, 3, 4, 0]]]]);
    const dx = pad2dBackward(tensor([[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]]]), cache);
    expect(dx.toArray()).toEqual([[[[6, 7], [10, 11]]]]);
    // cut below the input's own size: the cut entries get no gradient
    const [small, c2] = pad2dForward(x, { pad: 0, size: [1, 1] });
    expect(small.toArray()).toEqual([[[[1]]]]);
    expect(pad2dBackward(tensor([[[[5]]]]), c2).toArray()).toEqual([[[[5, 0], [0, 0]]]]);
  });

  it("passes float64 gradient checks", () => {
    const cases: [number[], number, [number, number]][] = [[[2, 3, 6, 6], 1, [8, 7]], [[1, 2, 5, 5], 2, [8, 8]], [[1, 1, 4, 3], 0, [3, 3]]];
    cases.forEach(([shape, pad, size], t) => {
      const x = rnd(shape, 10 + t);
      const [xp, cache] = pad2dForward(x, { pad, size });
      const dout = rnd(xp.shape, 20 + t);
      expectGradients(() => pad2dForward(x, { pad, size })[0], dout, { dx: [x, pad2dBackward(dout, cache)] }, `[${shape}] pad ${pad} → ${size}`, AFFINE_H);
    });
  });

  it("is pure, keeps float32 and names the function on bad input", () => {
    const x = rnd([1, 2, 3, 3], 1).astype("float32"), dout = rnd([1, 2, 5, 5], 2).astype("float32");
    expectUnchanged([x, dout], () => {
      const [xp, cache] = pad2dForward(x, { pad: 1, size: [5, 5] });
      expect(xp.dtype).toBe("float32");
      expect(pad2dBackward(dout, cache).shape).toEqual([1, 2, 3, 3]);
    });
    expect(() => pad2dForward(x, { pad: -1, size: [5, 5] })).toThrow("pad2dForward: pad must be an integer >= 0, got -1");
    expect(() => pad2dForward(rnd([3, 3], 1), { pad: 1, size: [5, 5] })).toThrow("pad2dForward: x has shape [3, 3], expected 4 dimensions [N, C, H, W]");
    const [, cache] = pad2dForward(x, { pad: 1, size: [5, 5] });
    expect(() => pad2dBackward(rnd([2, 2, 5, 5], 3), cache)).toThrow("pad2dBackward: dout has shape [2, 2, 5, 5], expected [1, 2, 5, 5] (the shape of the forward output)");
  });
});
