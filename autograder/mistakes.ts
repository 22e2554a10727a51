/**
 * Naming the likely mistake: a wrong output is compared with "known wrong" variants of the right
 * answer (the gradient transposed, not summed over the batch, N times too large or too small, with
 * the sign flipped, ...). If one matches, the feedback says which mistake it is and how to fix it.
 */
import { Tensor, shapeStr } from "../src/tensor.js";
import { closeTo } from "./compare.js";

/** A known wrong answer: what the student would have returned after making `mistake`. */
export interface Candidate {
  /** Short name, e.g. "dW transposed". */
  mistake: string;
  /** What to change, one or two sentences. */
  hint: string;
  /** The wrong answer itself. */
  value: Tensor;
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

/** The first candidate that `actual` matches, if any (specific candidates should come first). */
export function diagnose(actual: Tensor, candidates: readonly Candidate[]): Candidate | undefined {
  return candidates.find((c) => closeTo(c.value, actual, VARIANT_TOLERANCE));
}
