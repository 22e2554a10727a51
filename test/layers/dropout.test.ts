import { describe, expect, it } from "vitest";
import { dropoutBackward, dropoutForward } from "../../src/layers/dropout.js";
import { Rng } from "../../src/random.js";
import { tensor } from "../../src/tensor.js";
import { AFFINE_H, expectGradients, expectUnchanged, flat, reportWorstErrors, rnd } from "./helpers.js";

reportWorstErrors("dropout");

describe("dropoutForward / dropoutBackward", () => {
  it("keeps each unit with probability 1 − p, scaled by 1/(1 − p); the same mask in backward", () => {
    const x = tensor([[1, 2, 3, 4, 5, 6, 7, 8]]);
    const [out, cache] = dropoutForward(x, { p: 0.5, mode: "train", seed: 1 });
    const dx = dropoutBackward(tensor([[1, 1, 1, 1, 1, 1, 1, 1]]), cache);
    for (let i = 0; i < 8; i++) {
      expect([0, 2 * x.data[i]]).toContain(out.data[i]);
      expect(dx.data[i]).toBe(out.data[i] === 0 ? 0 : 2);
    }
    const big = dropoutForward(rnd([100, 100], 3), { p: 0.3, mode: "train", seed: 2 })[1].mask!;
    const kept = flat(big).filter((m) => m !== 0).length / big.size;
    expect(Math.abs(kept - 0.7)).toBeLessThan(0.02); // 10,000 draws: the standard deviation is 0.0046
    expect(flat(big).every((m) => m === 0 || m === 1 / 0.7)).toBe(true);
  });

  it("passes x (and dout) through in test mode and for p = 0", () => {
    const x = rnd([3, 4], 1);
    const [out, cache] = dropoutForward(x, { p: 0.5, mode: "test" });
    expect(out).toBe(x);
    const dout = rnd([3, 4], 2);
    expect(dropoutBackward(dout, cache)).toBe(dout);
    expect(dropoutForward(x, { p: 0, mode: "train" })[0]).toBe(x);
  });

  it("draws the mask from the given generator (the layer object's), the same for the same seed", () => {
    const x = rnd([4, 5], 3);
    const a = dropoutForward(x, { p: 0.4, mode: "train", rng: new Rng(9) })[0];
    const b = dropoutForward(x, { p: 0.4, mode: "train", seed: 9 })[0];
    expect(flat(a)).toEqual(flat(b));
  });

  it("passes float64 gradient checks (the mask of a fixed seed)", () => {
    [[2, 3], [4, 1, 5], [1, 7]].forEach((shape, t) => {
      const x = rnd(shape, 10 + t);
      const dout = rnd(shape, 20 + t);
      const params = { p: 0.5, mode: "train" as const, seed: 30 + t };
      const [, cache] = dropoutForward(x, params);
      expectGradients(() => dropoutForward(x, params)[0], dout, { dx: [x, dropoutBackward(dout, cache)] }, `shape [${shape}]`, AFFINE_H);
    });
  });

  it("is pure, keeps float32 and names the function on bad input", () => {
    const x = rnd([2, 3], 1).astype("float32"), dout = rnd([2, 3], 2).astype("float32");
    expectUnchanged([x, dout], () => {
      const [out, cache] = dropoutForward(x, { p: 0.5, mode: "train" });
      expect(out.dtype).toBe("float32");
      expect(dropoutBackward(dout, cache).dtype).toBe("float32");
    });
    expect(() => dropoutForward(x, { p: 1, mode: "train" })).toThrow("dropoutForward: p must be in [0, 1), got 1");
    expect(() => dropoutForward(x, { p: 0.5, mode: "eval" as "test" })).toThrow(`dropoutForward: mode must be 'train' or 'test', got "eval"`);
    const [, cache] = dropoutForward(x, { p: 0.5, mode: "train" });
    expect(() => dropoutBackward(rnd([3, 2], 4), cache)).toThrow("dropoutBackward: dout has shape [3, 2], expected [2, 3] (the shape of the forward output)");
  });
});
