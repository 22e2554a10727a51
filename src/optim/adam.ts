/**
 * Adam, exactly the slide's code:
 *   t += 1 (so t = 1 on the first step)
 *   m = β1·m + (1 − β1)·dx;  v = β2·v + (1 − β2)·dx²
 *   m̂ = m / (1 − β1^t);      v̂ = v / (1 − β2^t)
 *   x −= lr·m̂ / (√v̂ + ε)
 */
import type { TypedArray } from "../tensor.js";
import { adamRule } from "./rules.js";
import { EPS, OptimizerBase, checkNumber, type OptimizerOptions } from "./optimizer.js";

/**
 * Adam, exactly the slide's code: t counts from 1; m = β1·m + (1 − β1)·dx; v = β2·v + (1 − β2)·dx²;
 * m̂ = m/(1 − β1^t); v̂ = v/(1 − β2^t); x −= lr·m̂ / (√v̂ + ε).
 * Defaults lr 1e-4, β1 0.9, β2 0.999, ε 1e-7. `biasCorrection: false` uses m and v directly:
 * both start near zero, v much more so, and the first step is (1 − β1)/√(1 − β2) ≈ 3.16 times
 * lr with the defaults (with the correction it is ≈ lr, whatever the gradient's scale).
 */
export class Adam extends OptimizerBase {
  readonly name = "adam";
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly biasCorrection: boolean;
  constructor(opts: OptimizerOptions = {}) {
    super(opts.lr ?? 1e-4, 2);
    this.beta1 = checkNumber("Adam", "beta1", opts.beta1 ?? 0.9, 0, 1, true);
    this.beta2 = checkNumber("Adam", "beta2", opts.beta2 ?? 0.999, 0, 1, true);
    this.eps = checkNumber("Adam", "eps", opts.eps ?? EPS, 0, Infinity, false);
    this.biasCorrection = opts.biasCorrection ?? true;
  }

  /** Steps taken so far: the t of the last update (0 before the first step). */
  get stepCount(): number {
    return this.t;
  }

  /** [β1, β2, ε, lr, c1, c2] with the bias corrections c1 = 1 − β1^t, c2 = 1 − β2^t (1 without them). */
  protected constants(): number[] {
    const { beta1, beta2 } = this;
    const c1 = this.biasCorrection ? 1 - beta1 ** this.t : 1;
    const c2 = this.biasCorrection ? 1 - beta2 ** this.t : 1;
    return [beta1, beta2, this.eps, this.lr, c1, c2];
  }

  protected update(x: TypedArray, dx: TypedArray, [m, v]: readonly TypedArray[]): void {
    const [beta1, beta2, eps, lr, c1, c2] = this.constants();
    adamRule(x, dx, m, v, beta1, beta2, eps, lr, c1, c2);
  }
}
