/**
 * Helpers of the public tests: compare your output with the expected one and fail with a message
 * that says which output, expected vs actual shape, the relative error, the first wrong element
 * and — when the pattern is recognisable — the likely mistake.
 */
import { numericalGradient, numericalGradientArray } from "../../../src/gradcheck.js";
import { Tensor, randn } from "../../../src/tensor.js";
import { DEFAULT_TOLERANCE, compareTensor } from "../../../autograder/compare.js";
import { diagnose, genericCandidates, type Candidate } from "../../../autograder/mistakes.js";

/**
 * Threshold of the gradient checks (centred differences, h = 1e-5, float64). Looser than the
 * 1e-7 of direct comparisons: the numerical gradient itself carries rounding error of about
 * 1e-10, which is up to 1e-6 relative for an element as small as 1e-4.
 */
export const GRAD_TOLERANCE = 1e-6;

/** Seeded float64 normal tensor (the same numbers every run). */
export function rnd(shape: number[], seed: number, std = 1): Tensor {
  return randn(shape, { seed, std });
}

/**
 * Throw unless `actual` matches `expected` within `tol`; `fn`/`what` name the function and output,
 * `batch` is N (for recognising a missing or extra 1/N).
 */
export function expectClose(
  fn: string,
  what: string,
  actual: unknown,
  expected: Tensor,
  batch = 1,
  tol = DEFAULT_TOLERANCE,
  mistakes: Candidate[] = [],
): void {
  if (!(actual instanceof Tensor)) {
    throw new Error(`${fn}: ${what} is not a Tensor (got ${actual === null ? "null" : typeof actual}); expected shape [${expected.shape.join(", ")}]`);
  }
  const mismatch = compareTensor(what, expected, actual, tol);
  if (!mismatch) return;
  const mistake = diagnose(actual, [...mistakes, ...genericCandidates(what, expected, batch)]);
  throw new Error(`${fn}: ${mismatch.message}${mistake ? `\nLikely mistake — ${mistake.mistake}: ${mistake.hint}` : ""}`);
}

/**
 * Run the forward pass a backward test needs (for its cache and its numerical gradient). If that
 * forward is not written yet, say so in the backward's terms instead of failing with the forward's error.
 */
export function forwardFor<T>(backward: string, forward: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (!/is not implemented yet/.test(message)) throw e;
    throw new Error(`${backward} is checked with ${forward}'s cache and numerical gradient: implement ${forward} first (${message})`);
  }
}

/** Numerical gradient of sum(f() · dout) with respect to `x` (x is perturbed in place and restored). */
export function numericGrad(f: () => Tensor, x: Tensor, dout: Tensor): Tensor {
  return numericalGradientArray(f, x, dout);
}

/** Numerical gradient of a scalar f with respect to `x`. */
export function numericGradScalar(f: () => number, x: Tensor): Tensor {
  return numericalGradient(f, x);
}
