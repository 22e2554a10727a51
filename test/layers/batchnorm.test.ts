import { describe, expect, it } from "vitest";
import { batchNormBackward, batchNormForward } from "../../src/layers/batchnorm.js";
import { relError } from "../../src/metrics.js";
import { Rng } from "../../src/random.js";
import { Tensor, tensor, zeros } from "../../src/tensor.js";
import { AFFINE_H, SMOOTH_H, expectGradients, expectUnchanged, flat, reportWorstErrors, rnd } from "./helpers.js";

reportWorstErrors("batchnorm");

const S2 = Math.SQRT2;

/** Features with their own offsets and scales, as real activations have. */
function features(N: number, D: number, seed: number): Tensor {
  const x = rnd([N, D], seed);
  for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) x.data[n * D + d] = 3 * d - 2 + (1 + d) * x.data[n * D + d];
  return x;
}

/**
 * The train-mode backward pass taken step by step through the computational graph
 * μ → x − μ → σ² → 1/√(σ² + eps) → x̂ → out, as an independent check of the compact formula.
 */
function stagedBackward(x: Tensor, gamma: Tensor, dout: Tensor, eps: number): number[] {
  const [N, D] = x.shape;
  const dx = new Array<number>(N * D).fill(0);
  for (let d = 0; d < D; d++) {
    const col = (t: Tensor) => Array.from({ length: N }, (_, n) => t.data[n * D + d]);
    const xs = col(x), g = col(dout);
    const mu = xs.reduce((a, b) => a + b, 0) / N;
    const xc = xs.map((v) => v - mu);
    const v = xc.reduce((a, b) => a + b * b, 0) / N;
    const inv = 1 / Math.sqrt(v + eps);
    const dxhat = g.map((gi) => gi * gamma.data[d]);
    const dinv = dxhat.reduce((a, dh, n) => a + dh * xc[n], 0);
    const dv = dinv * -0.5 * (v + eps) ** -1.5;
    const dxc = dxhat.map((dh, n) => dh * inv + dv * (2 / N) * xc[n]);
    const dmu = -dxc.reduce((a, b) => a + b, 0);
    for (let n = 0; n < N; n++) dx[n * D + d] = dxc[n] + dmu / N;
  }
  return dx;
}

describe("batchNormForward", () => {
  // column 0: [0, 0, 2, 2] has mean 1, variance 1; column 1: [1, 3, 3, 5] has mean 3, variance 2
  const x = tensor([[0, 1], [0, 3], [2, 3], [2, 5]]);
  const gamma = tensor([2, 0.5]);
  const beta = tensor([1, -1]);

  it("train mode: normalises with the batch mean and biased variance (hand-computed)", () => {
    const [out, cache] = batchNormForward(x, gamma, beta, { mode: "train", eps: 0 });
    const want = [-1, -1 - S2 / 2, -1, -1, 3, -1, 3, -1 + S2 / 2];
    flat(out).forEach((v, i) => expect(v).toBeCloseTo(want[i], 14));
    expect(flat(cache.mean)).toEqual([1, 3]);
    expect(flat(cache.variance)).toEqual([1, 2]);
    flat(cache.xhat).forEach((v, i) => expect(v).toBeCloseTo([-1, -S2, -1, 0, 1, 0, 1, S2][i], 14));
  });

  it("train mode: running = momentum·running + (1 − momentum)·batch, returned as new tensors", () => {
    // defaults: running mean 0, running variance 1, momentum 0.9
    const [, c1] = batchNormForward(x, gamma, beta, { mode: "train" });
    expect(flat(c1.runningMean)[0]).toBeCloseTo(0.1, 15);
    expect(flat(c1.runningMean)[1]).toBeCloseTo(0.3, 15);
    expect(flat(c1.runningVar)[0]).toBeCloseTo(1.0, 15);
    expect(flat(c1.runningVar)[1]).toBeCloseTo(1.1, 15);
    const runningMean = tensor([10, 20]), runningVar = tensor([5, 6]);
    const [, c2] = batchNormForward(x, gamma, beta, { mode: "train", momentum: 0.5, runningMean, runningVar });
    expect(flat(c2.runningMean)).toEqual([5.5, 11.5]);
    expect(flat(c2.runningVar)).toEqual([3, 4]);
    expect(flat(runningMean)).toEqual([10, 20]);
    expect(flat(runningVar)).toEqual([5, 6]);
    expect(c2.runningMean).not.toBe(runningMean);
  });

  it("running statistics approach the data's statistics over many train steps", () => {
    let runningMean: Tensor | undefined, runningVar: Tensor | undefined;
    for (let step = 0; step < 200; step++) {
      const [, c] = batchNormForward(x, gamma, beta, { mode: "train", runningMean, runningVar });
      ({ runningMean, runningVar } = c);
    }
    expect(relError(runningMean!, [1, 3])).toBeLessThan(1e-8);
    expect(relError(runningVar!, [1, 2])).toBeLessThan(1e-8);
  });

  it("test mode: uses the running statistics (hand-computed), defaults zeros and ones", () => {
    const opts = { mode: "test" as const, eps: 0, runningMean: tensor([1, 3]), runningVar: tensor([4, 0.25]) };
    const [out, cache] = batchNormForward(tensor([[3, 3.5], [1, 2]]), gamma, beta, opts);
    // x̂ = [(3 − 1)/2, (3.5 − 3)/0.5] = [1, 1] and [0, −2]
    expect(out.toArray()).toEqual([[3, -0.5], [1, -2]]);
    expect(flat(cache.runningMean)).toEqual([1, 3]);
    expect(flat(cache.runningVar)).toEqual([4, 0.25]);
    const [o2] = batchNormForward(tensor([[2, -4]]), gamma, beta, { mode: "test" });
    expect(relError(o2, [2 * 2 / Math.sqrt(1 + 1e-5) + 1, 0.5 * -4 / Math.sqrt(1 + 1e-5) - 1])).toBeLessThan(1e-15);
  });

  it("a batch of one in train mode gives beta and a zero gradient", () => {
    const [out, cache] = batchNormForward(tensor([[7, -3]]), gamma, beta, { mode: "train" });
    expect(flat(out)).toEqual([1, -1]);
    const { dx, dbeta } = batchNormBackward(tensor([[1, 2]]), cache);
    expect(flat(dx)).toEqual([0, 0]);
    expect(flat(dbeta)).toEqual([1, 2]);
  });
});

describe("batchNormBackward", () => {
  it("train mode: the compact formula equals the step-by-step graph backward", () => {
    const x = features(5, 3, 1), gamma = rnd([3], 2), beta = rnd([3], 3), dout = rnd([5, 3], 4);
    const [, cache] = batchNormForward(x, gamma, beta, { mode: "train", eps: 1e-5 });
    const { dx } = batchNormBackward(dout, cache);
    expect(relError(dx, stagedBackward(x, gamma, dout, 1e-5))).toBeLessThan(1e-10);
  });

  it("passes float64 gradient checks in train mode on many random shapes", () => {
    const rng = new Rng(31);
    const shapes = [[3, 1], [4, 5], [10, 2], [3, 7]];
    while (shapes.length < 16) shapes.push([3 + rng.int(8), 1 + rng.int(6)]);
    shapes.forEach(([N, D], t) => {
      const x = features(N, D, 1400 + t), gamma = rnd([D], 1500 + t), beta = rnd([D], 1600 + t);
      const dout = rnd([N, D], 1700 + t);
      const p = { mode: "train" as const };
      const [, cache] = batchNormForward(x, gamma, beta, p);
      const { dx, dgamma, dbeta } = batchNormBackward(dout, cache);
      const f = () => batchNormForward(x, gamma, beta, p)[0];
      expectGradients(f, dout, { dx: [x, dx] }, `train N=${N} D=${D}`, SMOOTH_H);
      expectGradients(f, dout, { dgamma: [gamma, dgamma], dbeta: [beta, dbeta] }, `train N=${N} D=${D}`, AFFINE_H);
    });
  });

  it("passes float64 gradient checks in test mode (an affine map), batch 1 included", () => {
    const shapes = [[1, 1], [1, 4], [2, 3], [6, 2], [5, 5]];
    shapes.forEach(([N, D], t) => {
      const x = features(N, D, 1800 + t), gamma = rnd([D], 1900 + t), beta = rnd([D], 2000 + t);
      const runningMean = rnd([D], 2100 + t);
      const runningVar = tensor(flat(rnd([D], 2200 + t)).map((v) => 0.5 + v * v));
      const p = { mode: "test" as const, runningMean, runningVar };
      const dout = rnd([N, D], 2300 + t);
      const [, cache] = batchNormForward(x, gamma, beta, p);
      const { dx, dgamma, dbeta } = batchNormBackward(dout, cache);
      const f = () => batchNormForward(x, gamma, beta, p)[0];
      expectGradients(f, dout, { dx: [x, dx], dgamma: [gamma, dgamma], dbeta: [beta, dbeta] }, `test N=${N} D=${D}`, AFFINE_H);
    });
  });
});

describe("batchNorm contracts", () => {
  it("is pure and keeps float32 (running statistics too)", () => {
    const x = features(4, 3, 1).astype("float32"), gamma = rnd([3], 2).astype("float32"), beta = rnd([3], 3).astype("float32");
    const runningMean = zeros([3], "float32"), runningVar = rnd([3], 4).astype("float32").clone();
    for (let d = 0; d < 3; d++) runningVar.data[d] = 1 + Math.abs(runningVar.data[d]);
    const dout = rnd([4, 3], 5).astype("float32");
    expectUnchanged([x, gamma, beta, runningMean, runningVar, dout], () => {
      for (const mode of ["train", "test"] as const) {
        const [out, cache] = batchNormForward(x, gamma, beta, { mode, runningMean, runningVar });
        expect([out.dtype, cache.runningMean.dtype, cache.runningVar.dtype]).toEqual(["float32", "float32", "float32"]);
        const g = batchNormBackward(dout, cache);
        expect([g.dx.dtype, g.dgamma.dtype, g.dbeta.dtype]).toEqual(["float32", "float32", "float32"]);
        const [o64] = batchNormForward(x.astype("float64"), gamma.astype("float64"), beta.astype("float64"), {
          mode, runningMean: runningMean.astype("float64"), runningVar: runningVar.astype("float64"),
        });
        expect(relError(out, o64)).toBeLessThan(1e-5);
      }
    });
  });

  it("names the function and the shapes for wrong shapes and options", () => {
    const x = rnd([2, 4], 1), g = rnd([4], 2), b = rnd([4], 3);
    expect(() => batchNormForward(x, rnd([3], 2), b, { mode: "train" })).toThrow(
      "batchNormForward: gamma has shape [3], expected [4] (x is [2, 4])",
    );
    expect(() => batchNormForward(x, g, rnd([4, 1], 3), { mode: "train" })).toThrow(
      "batchNormForward: beta has shape [4, 1], expected [4] (x is [2, 4])",
    );
    expect(() => batchNormForward(rnd([2, 4, 1], 1), g, b, { mode: "train" })).toThrow(
      "batchNormForward: x has shape [2, 4, 1], expected 2 dimensions [N, D]",
    );
    expect(() => batchNormForward(x, g, b, { mode: "test", runningVar: rnd([5], 4) })).toThrow(
      "batchNormForward: runningVar has shape [5], expected [4] (x is [2, 4])",
    );
    expect(() => batchNormForward(x, g, b, { mode: "training" as never })).toThrow(
      `batchNormForward: mode must be 'train' or 'test', got "training"`,
    );
    expect(() => batchNormForward(x, g, b, { mode: "train", momentum: 1.5 })).toThrow(
      "batchNormForward: momentum must be a number in [0, 1], got 1.5",
    );
    expect(() => batchNormForward(x, g, b, { mode: "train", eps: -1 })).toThrow("batchNormForward: eps must be a number in [0, Infinity], got -1");
    const [, cache] = batchNormForward(x, g, b, { mode: "train" });
    expect(() => batchNormBackward(rnd([4, 2], 5), cache)).toThrow(
      "batchNormBackward: dout has shape [4, 2], expected [2, 4]",
    );
  });
});
