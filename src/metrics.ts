/**
 * The library's error measures, each defined once, each with its own name:
 *
 *   elementRelError(x, y)  cs231n's |x − y| / max(1e-8, |x| + |y|) for one pair (NaN → Infinity)
 *   relError(a, b)         its maximum over the elements: gradient checks, the grader's threshold
 *   scaledMaxError(a, b)   max |a − b| / (max |b| + 1e-6): float32 results against a reference, where
 *                          rounding makes tiny entries' relative errors meaningless
 *   firstNonFinite(values) where the first NaN or ±Infinity is
 */
import { Tensor } from "./tensor.js";

type Values = Tensor | ArrayLike<number>;

const valuesOf = (v: Values): ArrayLike<number> => (v instanceof Tensor ? v.data : v);

/** Relative error of one pair, as in cs231n: |x − y| / max(1e-8, |x| + |y|); 0 when equal, Infinity when either is NaN. */
export function elementRelError(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return Infinity;
  if (x === y) return 0;
  const e = Math.abs(x - y) / Math.max(1e-8, Math.abs(x) + Math.abs(y));
  return Number.isNaN(e) ? Infinity : e;
}

/** Relative error between two tensors (or arrays) of the same length: the largest elementRelError. */
export function relError(x: Values, y: Values): number {
  const a = valuesOf(x);
  const b = valuesOf(y);
  if (a.length !== b.length) throw new Error(`relError: lengths differ (${a.length} vs ${b.length})`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, elementRelError(a[i], b[i]));
  return worst;
}

/** max |a − b| / (max |b| + 1e-6) for tensors of one shape (an Error names both shapes otherwise). */
export function scaledMaxError(a: Tensor, b: Tensor): number {
  if (a.shape.join() !== b.shape.join()) throw new Error(`scaledMaxError: shapes differ: ${a.shapeString()} vs ${b.shapeString()}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.size; i++) {
    diff = Math.max(diff, Math.abs(a.data[i] - b.data[i]));
    scale = Math.max(scale, Math.abs(b.data[i]));
  }
  return diff / (scale + 1e-6);
}

/** Index of the first NaN or ±Infinity in `values`, or −1 when all are finite. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) return i; // v − v is NaN exactly for NaN and ±∞
  }
  return -1;
}
