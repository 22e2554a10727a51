/**
 * Gradient checking, as in cs231n's gradient_check.py: centred differences in float64, compared
 * with relError (./metrics.ts), max(|x − y| / max(1e-8, |x| + |y|)).
 */
import { Tensor, allocate } from "./tensor.js";

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
