import { describe, expect, it } from "vitest";
import { Rng } from "../src/random.js";
import { randn, tensor, zeros } from "../src/tensor.js";
import { checkShape } from "../src/shapes.js";

describe("tensor", () => {
  it("infers shape from nested arrays and round-trips through toArray", () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe("float64");
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it("accepts a flat array with a shape and a dtype", () => {
    const t = tensor([1, 2, 3, 4, 5, 6], [3, 2], "float32");
    expect(t.shape).toEqual([3, 2]);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(t.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
  });

  it("rejects ragged arrays and mismatched shapes with a clear message", () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/\[2, 2\] holds 4 values but data has 3/);
  });

  it("reshape infers -1 and refuses impossible shapes", () => {
    const t = zeros([2, 3, 4]);
    expect(t.reshape([2, -1]).shape).toEqual([2, 12]);
    expect(() => t.reshape([5, -1])).toThrow(/cannot view/);
  });

  it("checkShape names the function and both shapes", () => {
    expect(() => checkShape("linearForward", "W", zeros([3, 4]), [5, -1])).toThrow(
      "linearForward: W has shape [3, 4], expected [5, *]",
    );
  });
});

describe("seeded randomness", () => {
  it("is reproducible: same seed gives the same numbers, another seed others", () => {
    const a = randn([100], { seed: 42 });
    const b = randn([100], { seed: 42 });
    const c = randn([100], { seed: 43 });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
  });

  it("gives the pinned mulberry32 sequence (bit-exact on every machine)", () => {
    const r = new Rng(1);
    const first = [r.nextUint32(), r.nextUint32(), r.nextUint32()];
    const again = new Rng(1);
    expect([again.nextUint32(), again.nextUint32(), again.nextUint32()]).toEqual(first);
    expect(first.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)).toBe(true);
  });

  it("draws normals with mean ≈ 0 and std ≈ 1", () => {
    const t = randn([20000], { seed: 7 });
    let s = 0, s2 = 0;
    for (const x of t.data) { s += x; s2 += x * x; }
    const mean = s / t.size;
    const std = Math.sqrt(s2 / t.size - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
  });

  it("permutation is a permutation", () => {
    const p = Array.from(new Rng(3).permutation(50)).sort((a, b) => a - b);
    expect(p).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
