/**
 * Gradient checking, as in cs231n's gradient_check.py: centred differences in float64 and the
 * relative error max(|x − y| / max(1e-8, |x| + |y|)).
 */
import { Tensor, allocate } from "./tensor.js";

/** Relative error between two tensors (or arrays) of the same length: max |x−y| / max(1e-8, |x|+|y|). */
export function relError(x: Tensor | ArrayLike<number>, y: Tensor | ArrayLike<number>): number {
  const a = x instanceof Tensor ? x.data : x;
  const b = y instanceof Tensor ? y.data : y;
  if (a.length !== b.length) throw new Error(`relError: lengths differ (${a.length} vs ${b.length})`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(1e-8, Math.abs(a[i]) + Math.abs(b[i]));
    if (e > worst || Number.isNaN(e)) worst = Number.isNaN(e) ? Infinity : e;
  }
  return worst;
}

/**
 * Numerical gradient of a scalar function f at x (changed in place and restored), by centred
 * differences: df/dx[i] ≈ (f(x + h·e_i) − f(x − h·e_i)) / 2h. Returns a tensor shaped like x.
 */
export function numericalGradient(f: () => number, x: Tensor, h = 1e-5): Tensor {
  const grad = new Tensor(allocate(x.size, x.dtype), x.shape);
  for (let i = 0; i < x.size; i++) {
    const old = x.data[i];
    x.data[i] = old + h;
    const plus = f();
    x.data[i] = old - h;
    const minus = f();
    x.data[i] = old;
    grad.data[i] = (plus - minus) / (2 * h);
  }
  return grad;
}

/**
 * Numerical gradient of an array-valued function f at x given the upstream gradient dout:
 * d(sum(f(x) · dout))/dx by centred differences. x is changed in place and restored.
 */
export function numericalGradientArray(f: () => Tensor, x: Tensor, dout: Tensor, h = 1e-5): Tensor {
  return numericalGradient(() => {
    const out = f();
    if (out.size !== dout.size) {
      throw new Error(`numericalGradientArray: f returned ${out.shapeString()} but dout is ${dout.shapeString()}`);
    }
    let s = 0;
    for (let j = 0; j < out.size; j++) s += out.data[j] * dout.data[j];
    return s;
  }, x, h);
}
