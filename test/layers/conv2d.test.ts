import { describe, expect, it } from "vitest";
import { conv2dBackward, conv2dForward, convOutputSize } from "../../src/layers/conv2d.js";
import { linearForward } from "../../src/layers/linear.js";
import { relError } from "../../src/metrics.js";
import { Rng } from "../../src/random.js";
import { Tensor, tensor, zeros } from "../../src/tensor.js";
import { AFFINE_H, expectGradients, expectUnchanged, reportWorstErrors, rnd } from "./helpers.js";

reportWorstErrors("conv2d");

const x3 = tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]); // 1×1×3×3
const w2 = tensor([[[[1, 2], [3, 4]]]]); // 1×1×2×2

/**
 * An independent reference: copy x into an explicitly zero-padded array, lay every window out as
 * a row (im2col), and multiply by the filters with linearForward.
 */
function convByMatrix(x: Tensor, w: Tensor, b: Tensor, stride: number, pad: number): Tensor {
  const [N, C, H, W] = x.shape;
  const [F, , KH, KW] = w.shape;
  const Hp = H + 2 * pad, Wp = W + 2 * pad;
  const xp = zeros([N, C, Hp, Wp]);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let y = 0; y < H; y++)
        for (let z = 0; z < W; z++) xp.data[((n * C + c) * Hp + y + pad) * Wp + z + pad] = x.data[((n * C + c) * H + y) * W + z];
  const Ho = (Hp - KH) / stride + 1, Wo = (Wp - KW) / stride + 1;
  const K = C * KH * KW;
  const cols = zeros([N * Ho * Wo, K]);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++)
        for (let c = 0; c < C; c++)
          for (let ky = 0; ky < KH; ky++)
            for (let kx = 0; kx < KW; kx++)
              cols.data[((n * Ho + i) * Wo + j) * K + (c * KH + ky) * KW + kx] =
                xp.data[((n * C + c) * Hp + i * stride + ky) * Wp + j * stride + kx];
  const wT = zeros([K, F]);
  for (let f = 0; f < F; f++) for (let k = 0; k < K; k++) wT.data[k * F + f] = w.data[f * K + k];
  const [rows] = linearForward(cols, wT, b); // [N·Ho·Wo, F]
  const out = zeros([N, F, Ho, Wo]);
  for (let n = 0; n < N; n++)
    for (let p = 0; p < Ho * Wo; p++) for (let f = 0; f < F; f++) out.data[(n * F + f) * Ho * Wo + p] = rows.data[(n * Ho * Wo + p) * F + f];
  return out;
}

/** Random valid conv configurations: batch 1 and 2, stride 1 and 2, pad 0/1/2, non-square images and kernels. */
function randomConfigs(count: number, seed: number) {
  const rng = new Rng(seed);
  const configs: { N: number; C: number; H: number; W: number; F: number; KH: number; KW: number; stride: number; pad: number }[] = [];
  while (configs.length < count) {
    const stride = 1 + rng.int(2), pad = rng.int(3);
    const KH = 1 + rng.int(3), KW = 1 + rng.int(3);
    // choose the output size, then the input size that makes it come out exactly
    const Ho = 1 + rng.int(3), Wo = 1 + rng.int(4);
    const H = (Ho - 1) * stride + KH - 2 * pad, W = (Wo - 1) * stride + KW - 2 * pad;
    if (H < 1 || W < 1) continue;
    configs.push({ N: 1 + rng.int(2), C: 1 + rng.int(3), H, W, F: 1 + rng.int(3), KH, KW, stride, pad });
  }
  return configs;
}

describe("convOutputSize", () => {
  it("gives the slide's numbers", () => {
    expect(convOutputSize(32, 5, 1, 2)).toBe(32); // 3×32×32, 10 filters 5×5, stride 1, pad 2
    expect(convOutputSize(7, 3, 2, 0)).toBe(3); // 7×7 input, 3×3 filter, stride 2
    expect(convOutputSize(7, 3, 1, 0)).toBe(5);
    expect(convOutputSize(224, 2, 2, 0)).toBe(112); // 2×2 max-pool, stride 2
  });

  it("rejects sizes that do not tile, kernels that do not fit, and bad stride/pad", () => {
    expect(() => convOutputSize(7, 3, 3, 0)).toThrow(/convOutputSize: .*= 2\.333 is not an integer/);
    expect(() => convOutputSize(3, 5, 1, 0)).toThrow("convOutputSize: kernel size 5 is larger than the input size 3; use a smaller kernel or more padding");
    expect(() => convOutputSize(2, 5, 1, 1)).toThrow("convOutputSize: kernel size 5 is larger than the padded input size 4 (2 + 2·1)");
    expect(convOutputSize(3, 5, 1, 1)).toBe(1);
    expect(() => convOutputSize(7, 3, 0, 0)).toThrow("convOutputSize: stride must be an integer >= 1, got 0");
    expect(() => convOutputSize(7, 3, 1, -1)).toThrow("convOutputSize: pad must be an integer >= 0, got -1");
    expect(() => convOutputSize(7, 3, 1.5, 0)).toThrow("stride must be an integer >= 1, got 1.5");
  });
});

describe("conv2dForward", () => {
  it("2×2 kernel on a 3×3 image, stride 1, no padding (hand-computed)", () => {
    const [out] = conv2dForward(x3, w2, tensor([0.5]), { stride: 1, pad: 0 });
    expect(out.shape).toEqual([1, 1, 2, 2]);
    // e.g. top-left: 1·1 + 2·2 + 3·4 + 4·5 = 37
    expect(out.toArray()).toEqual([[[[37.5, 47.5], [67.5, 77.5]]]]);
  });

  it("2×2 kernel on a 3×3 image, stride 1, pad 1 (hand-computed)", () => {
    const [out] = conv2dForward(x3, w2, tensor([0]), { stride: 1, pad: 1 });
    expect(out.toArray()).toEqual([[[
      [4, 11, 18, 9],
      [18, 37, 47, 21],
      [36, 67, 77, 33],
      [14, 23, 26, 9],
    ]]]);
  });

  it("3×3 kernel on a 3×3 image, stride 2, pad 1 (hand-computed)", () => {
    const lap = tensor([[[[0, 1, 0], [1, -4, 1], [0, 1, 0]]]]);
    const [out] = conv2dForward(x3, lap, tensor([0]), { stride: 2, pad: 1 });
    // windows centred on x[0,0], x[0,2], x[2,0], x[2,2]
    expect(out.toArray()).toEqual([[[[2, -4], [-16, -22]]]]);
  });

  it("non-square 2×3 kernel on a 3×4 image and 2×2 stride 2 on a 4×4 image (hand-computed)", () => {
    const x = tensor([[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]]]);
    const [out] = conv2dForward(x, tensor([[[[1, 1, 1], [1, 1, 1]]]]), tensor([0]), { stride: 1, pad: 0 });
    expect(out.toArray()).toEqual([[[[24, 30], [48, 54]]]]);
    const x4 = tensor([[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]]]);
    const [o2] = conv2dForward(x4, tensor([[[[1, 0], [0, 1]]]]), tensor([1]), { stride: 2, pad: 0 });
    expect(o2.toArray()).toEqual([[[[1 + 6 + 1, 3 + 8 + 1], [9 + 14 + 1, 11 + 16 + 1]]]]);
  });

  it("sums over input channels and keeps filters apart (hand-computed)", () => {
    const x = tensor([[[[1, 2], [3, 4]], [[10, 20], [30, 40]]]]); // 1×2×2×2
    const w = tensor([[[[1]], [[0.5]]], [[[-1]], [[0]]]]); // 2×2×1×1
    const [out] = conv2dForward(x, w, tensor([0, 1]), { stride: 1, pad: 0 });
    expect(out.toArray()).toEqual([[[[6, 12], [18, 24]], [[0, -1], [-2, -3]]]]);
  });

  it("slide: 3×32×32 input, 10 filters 5×5, stride 1, pad 2 → 10×32×32, 760 parameters, 768,000 multiply-adds", () => {
    const w = rnd([10, 3, 5, 5], 2), b = rnd([10], 3);
    const [out] = conv2dForward(rnd([1, 3, 32, 32], 1), w, b, { stride: 1, pad: 2 });
    expect(out.shape).toEqual([1, 10, 32, 32]);
    expect(w.size + b.size).toBe(760);
    const [, F, Ho, Wo] = out.shape;
    const [, C, KH, KW] = w.shape;
    expect(F * Ho * Wo * C * KH * KW).toBe(768_000);
  });

  it("slide: 7×7 input, 3×3 filter, stride 2 → 3×3", () => {
    const [out] = conv2dForward(rnd([1, 1, 7, 7], 1), rnd([1, 1, 3, 3], 2), rnd([1], 3), { stride: 2, pad: 0 });
    expect(out.shape).toEqual([1, 1, 3, 3]);
  });

  it("matches an independent pad + im2col + matrix-product reference on random shapes", () => {
    randomConfigs(25, 7).forEach((c, t) => {
      const x = rnd([c.N, c.C, c.H, c.W], 500 + t), w = rnd([c.F, c.C, c.KH, c.KW], 600 + t), b = rnd([c.F], 700 + t);
      const [out] = conv2dForward(x, w, b, { stride: c.stride, pad: c.pad });
      const ref = convByMatrix(x, w, b, c.stride, c.pad);
      expect(out.shape).toEqual(ref.shape);
      expect(relError(out, ref), JSON.stringify(c)).toBeLessThan(1e-12);
    });
  });
});

describe("conv2dBackward", () => {
  it("passes float64 gradient checks for dx, dw, db on many random shapes", () => {
    const configs = randomConfigs(30, 3);
    // make sure the required corners are among them
    configs.push(
      { N: 1, C: 1, H: 3, W: 3, F: 1, KH: 2, KW: 2, stride: 1, pad: 1 },
      { N: 1, C: 2, H: 7, W: 7, F: 2, KH: 3, KW: 3, stride: 2, pad: 0 },
      { N: 2, C: 3, H: 5, W: 6, F: 2, KH: 3, KW: 2, stride: 1, pad: 2 },
      { N: 1, C: 1, H: 4, W: 9, F: 3, KH: 2, KW: 3, stride: 2, pad: 1 },
      { N: 2, C: 2, H: 7, W: 5, F: 1, KH: 1, KW: 1, stride: 2, pad: 0 },
    );
    const seen = { stride2: 0, pad: new Set<number>(), batch1: 0, nonSquare: 0 };
    configs.forEach((c, t) => {
      seen.stride2 += c.stride === 2 ? 1 : 0;
      seen.pad.add(c.pad);
      seen.batch1 += c.N === 1 ? 1 : 0;
      seen.nonSquare += c.H !== c.W && c.KH !== c.KW ? 1 : 0;
      const p = { stride: c.stride, pad: c.pad };
      const x = rnd([c.N, c.C, c.H, c.W], 800 + t), w = rnd([c.F, c.C, c.KH, c.KW], 900 + t), b = rnd([c.F], 1000 + t);
      const [out, cache] = conv2dForward(x, w, b, p);
      const dout = rnd(out.shape, 1100 + t);
      const { dx, dw, db } = conv2dBackward(dout, cache);
      const f = () => conv2dForward(x, w, b, p)[0];
      expectGradients(f, dout, { dx: [x, dx], dw: [w, dw], db: [b, db] }, JSON.stringify(c), AFFINE_H);
    });
    expect(seen.stride2).toBeGreaterThan(5);
    expect([...seen.pad].sort()).toEqual([0, 1, 2]);
    expect(seen.batch1).toBeGreaterThan(5);
    expect(seen.nonSquare).toBeGreaterThan(3);
  });

  it("computes a hand-checked gradient: stride 2 skips a row, which gets no gradient", () => {
    // 1×1×3×4 image, 1×2 kernel, stride 2 → windows [x0 x1], [x2 x3] on rows 0 and 2
    const x = tensor([[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]]]);
    const w = tensor([[[[10, 20]]]]);
    const [out, cache] = conv2dForward(x, w, tensor([0]), { stride: 2, pad: 0 });
    expect(out.toArray()).toEqual([[[[50, 110], [290, 350]]]]);
    const { dx, dw, db } = conv2dBackward(tensor([[[[1, 2], [3, 4]]]]), cache);
    expect(dx.toArray()).toEqual([[[[10, 20, 20, 40], [0, 0, 0, 0], [30, 60, 40, 80]]]]);
    // dw[kx] = Σ dout · the input under kernel column kx
    expect(dw.toArray()).toEqual([[[[1 * 1 + 2 * 3 + 3 * 9 + 4 * 11, 1 * 2 + 2 * 4 + 3 * 10 + 4 * 12]]]]);
    expect(db.toArray()).toEqual([10]);
  });
});

describe("conv2d contracts", () => {
  it("is pure and keeps float32", () => {
    const x = rnd([2, 2, 5, 4], 1).astype("float32"), w = rnd([3, 2, 3, 2], 2).astype("float32");
    const b = rnd([3], 3).astype("float32");
    expectUnchanged([x, w, b], () => {
      const [out, cache] = conv2dForward(x, w, b, { stride: 1, pad: 1 });
      expect(out.dtype).toBe("float32");
      const dout = rnd(out.shape, 4).astype("float32");
      expectUnchanged([dout], () => {
        const g = conv2dBackward(dout, cache);
        expect([g.dx.dtype, g.dw.dtype, g.db.dtype]).toEqual(["float32", "float32", "float32"]);
      });
      const ref = convByMatrix(x.astype("float64"), w.astype("float64"), b.astype("float64"), 1, 1);
      expect(relError(out, ref)).toBeLessThan(1e-5);
    });
  });

  it("names the function and the shapes for wrong shapes and parameters", () => {
    const x = rnd([1, 3, 5, 5], 1), b = rnd([2], 3);
    expect(() => conv2dForward(x, rnd([2, 4, 3, 3], 2), b, { stride: 1, pad: 0 })).toThrow(
      "conv2dForward: w has shape [2, 4, 3, 3], expected [*, 3, *, *] (x is [1, 3, 5, 5])",
    );
    expect(() => conv2dForward(x, rnd([2, 3, 3, 3], 2), rnd([3], 3), { stride: 1, pad: 0 })).toThrow(
      "conv2dForward: b has shape [3], expected [2] (w is [2, 3, 3, 3])",
    );
    expect(() => conv2dForward(rnd([3, 5, 5], 1), rnd([2, 3, 3, 3], 2), b, { stride: 1, pad: 0 })).toThrow(
      "conv2dForward: x has shape [3, 5, 5], expected 4 dimensions [N, C, H, W]",
    );
    const w = rnd([2, 3, 3, 3], 2);
    expect(() => conv2dForward(x, w, b, { stride: 0, pad: 0 })).toThrow("conv2dForward: stride must be an integer >= 1, got 0");
    expect(() => conv2dForward(x, w, b, { stride: 1, pad: -1 })).toThrow("conv2dForward: pad must be an integer >= 0, got -1");
    expect(() => conv2dForward(x, w, b, { stride: 3, pad: 0 })).toThrow(
      "conv2dForward: along height, (in 5 − kernel 3 + 2·pad 0) / stride 3 + 1 = 1.667 is not an integer",
    );
    expect(() => conv2dForward(rnd([1, 3, 2, 5], 1), w, b, { stride: 1, pad: 0 })).toThrow(
      "conv2dForward: kernel height 3 is larger than the input height 2",
    );
    expect(() => conv2dForward(x3, w2, tensor([0]), { stride: 2, pad: 1 })).toThrow(/conv2dForward: along height.*not an integer/);
    const [, cache] = conv2dForward(x, w, b, { stride: 1, pad: 1 });
    expect(() => conv2dBackward(rnd([1, 2, 3, 3], 4), cache)).toThrow(
      "conv2dBackward: dout has shape [1, 2, 3, 3], expected [1, 2, 5, 5]",
    );
  });
});
