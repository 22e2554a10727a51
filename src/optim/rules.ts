/**
 * The slides' update rules, each written once for one parameter x, its gradient dx and its state,
 * over any float array (float64 models, float32 ones, the engine's memory). The optimizer classes
 * (./sgd.ts … ./adam.ts) call them; so does the plain TypeScript twin of their fused kernels
 * (src/ops/update/kernels.ts).
 */
import type { TypedArray } from "../tensor.js";

/** SGD: x −= lr·dx. */
export function sgdRule(x: TypedArray, dx: TypedArray, lr: number): void {
  // BEGIN SOLUTION
  for (let k = 0; k < x.length; k++) x[k] -= lr * dx[k];
  // END SOLUTION
}

/** SGD with momentum: v = ρ·v + dx; x −= lr·v. */
export function momentumRule(x: TypedArray, dx: TypedArray, v: TypedArray, rho: number, lr: number): void {
  // BEGIN SOLUTION
  for (let k = 0; k < x.length; k++) {
    v[k] = rho * v[k] + dx[k];
    x[k] -= lr * v[k];
  }
  // END SOLUTION
}

/** AdaGrad: g2 += dx²; x −= lr·dx / (√g2 + ε). */
export function adagradRule(x: TypedArray, dx: TypedArray, g2: TypedArray, lr: number, eps: number): void {
  // BEGIN SOLUTION
  for (let k = 0; k < x.length; k++) {
    g2[k] += dx[k] * dx[k];
    x[k] -= (lr * dx[k]) / (Math.sqrt(g2[k]) + eps);
  }
  // END SOLUTION
}

/** RMSProp: g2 = decay·g2 + (1 − decay)·dx²; x −= lr·dx / (√g2 + ε). */
export function rmspropRule(x: TypedArray, dx: TypedArray, g2: TypedArray, decay: number, lr: number, eps: number): void {
  // BEGIN SOLUTION
  for (let k = 0; k < x.length; k++) {
    g2[k] = decay * g2[k] + (1 - decay) * dx[k] * dx[k];
    x[k] -= (lr * dx[k]) / (Math.sqrt(g2[k]) + eps);
  }
  // END SOLUTION
}

/**
 * Adam, with c1 = 1 − β1^t and c2 = 1 − β2^t (both 1 without bias correction):
 * m = β1·m + (1 − β1)·dx; v = β2·v + (1 − β2)·dx²; m̂ = m / c1; v̂ = v / c2; x −= lr·m̂ / (√v̂ + ε).
 */
export function adamRule(
  x: TypedArray, dx: TypedArray, m: TypedArray, v: TypedArray,
  beta1: number, beta2: number, eps: number, lr: number, c1: number, c2: number,
): void {
  // BEGIN SOLUTION
  for (let k = 0; k < x.length; k++) {
    m[k] = beta1 * m[k] + (1 - beta1) * dx[k];
    v[k] = beta2 * v[k] + (1 - beta2) * dx[k] * dx[k];
    const mHat = m[k] / c1;
    const vHat = v[k] / c2;
    x[k] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
  }
  // END SOLUTION
}
