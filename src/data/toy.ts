/**
 * Small seeded toy data sets for the notebooks: 2-D classification problems (x [N, 2], integer
 * labels y [N]) and 1-D functions for universal approximation (x [N, 1], y [N, 1]).
 * Same seed → same points on every machine (default seed 0). Two-class sets give labels both as
 * 0/1 (`y`, for softmax / cross-entropy) and as −1/+1 (`ySign`, for the perceptron rule).
 */
import { Rng } from "../random.js";
import { Tensor, allocate, type DType } from "../tensor.js";

export interface ToyOptions {
  /** Seed of the generator (default 0). */
  seed?: number;
  /** dtype of x (default 'float64'). */
  dtype?: DType;
}

/** A 2-D classification set: x [N, 2] points, y [N] class indices 0..k−1. */
export interface Toy2d {
  x: Tensor;
  y: Int32Array;
}

/** A two-class set: y [N] in {0, 1} and the same labels as ySign [N] in {−1, +1} (ySign = 2y − 1). */
export interface TwoClass2d extends Toy2d {
  ySign: Int32Array;
}

/** x [N, 2] from interleaved coordinates [x0, y0, x1, y1, …]. */
function points(xy: Float64Array, dtype: DType = "float64"): Tensor {
  const data = allocate(xy.length, dtype);
  data.set(xy);
  return new Tensor(data, [xy.length / 2, 2]);
}

function withSign(y: Int32Array): Int32Array {
  return y.map((v) => 2 * v - 1);
}

function checkCount(fn: string, what: string, n: number, min = 1): void {
  if (!Number.isInteger(n) || n < min) throw new Error(`${fn}: ${what} must be a whole number ≥ ${min}, got ${n}`);
}

/** Class of row i when n rows are cut into k contiguous, near-equal blocks. */
const blockOf = (i: number, n: number, k: number): number => Math.floor((i * k) / n);

/**
 * Two linearly separable classes in the square [−1, 1]².
 * The true separator passes through the origin: unit normal w (random direction from the seed),
 * bias b = 0, so plain sign(wᵀx) can fit it. Every point lies at distance ≥ margin from the line:
 * ySign[i] · (w · x[i]) ≥ margin. Classes alternate (row i has y = i mod 2), so they are balanced.
 * Returns x [n, 2], y [n] (0/1), ySign [n] (−1/+1), w [2], margin.
 */
export function linearlySeparable2d(
  n: number,
  opts: ToyOptions & { margin?: number } = {},
): TwoClass2d & { w: [number, number]; margin: number } {
  checkCount("linearlySeparable2d", "n", n);
  const margin = opts.margin ?? 0.1;
  if (!(margin >= 0 && margin <= 0.5)) throw new Error(`linearlySeparable2d: margin must be in [0, 0.5], got ${margin}`);
  const rng = new Rng(opts.seed ?? 0);
  const angle = 2 * Math.PI * rng.uniform();
  const w: [number, number] = [Math.cos(angle), Math.sin(angle)];
  const xy = new Float64Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const want = i % 2 === 0 ? 1 : -1;
    let a: number, b: number;
    do {
      a = 2 * rng.uniform() - 1;
      b = 2 * rng.uniform() - 1;
    } while (want * (w[0] * a + w[1] * b) < margin || (margin === 0 && w[0] * a + w[1] * b === 0));
    xy[2 * i] = a;
    xy[2 * i + 1] = b;
    y[i] = want > 0 ? 1 : 0;
  }
  return { x: points(xy, opts.dtype), y, ySign: withSign(y), w, margin };
}

/**
 * k Gaussian blobs with standard deviation `std` (default 0.5) around centres on the circle of
 * radius 2 (centre c at angle 2πc/k). Rows come in k contiguous blocks: row i has class ⌊i·k/n⌋.
 * Returns x [n, 2], y [n] (0..k−1), centers [k, 2].
 */
export function blobs2d(n: number, k: number, opts: ToyOptions & { std?: number } = {}): Toy2d & { centers: Tensor } {
  checkCount("blobs2d", "n", n);
  checkCount("blobs2d", "k", k);
  const std = opts.std ?? 0.5;
  const rng = new Rng(opts.seed ?? 0);
  const c = new Float64Array(2 * k);
  for (let j = 0; j < k; j++) {
    c[2 * j] = 2 * Math.cos((2 * Math.PI * j) / k);
    c[2 * j + 1] = 2 * Math.sin((2 * Math.PI * j) / k);
  }
  const xy = new Float64Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = blockOf(i, n, k);
    y[i] = j;
    xy[2 * i] = c[2 * j] + std * rng.normal();
    xy[2 * i + 1] = c[2 * j + 1] + std * rng.normal();
  }
  return { x: points(xy, opts.dtype), y, centers: points(c, opts.dtype) };
}

/**
 * The spiral of the cs231n notes: k arms, nPerClass points each. For class j, point i:
 * r = i/(nPerClass−1), θ = 4j + 4r + noise·N(0,1), x = (r·sin θ, r·cos θ). Default noise 0.2.
 * Returns x [nPerClass·k, 2] (rows of class j contiguous), y [nPerClass·k].
 */
export function spiral2d(nPerClass: number, k: number, opts: ToyOptions & { noise?: number } = {}): Toy2d {
  checkCount("spiral2d", "nPerClass", nPerClass);
  checkCount("spiral2d", "k", k);
  const noise = opts.noise ?? 0.2;
  const rng = new Rng(opts.seed ?? 0);
  const n = nPerClass * k;
  const xy = new Float64Array(2 * n);
  const y = new Int32Array(n);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < nPerClass; i++) {
      const row = j * nPerClass + i;
      const r = nPerClass === 1 ? 0 : i / (nPerClass - 1);
      const theta = 4 * j + 4 * r + noise * rng.normal();
      xy[2 * row] = r * Math.sin(theta);
      xy[2 * row + 1] = r * Math.cos(theta);
      y[row] = j;
    }
  }
  return { x: points(xy, opts.dtype), y };
}

/**
 * XOR: four Gaussian clusters (std default 0.2) at (±1, ±1); class 1 where the centre's
 * coordinates have different signs ((1, −1) and (−1, 1)), class 0 otherwise. Not linearly
 * separable; one hidden layer solves it. Rows in four blocks: centres (1,1), (−1,−1), (1,−1), (−1,1).
 * Returns x [n, 2], y [n] (0/1), ySign [n].
 */
export function xor2d(n: number, opts: ToyOptions & { std?: number } = {}): TwoClass2d {
  checkCount("xor2d", "n", n);
  const std = opts.std ?? 0.2;
  const rng = new Rng(opts.seed ?? 0);
  const centres = [[1, 1], [-1, -1], [1, -1], [-1, 1]];
  const xy = new Float64Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = blockOf(i, n, 4);
    xy[2 * i] = centres[c][0] + std * rng.normal();
    xy[2 * i + 1] = centres[c][1] + std * rng.normal();
    y[i] = c >= 2 ? 1 : 0;
  }
  return { x: points(xy, opts.dtype), y, ySign: withSign(y) };
}

/**
 * Two overlapping Gaussian classes (std default 1) centred at (−d/2, 0) and (+d/2, 0), distance d
 * default 1: no line separates them, so the perceptron rule never stops making mistakes.
 * Classes alternate (row i has y = i mod 2). Returns x [n, 2], y [n] (0/1), ySign [n].
 */
export function notSeparable2d(n: number, opts: ToyOptions & { distance?: number; std?: number } = {}): TwoClass2d {
  checkCount("notSeparable2d", "n", n);
  const d = opts.distance ?? 1;
  const std = opts.std ?? 1;
  const rng = new Rng(opts.seed ?? 0);
  const xy = new Float64Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    xy[2 * i] = (y[i] === 1 ? d / 2 : -d / 2) + std * rng.normal();
    xy[2 * i + 1] = std * rng.normal();
  }
  return { x: points(xy, opts.dtype), y, ySign: withSign(y) };
}

/** The 1-D target functions of function1d, each with its domain. */
export const FUNCTIONS_1D: Readonly<Record<string, { f: (x: number) => number; domain: [number, number]; formula: string }>> = {
  bumpy: { f: (x) => Math.sin(3 * x) + 0.3 * x * x, domain: [-2, 2], formula: "sin(3x) + 0.3x²" },
  sine: { f: (x) => Math.sin(2 * Math.PI * x), domain: [0, 1], formula: "sin(2πx)" },
  step: { f: (x) => (x < 0 ? 0 : 1), domain: [-1, 1], formula: "0 for x < 0, 1 for x ≥ 0" },
  abs: { f: (x) => Math.abs(x), domain: [-1, 1], formula: "|x|" },
};

/** A 1-D regression set: x [N, 1], y [N, 1], the exact target and its domain. */
export interface Function1d {
  x: Tensor;
  y: Tensor;
  targetFn: (x: number) => number;
  domain: [number, number];
  formula: string;
}

/**
 * n samples of a named 1-D function ('bumpy' = sin(3x) + 0.3x² on [−2, 2], 'sine', 'step', 'abs';
 * see FUNCTIONS_1D), for universal approximation. x is an even grid over the domain (ends included)
 * or, with `random`, seeded uniform draws; `noise` adds seeded N(0, noise²) to y (default 0).
 * Returns x [n, 1], y [n, 1], targetFn (noise-free), domain, formula.
 */
export function function1d(
  name: string,
  n: number,
  opts: ToyOptions & { noise?: number; random?: boolean } = {},
): Function1d {
  const spec = Object.prototype.hasOwnProperty.call(FUNCTIONS_1D, name) ? FUNCTIONS_1D[name] : undefined;
  if (spec === undefined) {
    throw new Error(`function1d: unknown function '${name}'; choose one of ${Object.keys(FUNCTIONS_1D).join(", ")}`);
  }
  checkCount("function1d", "n", n);
  const [lo, hi] = spec.domain;
  const rng = new Rng(opts.seed ?? 0);
  const noise = opts.noise ?? 0;
  const dtype = opts.dtype ?? "float64";
  const x = allocate(n, dtype);
  const y = allocate(n, dtype);
  for (let i = 0; i < n; i++) {
    const t = opts.random ? rng.uniform() : n === 1 ? 0.5 : i / (n - 1);
    x[i] = lo + (hi - lo) * t;
  }
  for (let i = 0; i < n; i++) y[i] = spec.f(x[i]) + (noise > 0 ? noise * rng.normal() : 0);
  return { x: new Tensor(x, [n, 1]), y: new Tensor(y, [n, 1]), targetFn: spec.f, domain: [lo, hi], formula: spec.formula };
}
