/**
 * The kit's one switch between the fast kernels and the reference ops: what float32 models use.
 * In this kit, float32 layers run the fast kernels (./fast.ts), their parameters and optimizer
 * state live in kernel memory where the engine can keep them there, and the training loop steps
 * the optimizers with their fused kernels (./update/fast.ts). The student kit ships
 * ./float32.student.ts in this file's place, and none of the fast paths it then does not run
 * (see autograder/kit.ts).
 */
export { fastKernels as float32Ops } from "./fast.js";
export { kernelArray as float32Array } from "../engine/index.js";
export { fusedSteps } from "./update/fast.js";
