import { describe, expect, it } from "vitest";
import { numericalGradient, numericalGradientArray } from "../src/gradcheck.js";
import { relError } from "../src/metrics.js";
import { tensor } from "../src/tensor.js";

describe("gradcheck", () => {
  it("relError follows the cs231n definition", () => {
    expect(relError([1, 2], [1, 2])).toBe(0);
    expect(relError([1, 0], [3, 0])).toBeCloseTo(0.5, 12);
    expect(relError([0], [1e-9])).toBeCloseTo(1e-9 / 1e-8, 12);
    expect(relError([NaN], [1])).toBe(Infinity);
  });

  it("numerical gradient of sum(x^3) is 3x^2 and leaves x unchanged", () => {
    const x = tensor([0.5, -1.5, 2]);
    const f = () => Array.from(x.data).reduce((s, v) => s + v ** 3, 0);
    const g = numericalGradient(f, x);
    expect(relError(g, [0.75, 6.75, 12])).toBeLessThan(1e-9);
    expect(Array.from(x.data)).toEqual([0.5, -1.5, 2]);
  });

  it("numerical gradient of an array function contracts with dout", () => {
    const x = tensor([1, 2, 3]);
    const f = () => tensor(Array.from(x.data, (v) => v * v));
    const g = numericalGradientArray(f, x, tensor([1, 10, 100]));
    expect(relError(g, [2, 40, 600])).toBeLessThan(1e-9);
  });
});
