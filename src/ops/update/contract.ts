/**
 * The contract of the fused optimizer steps (./fast.ts), the fast twins of the slides' rules in
 * src/optim/rules.ts: one parameter, its gradient and its state updated in one pass.
 */
import type { OptimizerName } from "../../optim/rules.js";

/**
 * x, g and the state arrays (as many as the rule has): float32 arrays of one length; `constants`
 * are the rule's arguments after the arrays, in its order (e.g. momentum: ρ, lr). Updates x and
 * the state in place and returns true when it can (every array in kernel memory); otherwise does
 * nothing and returns false.
 */
export type FusedStep = (x: Float32Array, g: Float32Array, state: readonly Float32Array[], constants: readonly number[]) => boolean;

/** One fused step per optimizer, by name. */
export type FusedSteps = Readonly<Record<OptimizerName, FusedStep>>;
