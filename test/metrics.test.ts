import { describe, expect, it } from "vitest";
import { elementRelError, firstNonFinite, relError, scaledMaxError } from "../src/metrics.js";
import { tensor } from "../src/tensor.js";

describe("metrics: one definition per measure", () => {
  it("elementRelError is cs231n's per pair; relError its maximum", () => {
    expect(elementRelError(1, 3)).toBeCloseTo(0.5, 12);
    expect(elementRelError(0, 0)).toBe(0);
    expect(elementRelError(Infinity, Infinity)).toBe(0);
    expect(elementRelError(Infinity, 1)).toBe(Infinity);
    expect(elementRelError(NaN, NaN)).toBe(Infinity);
    expect(relError(tensor([1, 2, 0]), [1, 2.2, 1e-9])).toBeCloseTo(0.1, 12); // the 1e-9 entry: 1e-9/1e-8 = 0.1
    expect(() => relError([1], [1, 2])).toThrow("relError: lengths differ (1 vs 2)");
  });

  it("scaledMaxError measures against the largest reference value, so tiny entries do not dominate", () => {
    const ref = tensor([1000, 1e-9], undefined, "float32");
    const got = tensor([1000.01, 2e-9], undefined, "float32");
    expect(relError(got, ref)).toBeGreaterThan(0.05); // the tiny entry, relatively far off
    expect(scaledMaxError(got, ref)).toBeCloseTo(0.01 / 1000, 6);
    expect(() => scaledMaxError(tensor([1, 2]), tensor([[1, 2]]))).toThrow("scaledMaxError: shapes differ: [2] vs [1, 2]");
  });

  it("firstNonFinite finds the first NaN or ±Infinity", () => {
    expect(firstNonFinite([1, 2, 3])).toBe(-1);
    expect(firstNonFinite(new Float32Array([0, -Infinity, NaN]))).toBe(1);
    expect(firstNonFinite([NaN])).toBe(0);
  });
});
