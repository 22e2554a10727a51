import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { Rng } from "../../src/random.js";
import { randn, tensor } from "../../src/tensor.js";
import { reluBackward as refReluBackward, reluForward as refReluForward } from "../../src/layers/relu.js";
import { maxPool2dBackward as refPoolBackward, maxPool2dForward as refPoolForward } from "../../src/layers/maxpool2d.js";
import { configureKernels } from "../../src/engine/index.js";
import { fastKernels } from "../../src/ops/fast.js";
import { ENGINES, scaledMaxError, useEngine } from "./compare.js";

afterAll(() => configureKernels({ engine: "wasm", threads: 1 }));

describe.each(ENGINES)("fast ReLU and max-pool ($label)", ({ options }) => {
  beforeEach(() => useEngine(options));

  it("equals the reference exactly (no arithmetic to round)", () => {
    const rng = new Rng(5);
    const x = randn([3, 4, 5, 6], { rng, dtype: "float32" });
    const dout = randn(x.shape, { rng, dtype: "float32" });
    const [out, cache] = fastKernels.reluForward(x);
    const [ref, refCache] = refReluForward(x);
    expect(Array.from(out.data)).toEqual(Array.from(ref.data));
    expect(Array.from(fastKernels.reluBackward(dout, cache).data)).toEqual(Array.from(refReluBackward(dout, refCache).data));
  });

  it("passes no gradient at exactly 0 and maps NaN to 0 as the reference does (odd lengths too)", () => {
    const x = tensor([-1, 0, 2, NaN, -0, 3, 4], [7], "float32");
    const [out, cache] = fastKernels.reluForward(x);
    expect(Array.from(out.data)).toEqual(Array.from(refReluForward(x)[0].data));
    expect(Array.from(fastKernels.reluBackward(tensor([5, 5, 5, 5, 5, 5, 5], [7], "float32"), cache).data)).toEqual([0, 0, 5, 0, 0, 5, 5]);
  });

  it("equals the reference on random shapes, overlapping windows included", () => {
    const rng = new Rng(9);
    // 2×2 rows of 14, 7, 5 and 3 windows: the four-at-a-time path with a last, overlapping four, and without.
    for (const [size, stride, H, W] of [[2, 2, 28, 28], [2, 2, 14, 14], [2, 2, 6, 10], [2, 2, 4, 6], [3, 2, 7, 9], [3, 1, 5, 4], [1, 1, 3, 3], [2, 1, 6, 5]]) {
      const N = 1 + rng.int(3), C = 1 + rng.int(3);
      const x = randn([N, C, H, W], { rng, dtype: "float32" });
      const [out, cache] = fastKernels.maxPool2dForward(x, { size, stride });
      const [ref, refCache] = refPoolForward(x, { size, stride });
      expect(Array.from(out.data)).toEqual(Array.from(ref.data));
      const dout = randn(ref.shape, { rng, dtype: "float32" });
      const dx = fastKernels.maxPool2dBackward(dout, cache);
      expect(scaledMaxError(dx, refPoolBackward(dout, refCache))).toBeLessThan(1e-6);
    }
  });

  it("matches the reference on LeNet-5's first pooling input (large enough to be split over threads)", () => {
    const x = randn([64, 20, 28, 28], { seed: 12, dtype: "float32" });
    const [out, cache] = fastKernels.maxPool2dForward(x, { size: 2 });
    const [ref, refCache] = refPoolForward(x, { size: 2 });
    expect(Array.from(out.data)).toEqual(Array.from(ref.data));
    const dout = randn(ref.shape, { seed: 13, dtype: "float32" });
    expect(scaledMaxError(fastKernels.maxPool2dBackward(dout, cache), refPoolBackward(dout, refCache))).toBe(0);
    const [r, rc] = fastKernels.reluForward(x);
    expect(Array.from(r.data)).toEqual(Array.from(refReluForward(x)[0].data));
    const g = randn(x.shape, { seed: 14, dtype: "float32" });
    expect(Array.from(fastKernels.reluBackward(g, rc).data)).toEqual(Array.from(refReluBackward(g, { x }).data));
  });

  it("sends a tie's gradient to the first maximum, as the reference documents", () => {
    const x = tensor([[[[1, 3], [3, 0]]]], undefined, "float32");
    const [, cache] = fastKernels.maxPool2dForward(x, { size: 2 });
    const dx = fastKernels.maxPool2dBackward(tensor([[[[7]]]], undefined, "float32"), cache);
    expect(Array.from(dx.data)).toEqual([0, 7, 0, 0]);
  });

  it("keeps ties, NaN and −∞ as the reference does in the four-windows-at-a-time 2×2 path (rows of 16)", () => {
    // Windows (2×2, stride 2) of one 2×16 row pair: ties in every position, NaN first and later,
    // all NaN, all −∞, and ordinary values; eight outputs, so two SIMD groups of four.
    const top = [5, 5, NaN, 1, NaN, NaN, -Infinity, -Infinity, 2, 3, 0, -1, 4, 4, -2, -3];
    const bottom = [5, 5, 1, 0, NaN, NaN, -Infinity, -Infinity, 3, 2, -1, 0, 4, 9, -3, -2];
    const x = tensor([[[top, bottom]]], undefined, "float32");
    const [out, cache] = fastKernels.maxPool2dForward(x, { size: 2 });
    const [ref, refCache] = refPoolForward(x, { size: 2 });
    expect(Array.from(out.data)).toEqual(Array.from(ref.data));
    const dout = tensor([[[[1, 2, 3, 4, 5, 6, 7, 8]]]], undefined, "float32");
    expect(Array.from(fastKernels.maxPool2dBackward(dout, cache).data)).toEqual(Array.from(refPoolBackward(dout, refCache).data));
  });

  it("accepts a reference cache (no recorded maxima) and still matches", () => {
    const x = randn([2, 2, 4, 4], { seed: 3, dtype: "float32" });
    const [ref, refCache] = refPoolForward(x, { size: 2 });
    const dout = randn(ref.shape, { seed: 4, dtype: "float32" });
    expect(Array.from(fastKernels.maxPool2dBackward(dout, refCache).data)).toEqual(Array.from(refPoolBackward(dout, refCache).data));
  });
});
