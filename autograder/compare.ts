/**
 * Comparing a student's output with the expected one, and saying what is wrong in words:
 * which output, expected vs actual shape, the relative error (cs231n's
 * max |x − y| / max(1e-8, |x| + |y|)) against the stated threshold, and the first wrong element
 * with its index and both values. Used by the hidden tests and by the public tests.
 */
import { elementRelError, firstNonFinite, relError } from "../src/metrics.js";
import { Tensor, shapeStr } from "../src/tensor.js";

/** The threshold used when none is stated: float64 results must agree to 1e-7 relative error. */
export const DEFAULT_TOLERANCE = 1e-7;

/** Where a NaN comes from: most often a read past an array's end (undefined in arithmetic), else 0/0 or ∞ − ∞. */
export const NAN_CAUSES =
  "NaN most often comes from reading outside an array (an index past its end gives undefined, and undefined in arithmetic gives NaN: " +
  "check each index against its shape, e.g. H and W swapped, or a stride or size missing from an index); otherwise from 0/0 or Infinity − Infinity (an overflowing exp).";
/** Where an infinity comes from. */
export const INFINITY_CAUSES = "look for a division by zero or an overflowing exp.";

/** Why an output does not match (undefined when it does). */
export interface Mismatch {
  /** One or two sentences for the feedback. */
  message: string;
  /** Relative error when the shapes agree (Infinity for NaN/Infinity), else undefined. */
  relError?: number;
}

/** Multi-index of flat position `k` in `shape`, e.g. [1, 0, 2]. */
export function unravel(k: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = k % shape[d];
    k = Math.floor(k / shape[d]);
  }
  return idx;
}

/** A number printed for feedback: enough digits to see a difference, never "1.0000000000000002". */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e-4 && a < 1e6 ? String(Number(x.toPrecision(8))) : x.toExponential(6);
}

/** Relative error in scientific notation, e.g. "3.1e-2". */
export function fmtErr(e: number): string {
  return Number.isFinite(e) ? e.toExponential(1) : "Infinity (NaN or Infinity in the result)";
}

/**
 * Compare `actual` with `expected` for the output called `what` (e.g. "dW").
 * Shape first, then finiteness, then relative error against `tol`.
 */
export function compareTensor(what: string, expected: Tensor, actual: Tensor, tol = DEFAULT_TOLERANCE): Mismatch | undefined {
  if (actual.shape.length !== expected.shape.length || actual.shape.some((d, i) => d !== expected.shape[i])) {
    return { message: `${what} has shape ${shapeStr(actual.shape)}, expected ${shapeStr(expected.shape)}.` };
  }
  const bad = firstNonFinite(actual.data);
  if (bad >= 0) {
    const value = actual.data[bad];
    return {
      relError: Infinity,
      message: `${what} contains ${value} at ${what}[${unravel(bad, actual.shape).join(", ")}] (expected ${fmt(expected.data[bad])}); ${Number.isNaN(value) ? NAN_CAUSES : INFINITY_CAUSES}`,
    };
  }
  const err = relError(expected.data, actual.data);
  if (err <= tol) return undefined;
  let first = 0;
  while (first < actual.data.length && elementRelError(expected.data[first], actual.data[first]) <= tol) first++;
  return {
    relError: err,
    message:
      `${what} has the right shape ${shapeStr(expected.shape)} but relative error ${fmtErr(err)} > ${tol.toExponential(0)}; ` +
      `first wrong element ${what}[${unravel(first, expected.shape).join(", ")}]: expected ${fmt(expected.data[first])}, ` +
      `got ${fmt(actual.data[first])}.`,
  };
}

/** True when `a` and `b` have the same shape and agree to `tol` (used to test mistake variants). */
export function closeTo(a: Tensor, b: Tensor, tol: number): boolean {
  return a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]) && relError(a.data, b.data) <= tol;
}
