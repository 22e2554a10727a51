import { describe, expect, it } from "vitest";
import { maxPool2dBackward, maxPool2dForward } from "../../src/layers/maxpool2d.js";
import { Rng } from "../../src/random.js";
import { Tensor, tensor, zeros } from "../../src/tensor.js";
import { AFFINE_H, expectGradients, expectUnchanged, reportWorstErrors, rnd } from "./helpers.js";

reportWorstErrors("maxpool2d");

/** Distinct values 0.01 apart in random order (no near-ties, so centred differences are exact). */
function distinct(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const perm = new Rng(seed).permutation(n);
  return tensor(Array.from(perm, (p) => (p - n / 2) * 0.01), shape);
}

const x4 = tensor([[[
  [1, 3, 2, 0],
  [4, 2, 1, 5],
  [0, 6, 2, 2],
  [1, 1, 2, 1],
]]]);

describe("maxPool2dForward / maxPool2dBackward", () => {
  it("2×2 stride 2 on a 4×4 image, with a three-way tie (hand-computed)", () => {
    const [out, cache] = maxPool2dForward(x4, { size: 2, stride: 2 });
    expect(out.toArray()).toEqual([[[[4, 5], [6, 2]]]]);
    const dx = maxPool2dBackward(tensor([[[[1, 2], [3, 4]]]]), cache);
    // bottom-right window [2 2; 2 1]: the gradient goes to its first 2 in row-major order, x[2, 2]
    expect(dx.toArray()).toEqual([[[
      [0, 0, 0, 0],
      [1, 0, 0, 2],
      [0, 3, 4, 0],
      [0, 0, 0, 0],
    ]]]);
  });

  it("stride defaults to the window size", () => {
    const [out] = maxPool2dForward(x4, { size: 2 });
    expect(out.toArray()).toEqual([[[[4, 5], [6, 2]]]]);
  });

  it("tie rule: the first maximum in row-major order gets the whole gradient", () => {
    const grad = (rows: number[][]) => {
      const [, cache] = maxPool2dForward(tensor([[rows]]), { size: 2, stride: 2 });
      return maxPool2dBackward(tensor([[[[1]]]]), cache).toArray();
    };
    expect(grad([[0, 7], [7, 0]])).toEqual([[[[0, 1], [0, 0]]]]); // same row first, then column
    expect(grad([[0, 0], [7, 7]])).toEqual([[[[0, 0], [1, 0]]]]);
    expect(grad([[3, 3], [3, 3]])).toEqual([[[[1, 0], [0, 0]]]]);
    expect(grad([[-1, -5], [-2, -1]])).toEqual([[[[1, 0], [0, 0]]]]);
    // also in float32, where rounding makes ties common
    const [, c32] = maxPool2dForward(tensor([[[[0.1, 0.1], [0.1, 0.1]]]], undefined, "float32"), { size: 2 });
    expect(maxPool2dBackward(tensor([[[[2]]]], undefined, "float32"), c32).toArray()).toEqual([[[[2, 0], [0, 0]]]]);
  });

  it("overlapping windows (stride < size) add up their gradients (hand-computed)", () => {
    const [out, cache] = maxPool2dForward(tensor([[[[1, 2, 3], [4, 9, 5], [6, 7, 8]]]]), { size: 2, stride: 1 });
    expect(out.toArray()).toEqual([[[[9, 9], [9, 9]]]]);
    expect(maxPool2dBackward(tensor([[[[1, 2], [3, 4]]]]), cache).toArray()).toEqual([[[[0, 0, 0], [0, 10, 0], [0, 0, 0]]]]);

    const x = tensor([[[[1, 5, 2, 0], [3, 0, 4, 1], [2, 6, 1, 7]]]]); // non-square 3×4
    const [o2, c2] = maxPool2dForward(x, { size: 2, stride: 1 });
    expect(o2.toArray()).toEqual([[[[5, 5, 4], [6, 6, 7]]]]);
    expect(maxPool2dBackward(tensor([[[[1, 2, 3], [4, 5, 6]]]]), c2).toArray()).toEqual([[[
      [0, 3, 0, 0],
      [0, 0, 3, 0],
      [0, 9, 0, 6],
    ]]]);

    // all equal and overlapping: each window gives its gradient to its own first element
    const [, c3] = maxPool2dForward(tensor([[[[1, 1, 1], [1, 1, 1]]]]), { size: 2, stride: 1 });
    expect(maxPool2dBackward(tensor([[[[1, 2]]]]), c3).toArray()).toEqual([[[[1, 2, 0], [0, 0, 0]]]]);
  });

  it("pools every channel of every image separately", () => {
    const x = tensor([[[[1, 2], [3, 4]], [[-4, -3], [-2, -1]]], [[[0, 9], [0, 0]], [[5, 5], [5, 6]]]]); // 2×2×2×2
    const [out] = maxPool2dForward(x, { size: 2, stride: 2 });
    expect(out.toArray()).toEqual([[[[4]], [[-1]]], [[[9]], [[6]]]]);
  });

  it("slide: 2×2 max-pool, stride 2, on 64×224×224 → 64×112×112", () => {
    const x = zeros([1, 64, 224, 224], "float32");
    for (let i = 0; i < x.size; i++) x.data[i] = (i * 7919) % 10007; // cheap, varied values
    const [out] = maxPool2dForward(x, { size: 2, stride: 2 });
    expect(out.shape).toEqual([1, 64, 112, 112]);
    // spot-check one window against a direct max
    const W = 224, k = (10 * 224 + 2 * 30) * W + 2 * 40; // channel 10, window (30, 40)
    const want = Math.max(x.data[k], x.data[k + 1], x.data[k + W], x.data[k + W + 1]);
    expect(out.data[(10 * 112 + 30) * 112 + 40]).toBe(want);
  });

  it("passes float64 gradient checks on many random shapes (overlapping, non-square, batch 1)", () => {
    const rng = new Rng(21);
    const cases: { N: number; C: number; H: number; W: number; size: number; stride: number }[] = [
      { N: 1, C: 1, H: 4, W: 4, size: 2, stride: 2 },
      { N: 1, C: 2, H: 5, W: 7, size: 3, stride: 2 },
      { N: 2, C: 3, H: 4, W: 6, size: 2, stride: 1 },
      { N: 1, C: 1, H: 3, W: 5, size: 3, stride: 1 },
    ];
    while (cases.length < 30) {
      const size = 1 + rng.int(3), stride = 1 + rng.int(3);
      const Ho = 1 + rng.int(3), Wo = 1 + rng.int(4);
      cases.push({ N: 1 + rng.int(2), C: 1 + rng.int(3), H: (Ho - 1) * stride + size, W: (Wo - 1) * stride + size, size, stride });
    }
    let overlapping = 0;
    cases.forEach((c, t) => {
      overlapping += c.stride < c.size ? 1 : 0;
      const x = distinct([c.N, c.C, c.H, c.W], 1200 + t);
      const p = { size: c.size, stride: c.stride };
      const [out, cache] = maxPool2dForward(x, p);
      const dout = rnd(out.shape, 1300 + t);
      const dx = maxPool2dBackward(dout, cache);
      expectGradients(() => maxPool2dForward(x, p)[0], dout, { dx: [x, dx] }, JSON.stringify(c), AFFINE_H);
    });
    expect(overlapping).toBeGreaterThan(5);
  });

  it("is pure and keeps float32", () => {
    const x = rnd([2, 3, 4, 6], 1).astype("float32");
    expectUnchanged([x], () => {
      const [out, cache] = maxPool2dForward(x, { size: 2, stride: 2 });
      expect(out.dtype).toBe("float32");
      const dout = rnd(out.shape, 2).astype("float32");
      expectUnchanged([dout], () => expect(maxPool2dBackward(dout, cache).dtype).toBe("float32"));
    });
  });

  it("names the function and the shapes for wrong shapes and parameters", () => {
    const x = rnd([1, 2, 4, 4], 1);
    expect(() => maxPool2dForward(rnd([2, 4, 4], 1), { size: 2 })).toThrow(
      "maxPool2dForward: x has shape [2, 4, 4], expected 4 dimensions [N, C, H, W]",
    );
    expect(() => maxPool2dForward(x, { size: 0 })).toThrow("maxPool2dForward: size must be an integer >= 1, got 0");
    expect(() => maxPool2dForward(x, { size: 2, stride: 0 })).toThrow("maxPool2dForward: stride must be an integer >= 1, got 0");
    expect(() => maxPool2dForward(x, { size: 5 })).toThrow("maxPool2dForward: window height 5 is larger than the input height 4; use a smaller window");
    expect(() => maxPool2dForward(x, { size: 3, stride: 2 })).toThrow(/maxPool2dForward: along height, .* = 1\.5 is not an integer/);
    const [, cache] = maxPool2dForward(x, { size: 2 });
    expect(() => maxPool2dBackward(rnd([1, 2, 4, 4], 2), cache)).toThrow(
      "maxPool2dBackward: dout has shape [1, 2, 4, 4], expected [1, 2, 2, 2]",
    );
  });
});
