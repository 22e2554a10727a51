import { describe, expect, it } from "vitest";
import { sigmoidBackward, sigmoidForward } from "../../src/layers/sigmoid.js";
import { tensor } from "../../src/tensor.js";
import { SMOOTH_H, expectGradients, expectUnchanged, flat, reportWorstErrors, rnd } from "./helpers.js";

reportWorstErrors("sigmoid");

describe("sigmoidForward / sigmoidBackward", () => {
  it("matches 1/(1+e^-x) and σ(1−σ) on hand-computed values", () => {
    const [out, cache] = sigmoidForward(tensor([0, Math.log(3), -Math.log(3)]));
    expect(flat(out)[0]).toBe(0.5);
    expect(flat(out)[1]).toBeCloseTo(0.75, 15);
    expect(flat(out)[2]).toBeCloseTo(0.25, 15);
    const dx = sigmoidBackward(tensor([4, 16, 16]), cache);
    expect(flat(dx)[0]).toBe(1); // 4 · 0.5 · 0.5
    expect(flat(dx)[1]).toBeCloseTo(3, 14); // 16 · 0.75 · 0.25
    expect(flat(dx)[2]).toBeCloseTo(3, 14);
  });

  it("does not overflow for large |x|", () => {
    const [out, cache] = sigmoidForward(tensor([1000, -1000, 40, -40]));
    expect(flat(out)[0]).toBe(1);
    expect(flat(out)[1]).toBe(0);
    expect(flat(out)[3]).toBeGreaterThan(0);
    expect(flat(sigmoidBackward(tensor([1, 1, 1, 1]), cache)).every(Number.isFinite)).toBe(true);
  });

  it("passes float64 gradient checks on random shapes of any rank", () => {
    const shapes = [[1], [4, 1], [3, 5], [2, 3, 4, 5], [1, 2, 3]];
    shapes.forEach((shape, t) => {
      const x = rnd(shape, 30 + t, 2);
      const dout = rnd(shape, 40 + t);
      const [, cache] = sigmoidForward(x);
      const dx = sigmoidBackward(dout, cache);
      expectGradients(() => sigmoidForward(x)[0], dout, { dx: [x, dx] }, `shape [${shape}]`, SMOOTH_H);
    });
  });

  it("is pure and keeps float32", () => {
    const x = rnd([2, 3], 1).astype("float32"), dout = rnd([2, 3], 2).astype("float32");
    expectUnchanged([x, dout], () => {
      const [out, cache] = sigmoidForward(x);
      expect(out.dtype).toBe("float32");
      expect(sigmoidBackward(dout, cache).dtype).toBe("float32");
    });
  });

  it("names the function and both shapes when dout is wrong", () => {
    const [, cache] = sigmoidForward(rnd([4], 1));
    expect(() => sigmoidBackward(rnd([2, 2], 2), cache)).toThrow(
      "sigmoidBackward: dout has shape [2, 2], expected [4]",
    );
  });
});
