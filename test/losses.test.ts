import { describe, expect, it } from "vitest";
import { numericalGradient } from "../src/gradcheck.js";
import { relError } from "../src/metrics.js";
import { l2Loss, sigmoid, sigmoidCrossEntropy, softmax, softmaxCrossEntropy, svmLoss } from "../src/losses.js";
import { Rng } from "../src/random.js";
import { Tensor, rand, randn, tensor } from "../src/tensor.js";

const GRAD_TOL = 1e-7;

function allFinite(t: Tensor): boolean {
  return t.data.every((v) => Number.isFinite(v));
}

function labels(n: number, c: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => rng.int(c));
}

describe("softmax", () => {
  it("matches e^s / Σ e^s row by row and sums to 1", () => {
    const p = softmax(tensor([[1, 2, 3], [0, 0, 0]]));
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    expect(relError(p, [Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z, 1 / 3, 1 / 3, 1 / 3])).toBeLessThan(1e-14);
  });

  it("does not overflow for scores ±1000 and keeps the dtype", () => {
    const p = softmax(tensor([[1000, 1000, -1000]], undefined, "float32"));
    expect(p.dtype).toBe("float32");
    expect(Array.from(p.data)).toEqual([0.5, 0.5, 0]);
  });
});

describe("softmaxCrossEntropy", () => {
  it("[[1,2,3]] with label 2 is log(e^1+e^2+e^3) − 3", () => {
    const { loss, ds } = softmaxCrossEntropy(tensor([[1, 2, 3]]), [2]);
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    expect(loss).toBeCloseTo(Math.log(z) - 3, 14);
    expect(relError(ds, [Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z - 1])).toBeLessThan(1e-14);
  });

  it("is the mean over the batch", () => {
    const { loss } = softmaxCrossEntropy(tensor([[0, 0], [0, Math.log(3)]]), Int32Array.from([0, 1]));
    // row 0: log 2; row 1: log(1 + 3) − log 3
    expect(loss).toBeCloseTo((Math.log(2) + Math.log(4) - Math.log(3)) / 2, 14);
  });

  it("has no NaN or Infinity for scores 1000 / −1000", () => {
    const s = tensor([[1000, -1000, 0], [-1000, 1000, 999]]);
    const { loss, ds } = softmaxCrossEntropy(s, [1, 1]);
    // row 0: log-sum-exp = 1000, minus −1000 → 2000; row 1: log(1 + e^-1) ≈ 0.3133
    expect(loss).toBeCloseTo((2000 + Math.log1p(Math.exp(-1))) / 2, 10);
    expect(allFinite(ds)).toBe(true);
    expect(ds.data[0]).toBeCloseTo(0.5, 14);
  });

  it("ds passes a float64 gradient check", () => {
    for (const [n, c, seed] of [[1, 3, 1], [5, 4, 2], [8, 10, 3]]) {
      // moderate scores: a probability near 1e-8 would leave its ds below the
      // centred difference's round-off (about 1e-11), which relError would amplify
      const s = randn([n, c], { seed });
      const y = labels(n, c, seed + 100);
      const { ds } = softmaxCrossEntropy(s, y);
      const num = numericalGradient(() => softmaxCrossEntropy(s, y).loss, s);
      expect(relError(ds, num)).toBeLessThan(GRAD_TOL);
    }
  });

  it("keeps float32 for ds", () => {
    expect(softmaxCrossEntropy(tensor([[1, 2]], undefined, "float32"), [0]).ds.dtype).toBe("float32");
  });

  it("rejects bad labels and shapes with clear messages", () => {
    const s = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(() => softmaxCrossEntropy(s, [0, 3])).toThrow(/softmaxCrossEntropy: label y\[1\] = 3 .*\[0, 2\]/);
    expect(() => softmaxCrossEntropy(s, [0, 1.5])).toThrow(/label y\[1\] = 1.5 is not an integer/);
    expect(() => softmaxCrossEntropy(s, [-1, 0])).toThrow(/label y\[0\] = -1/);
    expect(() => softmaxCrossEntropy(s, [0])).toThrow(/1 labels for scores of shape \[2, 3\]/);
    expect(() => softmaxCrossEntropy(tensor([1, 2, 3]), [0])).toThrow(/scores s has shape \[3\], expected \[N, C\]/);
  });
});

describe("l2Loss", () => {
  it("is ½‖s − t‖² averaged over N, with ds = (s − t)/N", () => {
    const s = tensor([[1, 2], [3, 5]]);
    const t = tensor([[0, 0], [3, 1]]);
    const { loss, ds } = l2Loss(s, t);
    expect(loss).toBeCloseTo((0.5 * (1 + 4) + 0.5 * 16) / 2, 14);
    expect(Array.from(ds.data)).toEqual([0.5, 1, 0, 2]);
  });

  it("ds passes a float64 gradient check", () => {
    const s = randn([4, 3], { seed: 7 });
    const t = randn([4, 3], { seed: 8 });
    const num = numericalGradient(() => l2Loss(s, t).loss, s);
    expect(relError(l2Loss(s, t).ds, num)).toBeLessThan(GRAD_TOL);
  });

  it("rejects targets of another shape", () => {
    expect(() => l2Loss(tensor([[1, 2]]), tensor([[1], [2]]))).toThrow(/l2Loss: targets t have shape \[2, 1\] but scores s have shape \[1, 2\]/);
  });
});

describe("sigmoidCrossEntropy", () => {
  it("matches −t log σ(s) − (1 − t) log(1 − σ(s)) on a small case", () => {
    const s = tensor([[0.5, -2], [3, 0]]);
    const t = tensor([[1, 0], [0, 0.25]]);
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    const bce = (x: number, y: number) => -y * Math.log(sig(x)) - (1 - y) * Math.log(1 - sig(x));
    const expected = (bce(0.5, 1) + bce(-2, 0) + bce(3, 0) + bce(0, 0.25)) / 2;
    const { loss, ds } = sigmoidCrossEntropy(s, t);
    expect(loss).toBeCloseTo(expected, 13);
    expect(relError(ds, [(sig(0.5) - 1) / 2, sig(-2) / 2, sig(3) / 2, (0.5 - 0.25) / 2])).toBeLessThan(1e-14);
  });

  it("has no NaN or Infinity for scores 1000 / −1000", () => {
    const { loss, ds } = sigmoidCrossEntropy(tensor([[1000, -1000, 1000, -1000]]), tensor([[1, 0, 0, 1]]));
    // the two right answers cost ~0, the two wrong ones cost 1000 each
    expect(loss).toBeCloseTo(2000, 10);
    expect(Array.from(ds.data)).toEqual([0, 0, 1, -1]);
  });

  it("ds passes a float64 gradient check", () => {
    const s = randn([5, 3], { seed: 11, std: 2 });
    const t = rand([5, 3], { seed: 12 });
    const num = numericalGradient(() => sigmoidCrossEntropy(s, t).loss, s);
    expect(relError(sigmoidCrossEntropy(s, t).ds, num)).toBeLessThan(GRAD_TOL);
  });

  it("sigmoid helper is stable and symmetric", () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(-2)).toBeCloseTo(1 - sigmoid(2), 15);
  });
});

describe("svmLoss", () => {
  it("matches the hinge loss by hand (cs231n's cat/car/frog example)", () => {
    // scores of three images for classes (cat, car, frog); labels cat, car, frog
    const s = tensor([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]]);
    const { loss, ds } = svmLoss(s, [0, 1, 2]);
    // 2.9 + 0 + 12.9 = 15.8, mean 5.27 on the slide (rounded)
    const l0 = Math.max(0, 5.1 - 3.2 + 1) + Math.max(0, -1.7 - 3.2 + 1);
    const l1 = Math.max(0, 1.3 - 4.9 + 1) + Math.max(0, 2.0 - 4.9 + 1);
    const l2 = Math.max(0, 2.2 + 3.1 + 1) + Math.max(0, 2.5 + 3.1 + 1);
    expect(loss).toBeCloseTo((l0 + l1 + l2) / 3, 14);
    expect(loss).toBeCloseTo(15.8 / 3, 10);
    const third = 1 / 3;
    expect(relError(ds, [-third, third, 0, 0, 0, 0, third, third, -2 * third])).toBeLessThan(1e-15);
  });

  it("ds passes a float64 gradient check away from the kinks", () => {
    for (const seed of [1, 2, 3]) {
      const s = randn([6, 5], { seed, std: 2 });
      const y = labels(6, 5, seed + 50);
      // keep every margin at least 1e-3 away from 0, so h = 1e-5 never crosses a kink
      for (let i = 0; i < 6; i++) {
        for (let j = 0; j < 5; j++) {
          const margin = s.data[i * 5 + j] - s.data[i * 5 + y[i]] + 1;
          if (j !== y[i] && Math.abs(margin) < 1e-3) s.data[i * 5 + j] += 0.01;
        }
      }
      const num = numericalGradient(() => svmLoss(s, y).loss, s);
      expect(relError(svmLoss(s, y).ds, num)).toBeLessThan(GRAD_TOL);
    }
  });

  it("has no NaN or Infinity for scores 1000 / −1000", () => {
    const { loss, ds } = svmLoss(tensor([[1000, -1000]]), [1]);
    expect(loss).toBe(2001);
    expect(Array.from(ds.data)).toEqual([1, -1]);
  });

  it("rejects a label out of range", () => {
    expect(() => svmLoss(tensor([[1, 2]]), [2])).toThrow(/svmLoss: label y\[0\] = 2 is not an integer class index in \[0, 1\]/);
  });
});

describe("losses do not change their inputs", () => {
  it("s, t and y are untouched", () => {
    const s = randn([3, 4], { seed: 5 });
    const t = rand([3, 4], { seed: 6 });
    const y = [0, 3, 1];
    const s0 = Array.from(s.data);
    const t0 = Array.from(t.data);
    l2Loss(s, t);
    sigmoidCrossEntropy(s, t);
    softmaxCrossEntropy(s, y);
    svmLoss(s, y);
    expect(Array.from(s.data)).toEqual(s0);
    expect(Array.from(t.data)).toEqual(t0);
    expect(y).toEqual([0, 3, 1]);
  });
});
