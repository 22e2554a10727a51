/** Shared helpers for the layer tests: gradient checks that remember the worst error, purity checks. */
import { afterAll, expect } from "vitest";
import { numericalGradientArray } from "../../src/gradcheck.js";
import { relError } from "../../src/metrics.js";
import { randn, type Tensor } from "../../src/tensor.js";

/** The cs231n-style threshold for float64 gradient checks of the reference layers. */
export const GRAD_TOL = 1e-7;

const worst = new Map<string, number>();

/** Print the largest relative error seen per gradient when the test file ends (for reports). */
export function reportWorstErrors(layer: string): void {
  afterAll(() => {
    const rows = [...worst].map(([k, v]) => `${k}=${v.toExponential(2)}`);
    if (rows.length > 0) console.log(`${layer}: largest relative errors ${rows.join(", ")}`);
  });
}

/**
 * Compare the analytic gradient of each input with a centred-difference one, for the scalar
 * Σ forward(...)·dout. `checks` maps a name (e.g. "dx") to [input tensor, analytic gradient].
 * Asserts relError < GRAD_TOL and returns the errors.
 *
 * Step h: the centred difference errs by about h²·f‴/6 (truncation) plus ε·|f|/h (rounding of the
 * whole sum). Where the scalar is affine in each single entry (linear and conv in x, W, b; batch
 * norm in gamma, beta; ReLU and max-pool away from their kinks) the truncation term is zero, so a
 * larger h (1e-3) only removes rounding noise; small entries of the gradient are then still
 * compared elementwise without being drowned in that noise.
 */
export function expectGradients(
  forward: () => Tensor,
  dout: Tensor,
  checks: Record<string, [Tensor, Tensor]>,
  context: string,
  h = 1e-5,
): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const [name, [input, analytic]] of Object.entries(checks)) {
    expect(analytic.shape, `${name} shape (${context})`).toEqual(input.shape);
    const numeric = numericalGradientArray(forward, input, dout, h);
    const err = relError(numeric, analytic);
    worst.set(name, Math.max(worst.get(name) ?? 0, err));
    errors[name] = err;
    expect(err, `${name} relative error (${context})`).toBeLessThan(GRAD_TOL);
  }
  return errors;
}

/** Run `action` and assert that none of `inputs` changed (layer functions are pure). */
export function expectUnchanged(inputs: Tensor[], action: () => void): void {
  const before = inputs.map((t) => ({ shape: [...t.shape], data: Array.from(t.data) }));
  action();
  inputs.forEach((t, i) => {
    expect(t.shape).toEqual(before[i].shape);
    expect(Array.from(t.data)).toEqual(before[i].data);
  });
}

/** A float64 normal tensor with a seed derived from `seed` and a label (independent draws). */
export function rnd(shape: number[], seed: number, std = 1): Tensor {
  return randn(shape, { seed, std });
}

/** The values of a tensor as a plain flat array. */
export function flat(t: Tensor): number[] {
  return Array.from(t.data);
}

/** Step for inputs in which the checked scalar is affine (see expectGradients). */
export const AFFINE_H = 1e-3;

/**
 * Step for smooth nonlinear layers (sigmoid, batch norm in x): balances truncation, h²·f‴/6, whose
 * relative size does not depend on the entry, against rounding, ε·|f|/h, which does.
 */
export const SMOOTH_H = 1e-4;
