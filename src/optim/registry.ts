/**
 * The optimizers by name: the one place an optimizer is registered. `makeOptimizer`,
 * `OPTIMIZER_NAMES`, `OptimizerName` and `nnkit train --optimizer` (with its default learning
 * rate) all follow from this table. A new optimizer is its rule (./rules.ts, called by its class)
 * and one entry here; a fused kernel (src/ops/update/) is optional: without one, the training
 * loop steps it with its rule.
 */
import { AdaGrad } from "./adagrad.js";
import { Adam } from "./adam.js";
import { SGDMomentum } from "./momentum.js";
import type { Optimizer, OptimizerOptions } from "./optimizer.js";
import { RMSProp } from "./rmsprop.js";
import { SGD } from "./sgd.js";

/** How an optimizer named N is made, and the learning rate `nnkit train` gives it on MNIST when --lr is not given. */
interface Registration<N extends string> {
  create(opts: OptimizerOptions): Optimizer & { readonly name: N };
  trainLr: number;
}

/** The table, checked by the compiler: each entry makes an optimizer whose `name` is its key. */
function registry<T extends { [N in keyof T & string]: Registration<N> }>(table: T): Readonly<T> {
  return Object.freeze(table);
}

/** Adam's slide default 1e-4 is slow for a demo: `nnkit train` uses 1e-3. */
export const OPTIMIZERS = registry({
  sgd: { create: (o: OptimizerOptions) => new SGD(o), trainLr: 0.05 },
  momentum: { create: (o: OptimizerOptions) => new SGDMomentum(o), trainLr: 0.01 },
  adagrad: { create: (o: OptimizerOptions) => new AdaGrad(o), trainLr: 0.01 },
  rmsprop: { create: (o: OptimizerOptions) => new RMSProp(o), trainLr: 1e-3 },
  adam: { create: (o: OptimizerOptions) => new Adam(o), trainLr: 1e-3 },
});

/** An optimizer's name, as `makeOptimizer` and `nnkit train --optimizer` take it. */
export type OptimizerName = keyof typeof OPTIMIZERS;

/** The optimizers' names, in the table's order. */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = Object.freeze(Object.keys(OPTIMIZERS) as OptimizerName[]);

/** True when `name` is a registered optimizer's name. */
export function isOptimizerName(name: string): name is OptimizerName {
  return Object.prototype.hasOwnProperty.call(OPTIMIZERS, name);
}

/**
 * Build an optimizer by name (one of OPTIMIZER_NAMES, any case), for the CLI's `--optimizer` and
 * `--lr`. Options not given take each class's defaults. Returns the optimizer; throws for an unknown name.
 */
export function makeOptimizer(name: string, opts: OptimizerOptions = {}): Optimizer {
  const key = name.toLowerCase();
  if (!isOptimizerName(key)) throw new Error(`makeOptimizer: unknown optimizer "${name}"; choose one of ${OPTIMIZER_NAMES.join(", ")}`);
  return OPTIMIZERS[key].create(opts);
}
