/**
 * The kit's one switch between the fast kernels and the reference ops: what float32 models use.
 * In this kit, float32 layers run the fast kernels (./fast.ts), their parameters and optimizer
 * state live in kernel memory where the engine can keep them there, the training loop runs a
 * whole model's step as kernel programs where it can (./sequential/), and it steps the
 * optimizers with their fused kernels (./update/fast.ts). The student kit ships
 * ./float32.student.ts in this file's place, and none of the fast paths it then does not run
 * (see autograder/kit.ts).
 */
export { fastKernels as float32Ops } from "./fast.js";
export { kernelArray as float32Array } from "../engine/index.js";
import type { CompileTraining } from "./sequential/contract.js";
import { compileTraining as compile } from "./sequential/fast.js";
import type { FusedSteps } from "./update/contract.js";
import { queuedFusedSteps as queued } from "./update/fast.js";

/** Fused optimizer steps that queue their updates for one program (undefined in the student kit). */
export const queuedFusedSteps: (() => { steps: FusedSteps; run(): void }) | undefined = queued;

/** A whole model's training step as kernel programs (undefined in the student kit). */
export const compileTraining: CompileTraining | undefined = compile;
