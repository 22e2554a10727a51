import { afterAll, describe, expect, it } from "vitest";
import { Rng } from "../../src/random.js";
import { randn } from "../../src/tensor.js";
import { conv2dBackward as refBackward, conv2dForward as refForward } from "../../src/layers/conv2d.js";
import { configureKernels } from "../../src/engine/index.js";
import { fastKernels } from "../../src/ops/fast.js";
import { convGeometry } from "../../src/ops/conv2d/contract.js";
import { winogradFits } from "../../src/ops/conv2d/winograd.js";
import { ENGINES, FLOAT32_TOLERANCE, scaledMaxError, useEngine } from "./compare.js";

// Random shapes: batch 1..4, channels, non-square images and kernels, stride 1/2, pad 0/1/2,
// always with an integral output size (the reference rejects the rest).
function randomCases(count: number, seed: number) {
  const rng = new Rng(seed);
  const cases = [];
  while (cases.length < count) {
    const N = 1 + rng.int(4), C = 1 + rng.int(4), F = 1 + rng.int(6);
    const KH = 1 + rng.int(5), KW = 1 + rng.int(4);
    const stride = 1 + rng.int(2), pad = rng.int(3);
    const H = KH + rng.int(9), W = KW + rng.int(11);
    if ((H + 2 * pad - KH) % stride !== 0 || (W + 2 * pad - KW) % stride !== 0) continue;
    cases.push({ N, C, F, H, W, KH, KW, stride, pad });
  }
  return cases;
}

afterAll(() => configureKernels({ engine: "wasm", threads: 1 }));

// Stride 1 with KW = 2·pad + 1 (output rows as wide as the input's, im2col's one-run path):
// square and not, rows narrower than the padding, output taller or shorter than the input.
const SAME_WIDTH = [
  { N: 2, C: 3, F: 4, H: 14, W: 14, KH: 5, KW: 5, stride: 1, pad: 2 },
  { N: 1, C: 2, F: 3, H: 6, W: 9, KH: 3, KW: 3, stride: 1, pad: 1 },
  { N: 1, C: 2, F: 2, H: 3, W: 1, KH: 5, KW: 5, stride: 1, pad: 2 },
  { N: 2, C: 1, F: 2, H: 2, W: 2, KH: 2, KW: 5, stride: 1, pad: 2 },
  { N: 1, C: 3, F: 5, H: 7, W: 4, KH: 5, KW: 3, stride: 1, pad: 1 },
];

describe.each(ENGINES)("fast conv2d ($label)", ({ options }) => {
  it("matches the reference forward and backward on 40 random shapes and 5 of same width", () => {
    useEngine(options);
    const rng = new Rng(7);
    for (const c of [...randomCases(40, 11), ...SAME_WIDTH]) {
      const x = randn([c.N, c.C, c.H, c.W], { rng, dtype: "float32" });
      const w = randn([c.F, c.C, c.KH, c.KW], { rng, dtype: "float32" });
      const b = randn([c.F], { rng, dtype: "float32" });
      const params = { stride: c.stride, pad: c.pad };
      const [out, cache] = fastKernels.conv2dForward(x, w, b, params);
      const [ref, refCache] = refForward(x, w, b, params);
      expect(out.dtype).toBe("float32");
      expect(scaledMaxError(out, ref), JSON.stringify(c)).toBeLessThan(FLOAT32_TOLERANCE);
      const dout = randn(ref.shape, { rng, dtype: "float32" });
      const got = fastKernels.conv2dBackward(dout, cache);
      const want = refBackward(dout, refCache);
      expect(scaledMaxError(got.dx, want.dx), `dx ${JSON.stringify(c)}`).toBeLessThan(FLOAT32_TOLERANCE);
      expect(scaledMaxError(got.dw, want.dw), `dw ${JSON.stringify(c)}`).toBeLessThan(FLOAT32_TOLERANCE);
      expect(scaledMaxError(got.db, want.db), `db ${JSON.stringify(c)}`).toBeLessThan(FLOAT32_TOLERANCE);
    }
  });

  it.each([
    { label: "LeNet-5's second conv layer (batch 3)", seed: 3, x: [3, 20, 14, 14], w: [50, 20, 5, 5] },
    { label: "7 images of 20×28×28 with 5×5 filters", seed: 21, x: [7, 20, 28, 28], w: [8, 20, 5, 5] },
    // Winograd F(2×2, 5×5) (src/ops/conv2d/winograd.ts): rows of 3 and 9 tiles (the kernels take 4
    // at a time), one tile row, and each pass on its own (forward only: 3 filters; input gradient only: 3 channels).
    { label: "Winograd both ways, 2 images of 9×10×6 with 8 filters", seed: 31, x: [2, 9, 10, 6], w: [8, 9, 5, 5], winograd: [true, true] },
    { label: "Winograd both ways, one row of 9 tiles: 8×2×18, 12 filters", seed: 32, x: [1, 8, 2, 18], w: [12, 8, 5, 5], winograd: [true, true] },
    { label: "Winograd forward only: 16×4×8 with 3 filters", seed: 33, x: [2, 16, 4, 8], w: [3, 16, 5, 5], winograd: [true, false] },
    { label: "Winograd input gradient only: 3×6×6 with 10 filters", seed: 34, x: [2, 3, 6, 6], w: [10, 3, 5, 5], winograd: [false, true] },
  ])("matches the reference on $label", ({ seed, x: xShape, w: wShape, winograd }) => {
    useEngine(options);
    if (winograd) {
      const g = convGeometry("test", xShape, wShape, 1, 2);
      expect([winogradFits(g, g.C), winogradFits(g, g.F)]).toEqual(winograd);
    }
    const rng = new Rng(seed);
    const x = randn(xShape, { rng, dtype: "float32" });
    const w = randn(wShape, { rng, dtype: "float32", std: 0.1 });
    const b = randn([wShape[0]], { rng, dtype: "float32" });
    const [out, cache] = fastKernels.conv2dForward(x, w, b, { stride: 1, pad: 2 });
    const [ref, refCache] = refForward(x, w, b, { stride: 1, pad: 2 });
    expect(scaledMaxError(out, ref)).toBeLessThan(FLOAT32_TOLERANCE);
    const dout = randn(ref.shape, { rng, dtype: "float32" });
    const got = fastKernels.conv2dBackward(dout, cache);
    const want = refBackward(dout, refCache);
    expect(scaledMaxError(got.dx, want.dx)).toBeLessThan(FLOAT32_TOLERANCE);
    expect(scaledMaxError(got.dw, want.dw)).toBeLessThan(FLOAT32_TOLERANCE);
    expect(scaledMaxError(got.db, want.db)).toBeLessThan(FLOAT32_TOLERANCE);
  });
});

describe("fast conv2d contract", () => {
  it("passes float64 inputs on to the reference and keeps their dtype", () => {
    const rng = new Rng(1);
    const x = randn([2, 2, 5, 5], { rng });
    const w = randn([3, 2, 3, 3], { rng });
    const b = randn([3], { rng });
    const [out] = fastKernels.conv2dForward(x, w, b, { pad: 1 });
    expect(out.dtype).toBe("float64");
    expect(Array.from(out.data)).toEqual(Array.from(refForward(x, w, b, { pad: 1 })[0].data));
  });

  it("names the function and both shapes when the channels disagree", () => {
    const x = randn([1, 3, 5, 5], { seed: 1, dtype: "float32" });
    const w = randn([2, 4, 3, 3], { seed: 2, dtype: "float32" });
    const b = randn([2], { seed: 3, dtype: "float32" });
    expect(() => fastKernels.conv2dForward(x, w, b)).toThrow(/conv2dForward: w has shape \[2, 4, 3, 3\].*\[1, 3, 5, 5\]/);
  });
});
