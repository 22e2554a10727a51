/**
 * Fast float32 kernels (WebAssembly SIMD, worker threads, plain TypeScript fallback) with the same
 * contracts as the reference layer functions in ../layers. `fastKernels` bundles them so a layer
 * object can call them in place of the reference functions.
 */
import { conv2dBackward, conv2dForward } from "./conv2d.js";
import { linearBackward, linearBackwardInto, linearForward } from "./linear.js";
import { maxPool2dBackward, maxPool2dForward } from "./maxpool2d.js";
import { reluBackward, reluForward } from "./relu.js";

export { matmul } from "./matmul.js";
export { configureKernels, kernelInfo, type KernelOptions, type EngineName } from "./backend.js";
export type { FastMaxPool2dCache } from "./maxpool2d.js";

/** The fast layer functions, named and typed as the reference ones in ../layers. */
export const fastKernels = {
  conv2dForward,
  conv2dBackward,
  linearForward,
  linearBackward,
  linearBackwardInto,
  reluForward,
  reluBackward,
  maxPool2dForward,
  maxPool2dBackward,
};
