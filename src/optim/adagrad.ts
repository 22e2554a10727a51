/** AdaGrad, as on the slide:  g2 += dx²;  x −= lr·dx / (√g2 + ε). */
import type { TypedArray } from "../tensor.js";
import { adagradRule } from "./rules.js";
import { EPS, OptimizerBase, checkNumber, type OptimizerOptions } from "./optimizer.js";

/** AdaGrad: g2 += dx²; x −= lr·dx / (√g2 + ε). Defaults lr 1e-2, ε 1e-7. */
export class AdaGrad extends OptimizerBase {
  readonly name = "adagrad";
  readonly eps: number;
  constructor(opts: OptimizerOptions = {}) {
    super(opts.lr ?? 1e-2, 1);
    this.eps = checkNumber("AdaGrad", "eps", opts.eps ?? EPS, 0, Infinity, false);
  }
  protected constants(): number[] {
    return [this.lr, this.eps];
  }
  protected update(x: TypedArray, dx: TypedArray, [g2]: readonly TypedArray[]): void {
    const [lr, eps] = this.constants();
    adagradRule(x, dx, g2, lr, eps);
  }
}
