/** RMSProp, as on the slide:  g2 = decay·g2 + (1 − decay)·dx²;  x −= lr·dx / (√g2 + ε). */
import type { TypedArray } from "../tensor.js";
import { rmspropRule } from "./rules.js";
import { EPS, OptimizerBase, checkNumber, type OptimizerOptions } from "./optimizer.js";

/** RMSProp: g2 = decay·g2 + (1 − decay)·dx²; x −= lr·dx / (√g2 + ε). Defaults lr 1e-2, decay 0.99, ε 1e-7. */
export class RMSProp extends OptimizerBase {
  readonly name = "rmsprop";
  readonly decay: number;
  readonly eps: number;
  constructor(opts: OptimizerOptions = {}) {
    super(opts.lr ?? 1e-2, 1);
    this.decay = checkNumber("RMSProp", "decay", opts.decay ?? 0.99, 0, 1, true);
    this.eps = checkNumber("RMSProp", "eps", opts.eps ?? EPS, 0, Infinity, false);
  }
  protected constants(): number[] {
    return [this.decay, this.lr, this.eps];
  }
  protected update(x: TypedArray, dx: TypedArray, [g2]: readonly TypedArray[]): void {
    const [decay, lr, eps] = this.constants();
    rmspropRule(x, dx, g2, decay, lr, eps);
  }
}
