/** SGD with momentum, as on the slide:  v = ρ·v + dx;  x −= lr·v. */
import type { TypedArray } from "../tensor.js";
import { momentumRule } from "./rules.js";
import { OptimizerBase, checkNumber, type OptimizerOptions } from "./optimizer.js";

/**
 * SGD with momentum, in the slide's form v = ρ·v + dx; x −= lr·v (v starts at 0; default ρ 0.9,
 * lr 1e-2). With a constant lr this equals the form v = ρ·v − lr·dx; x += v.
 */
export class SGDMomentum extends OptimizerBase {
  readonly name = "momentum";
  readonly rho: number;
  constructor(opts: OptimizerOptions = {}) {
    super(opts.lr ?? 1e-2, 1);
    this.rho = checkNumber("SGDMomentum", "rho", opts.rho ?? 0.9, 0, 1, true);
  }
  protected constants(): number[] {
    return [this.rho, this.lr];
  }
  protected update(x: TypedArray, dx: TypedArray, [v]: readonly TypedArray[]): void {
    const [rho, lr] = this.constants();
    momentumRule(x, dx, v, rho, lr);
  }
}
