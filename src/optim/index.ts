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
export { AdaGrad } from "./adagrad.js";
export { Adam } from "./adam.js";
export { SGDMomentum } from "./momentum.js";
export { RMSProp } from "./rmsprop.js";
export { SGD } from "./sgd.js";
export { OptimizerBase, type Optimizer, type OptimizerOptions } from "./optimizer.js";
export { OPTIMIZER_NAMES, makeOptimizer, type OptimizerName } from "./registry.js";
