/**
 * Naming the likely mistake: a wrong output is compared with "known wrong" variants of the right
 * answer (the gradient transposed, not summed over the batch, N times too large or too small, with
 * the sign flipped, ...). If one matches, the feedback says which mistake it is and how to fix it.
 */
import { Tensor, shapeStr } from "../src/tensor.js";
import { closeTo } from "./compare.js";
import { elementRelError } from "../src/metrics.js";

/** A known wrong answer: what the student would have returned after making `mistake`. */
export interface Candidate {
  /** Short name, e.g. "dW transposed". */
  mistake: string;
  /** What to change, one or two sentences. */
  hint: string;
  /** The wrong answer itself (NaN where that mistake reads outside an array). */
  value: Tensor;
  /** Recognised by its shape alone (an output of the wrong size, whatever its values). */
  shapeOnly?: boolean;
}

/** Variants match more loosely than the pass threshold: an approximately equal wrong answer is still that mistake. */
export const VARIANT_TOLERANCE = 1e-5;

function scaled(t: Tensor, k: number): Tensor {
  return new Tensor(Float64Array.from(t.data, (v) => v * k), t.shape);
}

/** The 2-D transpose [B, A] of t [A, B]. */
export function transpose2d(t: Tensor): Tensor {
  const [a, b] = t.shape;
  const out = new Float64Array(t.size);
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) out[j * a + i] = t.data[i * b + j];
  return new Tensor(out, [b, a]);
}

/**
 * Mistakes that can happen to any gradient `what` with batch size `batch`: sign flipped, a missing
 * or an extra 1/N, transposed (2-D only), all zeros.
 */
export function genericCandidates(what: string, expected: Tensor, batch: number): Candidate[] {
  const out: Candidate[] = [
    { mistake: `${what} has the wrong sign`, hint: `Every element of ${what} is the negative of the right value: check the sign of your formula (a + that should be a −, or dout − x swapped).`, value: scaled(expected, -1) },
  ];
  if (batch > 1) {
    out.push(
      { mistake: `a missing 1/N in ${what}`, hint: `${what} is exactly N = ${batch} times too large: divide by the batch size N (the loss is the mean over the batch).`, value: scaled(expected, batch) },
      { mistake: `an extra 1/N in ${what}`, hint: `${what} is exactly N = ${batch} times too small: you divide by the batch size once too often (only the loss divides by N; the layers' backward passes do not).`, value: scaled(expected, 1 / batch) },
    );
  }
  if (expected.ndim === 2 && expected.shape[0] !== expected.shape[1]) {
    out.push({ mistake: `${what} transposed`, hint: `${what} has shape ${shapeStr([expected.shape[1], expected.shape[0]])} and is the transpose of the right answer: it must have shape ${shapeStr(expected.shape)}.`, value: transpose2d(expected) });
    out.push({ mistake: `${what} transposed`, hint: `${what} has the right shape ${shapeStr(expected.shape)} but holds the transpose's values in row-major order: element [i, j] is at data[i * ${expected.shape[1]} + j] (you wrote it at [j * ${expected.shape[0]} + i]).`, value: new Tensor(transpose2d(expected).data, expected.shape) });
  } else if (expected.ndim === 2) {
    const t = transpose2d(expected);
    if (!closeTo(t, expected, VARIANT_TOLERANCE)) {
      out.push({ mistake: `${what} transposed`, hint: `${what} is the transpose of the right answer (the shapes agree only because the matrix is square): swap the roles of rows and columns.`, value: t });
    }
  }
  if (expected.data.some((v) => v !== 0)) {
    out.push({ mistake: `${what} is all zeros`, hint: `${what} is all zeros: the result is never written (or a different tensor is filled than the one returned).`, value: new Tensor(new Float64Array(expected.size), expected.shape) });
  }
  return out;
}

/**
 * Outputs of the wrong size [any shape]: `expected`'s shape with each of the last two sizes one too
 * small or too large (the output-size formula without its + 1, or with one too many), by shape alone.
 */
export function offByOneCandidates(what: string, expected: Tensor, formula: string): Candidate[] {
  const out: Candidate[] = [];
  const n = expected.ndim;
  for (const dh of [-1, 0, 1]) {
    for (const dw of [-1, 0, 1]) {
      const shape = [...expected.shape.slice(0, n - 2), expected.shape[n - 2] + dh, expected.shape[n - 1] + dw];
      if ((dh === 0 && dw === 0) || shape.some((d) => d < 1)) continue;
      const hint = `${what} has shape ${shapeStr(shape)}, expected ${shapeStr(expected.shape)}: the output size is off by one; ${formula}.`;
      out.push({ mistake: `output size off by one in ${what}`, hint, value: new Tensor(new Float64Array(shape.reduce((a, b) => a * b, 1)), shape), shapeOnly: true });
    }
  }
  return out;
}

/** True when `actual` is the wrong answer `c`: its shape (shapeOnly), or its values to VARIANT_TOLERANCE with NaN where c has NaN. */
function matches(c: Candidate, actual: Tensor): boolean {
  const v = c.value;
  if (v.ndim !== actual.ndim || v.shape.some((d, i) => d !== actual.shape[i])) return false;
  if (c.shapeOnly) return true;
  if (!v.data.some(Number.isNaN)) return closeTo(v, actual, VARIANT_TOLERANCE);
  return v.data.every((x, i) => (Number.isNaN(x) ? Number.isNaN(actual.data[i]) : elementRelError(x, actual.data[i]) <= VARIANT_TOLERANCE));
}

/** The first candidate that `actual` matches, if any (specific candidates should come first). */
export function diagnose(actual: Tensor, candidates: readonly Candidate[]): Candidate | undefined {
  return candidates.find((c) => matches(c, actual));
}
