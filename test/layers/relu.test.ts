import { describe, expect, it } from "vitest";
import { reluBackward, reluForward } from "../../src/layers/relu.js";
import { tensor } from "../../src/tensor.js";
import { AFFINE_H, expectGradients, expectUnchanged, flat, reportWorstErrors, rnd } from "./helpers.js";

reportWorstErrors("relu");

describe("reluForward / reluBackward", () => {
  it("clips negatives to zero and passes gradients only where x > 0", () => {
    const x = tensor([[-2, 0, 3], [1.5, -0.5, 0.25]]);
    const [out, cache] = reluForward(x);
    expect(out.toArray()).toEqual([[0, 0, 3], [1.5, 0, 0.25]]);
    const dx = reluBackward(tensor([[1, 2, 3], [4, 5, 6]]), cache);
    expect(dx.toArray()).toEqual([[0, 0, 3], [4, 0, 6]]);
  });

  it("passes float64 gradient checks on random shapes of any rank", () => {
    const shapes = [[1], [1, 1], [3, 5], [2, 3, 4, 5], [7, 2], [1, 2, 3]];
    shapes.forEach((shape, t) => {
      // keep entries away from the kink at 0, where the numerical gradient is not defined
      const x = rnd(shape, 10 + t);
      for (let i = 0; i < x.size; i++) if (Math.abs(x.data[i]) < 1e-2) x.data[i] = 0.5;
      const dout = rnd(shape, 20 + t);
      const [, cache] = reluForward(x);
      const dx = reluBackward(dout, cache);
      expectGradients(() => reluForward(x)[0], dout, { dx: [x, dx] }, `shape [${shape}]`, AFFINE_H);
    });
  });

  it("is pure and keeps float32", () => {
    const x = rnd([2, 3], 1).astype("float32"), dout = rnd([2, 3], 2).astype("float32");
    expectUnchanged([x, dout], () => {
      const [out, cache] = reluForward(x);
      expect(out.dtype).toBe("float32");
      expect(reluBackward(dout, cache).dtype).toBe("float32");
      expect(flat(out)).toEqual(flat(x).map((v) => Math.max(0, v)));
    });
  });

  it("names the function and both shapes when dout is wrong", () => {
    const [, cache] = reluForward(rnd([2, 3], 1));
    expect(() => reluBackward(rnd([3, 2], 2), cache)).toThrow("reluBackward: dout has shape [3, 2], expected [2, 3]");
    expect(() => reluBackward(rnd([2, 3], 2), {} as never)).toThrow("reluBackward: cache.x is not a Tensor");
  });
});
