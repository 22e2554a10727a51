/**
 * Optimizers, written as on the lecture slides (cs231n style), each in its own file: every
 * `step(params, grads)` updates the parameter tensors in place from their gradients.
 *
 *   SGD          x −= lr·dx
 *   SGDMomentum  v = ρ·v + dx;                  x −= lr·v
 *   AdaGrad      g2 += dx²;                      x −= lr·dx / (√g2 + ε)
 *   RMSProp      g2 = decay·g2 + (1 − decay)·dx²; x −= lr·dx / (√g2 + ε)
 *   Adam         t += 1; m = β1·m + (1 − β1)·dx; v = β2·v + (1 − β2)·dx²;
 *                m̂ = m / (1 − β1^t); v̂ = v / (1 − β2^t); x −= lr·m̂ / (√v̂ + ε)
 * with ε = 1e-7.
 */
import { AdaGrad } from "./adagrad.js";
import { Adam } from "./adam.js";
import { SGDMomentum } from "./momentum.js";
import { OPTIMIZER_NAMES, type Optimizer, type OptimizerOptions } from "./optimizer.js";
import { RMSProp } from "./rmsprop.js";
import { SGD } from "./sgd.js";

export { SGD, SGDMomentum, AdaGrad, RMSProp, Adam };
export { OPTIMIZER_NAMES, OptimizerBase, type Optimizer, type OptimizerName, type OptimizerOptions } from "./optimizer.js";

/**
 * Build an optimizer by name ("sgd" | "momentum" | "adagrad" | "rmsprop" | "adam"), for the CLI's
 * `--optimizer` and `--lr`. Options not given take each class's defaults.
 */
export function makeOptimizer(name: string, opts: OptimizerOptions = {}): Optimizer {
  switch (name.toLowerCase()) {
    case "sgd":
      return new SGD(opts);
    case "momentum":
      return new SGDMomentum(opts);
    case "adagrad":
      return new AdaGrad(opts);
    case "rmsprop":
      return new RMSProp(opts);
    case "adam":
      return new Adam(opts);
    default:
      throw new Error(`makeOptimizer: unknown optimizer "${name}"; choose one of ${OPTIMIZER_NAMES.join(", ")}`);
  }
}
