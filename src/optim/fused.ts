/**
 * The contract of a fused optimizer step: the fast twin of one of the slides' rules (./rules.ts),
 * one parameter, its gradient and its state updated in one pass. The optimizers take them
 * (OptimizerBase.stepFused); the kernels that keep it are in src/ops/update/.
 */

/**
 * x, g and the state arrays (as many as the rule has): float32 arrays of one length; `constants`
 * are the rule's arguments after the arrays, in its order (e.g. momentum: ρ, lr). Updates x and
 * the state in place and returns true when it can (every array in kernel memory); otherwise does
 * nothing and returns false.
 */
export type FusedStep = (x: Float32Array, g: Float32Array, state: readonly Float32Array[], constants: readonly number[]) => boolean;

/** Fused steps by optimizer name; an optimizer without one steps with its rule. */
export type FusedSteps = Readonly<Partial<Record<string, FusedStep>>>;
