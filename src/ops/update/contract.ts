/**
 * The contract of the fused optimizer steps (./fast.ts), the fast twins of the slides' rules in
 * src/optim/rules.ts: src/optim/fused.ts states it, beside the optimizers that take them.
 */
export type { FusedStep, FusedSteps } from "../../optim/fused.js";
