import { describe, expect, it } from "vitest";
import {
  FUNCTIONS_1D,
  blobs2d,
  function1d,
  linearlySeparable2d,
  notSeparable2d,
  spiral2d,
  xor2d,
} from "../../src/data/toy.js";
import type { Tensor } from "../../src/tensor.js";

const pt = (x: Tensor, i: number): [number, number] => [x.data[2 * i], x.data[2 * i + 1]];

/** Signed area test: do segments p1p2 and q1q2 cross properly? */
function cross(p1: number[], p2: number[], q1: number[], q2: number[]): boolean {
  const o = (a: number[], b: number[], c: number[]) => Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
  return o(p1, p2, q1) * o(p1, p2, q2) < 0 && o(q1, q2, p1) * o(q1, q2, p2) < 0;
}

/**
 * Evidence that no line separates the classes: a segment between two class-0 points crosses a
 * segment between two class-1 points, so the convex hulls intersect.
 */
function hullsIntersect(x: Tensor, y: Int32Array, limit = 40): boolean {
  const a: number[][] = [];
  const b: number[][] = [];
  for (let i = 0; i < y.length; i++) (y[i] === 0 ? a : b).push(pt(x, i));
  const A = a.slice(0, limit);
  const B = b.slice(0, limit);
  for (let i = 0; i < A.length; i++)
    for (let j = i + 1; j < A.length; j++)
      for (let k = 0; k < B.length; k++)
        for (let l = k + 1; l < B.length; l++) if (cross(A[i], A[j], B[k], B[l])) return true;
  return false;
}

/** The perceptron rule w ← w + yᵢxᵢ on mistakes (no bias); returns total mistakes and whether it converged. */
function perceptron(x: Tensor, ySign: Int32Array, epochs: number): { mistakes: number; converged: boolean } {
  let w0 = 0;
  let w1 = 0;
  let mistakes = 0;
  for (let e = 0; e < epochs; e++) {
    let errs = 0;
    for (let i = 0; i < ySign.length; i++) {
      const [a, b] = pt(x, i);
      if (ySign[i] * (w0 * a + w1 * b) <= 0) {
        w0 += ySign[i] * a;
        w1 += ySign[i] * b;
        errs++;
      }
    }
    mistakes += errs;
    if (errs === 0) return { mistakes, converged: true };
  }
  return { mistakes, converged: false };
}

describe("toy sets", () => {
  it("are reproducible by seed and differ across seeds", () => {
    const makers = [
      (seed: number) => linearlySeparable2d(50, { seed }).x,
      (seed: number) => blobs2d(50, 3, { seed }).x,
      (seed: number) => spiral2d(20, 3, { seed }).x,
      (seed: number) => xor2d(40, { seed }).x,
      (seed: number) => notSeparable2d(40, { seed }).x,
      (seed: number) => function1d("bumpy", 30, { seed, noise: 0.1 }).y,
    ];
    for (const make of makers) {
      expect(Array.from(make(3).data)).toEqual(Array.from(make(3).data));
      expect(Array.from(make(3).data)).not.toEqual(Array.from(make(4).data));
      expect(Array.from(make(0).data)).toEqual(Array.from(make(undefined as unknown as number).data));
    }
  });

  it("linearlySeparable2d: every point at distance ≥ margin from the stated line; the perceptron converges within (R/γ)² mistakes", () => {
    for (const seed of [0, 1, 2]) {
      const margin = 0.15;
      const { x, y, ySign, w } = linearlySeparable2d(200, { seed, margin });
      expect(x.shape).toEqual([200, 2]);
      expect(Math.hypot(w[0], w[1])).toBeCloseTo(1, 12);
      let R = 0;
      for (let i = 0; i < 200; i++) {
        const [a, b] = pt(x, i);
        expect(ySign[i] * (w[0] * a + w[1] * b)).toBeGreaterThanOrEqual(margin);
        expect(ySign[i]).toBe(2 * y[i] - 1);
        expect(Math.abs(a) <= 1 && Math.abs(b) <= 1).toBe(true);
        R = Math.max(R, Math.hypot(a, b));
      }
      expect(y.reduce((s, v) => s + v, 0)).toBe(100);
      const run = perceptron(x, ySign, 1000);
      expect(run.converged).toBe(true);
      expect(run.mistakes).toBeLessThanOrEqual((R / margin) ** 2);
    }
  });

  it("blobs2d: k contiguous blocks whose means lie near the centres on the radius-2 circle", () => {
    const { x, y, centers } = blobs2d(300, 3, { std: 0.3 });
    expect(x.shape).toEqual([300, 2]);
    expect(centers.toArray()).toEqual([[2, 0], [2 * Math.cos((2 * Math.PI) / 3), 2 * Math.sin((2 * Math.PI) / 3)], [2 * Math.cos((4 * Math.PI) / 3), 2 * Math.sin((4 * Math.PI) / 3)]]);
    expect([y[0], y[99], y[100], y[199], y[200], y[299]]).toEqual([0, 0, 1, 1, 2, 2]);
    for (let c = 0; c < 3; c++) {
      let mx = 0;
      let my = 0;
      for (let i = 100 * c; i < 100 * (c + 1); i++) {
        mx += x.data[2 * i] / 100;
        my += x.data[2 * i + 1] / 100;
      }
      // Standard error of a mean of 100 draws with std 0.3 is 0.03; allow 4 of them.
      expect(Math.abs(mx - centers.data[2 * c])).toBeLessThan(0.12);
      expect(Math.abs(my - centers.data[2 * c + 1])).toBeLessThan(0.12);
    }
  });

  it("spiral2d: point i of each arm has radius i/(n−1); without noise the angle is 4j + 4r", () => {
    const { x, y } = spiral2d(50, 3);
    expect(x.shape).toEqual([150, 2]);
    for (let j = 0; j < 3; j++) {
      for (const i of [0, 1, 25, 49]) {
        const [a, b] = pt(x, 50 * j + i);
        expect(Math.hypot(a, b)).toBeCloseTo(i / 49, 12);
        expect(y[50 * j + i]).toBe(j);
      }
    }
    const clean = spiral2d(5, 2, { noise: 0 }).x;
    const [a, b] = pt(clean, 5 + 2); // arm 1, r = 0.5, θ = 4 + 2
    expect(a).toBeCloseTo(0.5 * Math.sin(6), 14);
    expect(b).toBeCloseTo(0.5 * Math.cos(6), 14);
  });

  it("xor2d and notSeparable2d are not linearly separable; the perceptron never converges on them", () => {
    const xor = xor2d(100);
    expect(xor.x.shape).toEqual([100, 2]);
    expect([xor.y[0], xor.y[30], xor.y[60], xor.y[99]]).toEqual([0, 0, 1, 1]);
    expect(hullsIntersect(xor.x, xor.y)).toBe(true);
    for (const seed of [0, 1, 2, 3, 4]) {
      const ns = notSeparable2d(100, { seed });
      expect(ns.x.shape).toEqual([100, 2]);
      expect(Array.from(ns.ySign.subarray(0, 4))).toEqual([-1, 1, -1, 1]);
      expect(hullsIntersect(ns.x, ns.y)).toBe(true);
      expect(perceptron(ns.x, ns.ySign, 200).converged).toBe(false);
    }
  });

  it("function1d: grid over the domain, y = targetFn(x), bumpy = sin(3x) + 0.3x²", () => {
    const f = function1d("bumpy", 5);
    expect(f.x.shape).toEqual([5, 1]);
    expect(f.y.shape).toEqual([5, 1]);
    expect(Array.from(f.x.data)).toEqual([-2, -1, 0, 1, 2]);
    expect(f.y.data[3]).toBeCloseTo(Math.sin(3) + 0.3, 14);
    expect(f.targetFn(2)).toBeCloseTo(Math.sin(6) + 1.2, 14);
    expect(f.domain).toEqual([-2, 2]);
    for (const name of Object.keys(FUNCTIONS_1D)) {
      const g = function1d(name, 11, { random: true, seed: 5 });
      for (let i = 0; i < 11; i++) {
        expect(g.x.data[i]).toBeGreaterThanOrEqual(g.domain[0]);
        expect(g.x.data[i]).toBeLessThanOrEqual(g.domain[1]);
        expect(g.y.data[i]).toBe(g.targetFn(g.x.data[i]));
      }
    }
    const noisy = function1d("sine", 2000, { noise: 0.1, dtype: "float32" });
    expect(noisy.y.dtype).toBe("float32");
    let sq = 0;
    for (let i = 0; i < 2000; i++) sq += (noisy.y.data[i] - noisy.targetFn(noisy.x.data[i])) ** 2;
    expect(Math.sqrt(sq / 2000)).toBeGreaterThan(0.09);
    expect(Math.sqrt(sq / 2000)).toBeLessThan(0.11);
    expect(() => function1d("cosine", 3)).toThrow(/unknown function 'cosine'; choose one of bumpy, sine, step, abs/);
  });
});
