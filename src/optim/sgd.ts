/** Vanilla stochastic gradient descent, as on the slide:  x −= lr·dx. */
import type { TypedArray } from "../tensor.js";
import { sgdRule } from "./rules.js";
import { OptimizerBase, type OptimizerOptions } from "./optimizer.js";

/** Vanilla SGD: x −= lr·dx. Default lr 1e-2. */
export class SGD extends OptimizerBase {
  readonly name = "sgd";
  constructor(opts: OptimizerOptions = {}) {
    super(opts.lr ?? 1e-2, 0);
  }
  protected constants(): number[] {
    return [this.lr];
  }
  protected update(x: TypedArray, dx: TypedArray): void {
    const [lr] = this.constants();
    sgdRule(x, dx, lr);
  }
}
