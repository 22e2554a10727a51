import { afterAll, describe, expect, it } from "vitest";
import { Rng } from "../../src/random.js";
import { randn } from "../../src/tensor.js";
import { conv2dBackward as refBackward, conv2dForward as refForward } from "../../src/layers/conv2d.js";
import { fastKernels } from "../../src/ops/fast.js";
import { convGeometry } from "../../src/ops/conv2d/contract.js";
import { winogradFits, winogradSizes } from "../../src/ops/conv2d/winograd.js";
import { WINOGRAD_CONV, WINOGRAD_CONV_WEIGHTS, WINOGRAD_FILTER_GRADIENT, WINOGRAD_FILTERS } from "../../src/ops/conv2d/kernels.js";
import { configureKernels, kernelEngine } from "../../src/engine/index.js";
import { put, withEngineMemory } from "../../src/engine/engine.js";
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

describe("Winograd scratch (winogradSizes, src/ops/conv2d/winograd.ts)", () => {
  // The WebAssembly kernels derive the tile layout from H and W themselves; the sizes the programs
  // reserve come from winogradSizes. A float written past any region would change the guard after it.
  it.each([
    { x: [9, 10, 6], w: [8, 9, 5, 5] },
    { x: [20, 14, 14], w: [50, 20, 5, 5] },
    { x: [8, 2, 18], w: [12, 8, 5, 5] },
    { x: [16, 4, 8], w: [3, 16, 5, 5] },
  ])("is enough for every Winograd kernel on $x with filters $w", ({ x: xShape, w: wShape }) => {
    useEngine({ engine: "wasm", threads: 1 });
    const e = kernelEngine();
    const [C, H, W] = xShape, F = wShape[0];
    const g = convGeometry("test", [1, ...xShape], wShape, 1, 2);
    const sizes = winogradSizes(g);
    const GUARD = 64, MARK = 12345.5;
    withEngineMemory(e, () => {
      const region = (floats: number, fill = 0) => {
        const p = e.alloc(4 * (floats + GUARD));
        e.f32().fill(fill, p >> 2, (p >> 2) + floats);
        e.f32().fill(MARK, (p >> 2) + floats, (p >> 2) + floats + GUARD);
        return { p, floats };
      };
      const rng = new Rng(9);
      const data = (shape: number[]) => put(e, randn(shape, { rng, dtype: "float32" }).data as Float32Array);
      const pX = data([C, H, W]), pDout = data([F, H, W]), pW = data([F, C, 5, 5]), pB = data([F]);
      const [xp, v, m, u, ut, du] = [sizes.padded, sizes.tiles, sizes.products, sizes.filters, sizes.filters, sizes.filters].map((n) => region(n));
      const [out, dx, dw, db] = [F * H * W, C * H * W, F * C * 25, F].map((n) => region(n));
      const work = region(e.gemmWorkBytes() / 4);
      const scratch = { pXp: xp.p, pV: v.p, pM: m.p, work: work.p };
      e.run(WINOGRAD_FILTERS, [{ pW, F, C, backward: 0, pU: u.p }, { pW, F, C, backward: 1, pU: ut.p }]);
      e.run(WINOGRAD_CONV, [{ pX, pU: u.p, pB, pOut: out.p, Cin: C, Cout: F, H, W, ...scratch }]);
      e.run(WINOGRAD_CONV, [{ pX: pDout, pU: ut.p, pB: 0, pOut: dx.p, Cin: F, Cout: C, H, W, ...scratch }]);
      e.run(WINOGRAD_CONV_WEIGHTS, [{ pX, pDout, pDU: du.p, pDb: db.p, Cin: C, Cout: F, H, W, ...scratch }]);
      e.run(WINOGRAD_FILTER_GRADIENT, [{ pDU: du.p, F, C, pDw: dw.p, accumulate: 0 }]);
      const f = e.f32();
      for (const [name, r] of Object.entries({ xp, v, m, u, ut, du, out, dx, dw, db, work })) {
        const guard = Array.from(f.subarray((r.p >> 2) + r.floats, (r.p >> 2) + r.floats + GUARD));
        expect(guard.every((val) => val === MARK), `${name}: written past its ${r.floats} floats`).toBe(true);
      }
      // And they computed something: the outputs are finite and not all zero.
      for (const r of [out, dx, dw]) {
        const vals = Array.from(f.subarray(r.p >> 2, (r.p >> 2) + r.floats));
        expect(vals.every(Number.isFinite) && vals.some((val) => val !== 0)).toBe(true);
      }
    });
  });
});
