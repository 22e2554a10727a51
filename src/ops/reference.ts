/**
 * The table of layer functions a layer object calls (src/models/modules.ts), and its reference
 * version: the readable loops of src/layers/ (the assignment, and what float64 models — gradient
 * checks, grading — always run).
 */
import { adaptiveAvgPool2dBackward, adaptiveAvgPool2dForward } from "../layers/avgpool2d.js";
import { batchNormBackward, batchNormForward } from "../layers/batchnorm.js";
import { conv2dBackward, conv2dForward } from "../layers/conv2d.js";
import { dropoutBackward, dropoutForward } from "../layers/dropout.js";
import { linearBackward, linearForward, type LinearCache } from "../layers/linear.js";
import { maxPool2dBackward, maxPool2dForward } from "../layers/maxpool2d.js";
import { pad2dBackward, pad2dForward } from "../layers/pad2d.js";
import { reluBackward, reluForward } from "../layers/relu.js";
import { sigmoidBackward, sigmoidForward } from "../layers/sigmoid.js";
import type { Tensor } from "../tensor.js";

/** The table of forward/backward functions a layer object may call (contracts in src/ops/<op>/contract.ts). */
export interface Ops {
  linearForward: typeof linearForward;
  linearBackward: typeof linearBackward;
  reluForward: typeof reluForward;
  reluBackward: typeof reluBackward;
  sigmoidForward: typeof sigmoidForward;
  sigmoidBackward: typeof sigmoidBackward;
  conv2dForward: typeof conv2dForward;
  conv2dBackward: typeof conv2dBackward;
  maxPool2dForward: typeof maxPool2dForward;
  maxPool2dBackward: typeof maxPool2dBackward;
  batchNormForward: typeof batchNormForward;
  batchNormBackward: typeof batchNormBackward;
  dropoutForward: typeof dropoutForward;
  dropoutBackward: typeof dropoutBackward;
  adaptiveAvgPool2dForward: typeof adaptiveAvgPool2dForward;
  adaptiveAvgPool2dBackward: typeof adaptiveAvgPool2dBackward;
  pad2dForward: typeof pad2dForward;
  pad2dBackward: typeof pad2dBackward;
  /**
   * Optional: linearBackward that adds dW and db into the given gradient tensors (dW [D, M], db [M])
   * and returns dx [N, D] — lets a fast table accumulate in place instead of returning new tensors.
   */
  linearBackwardInto?: (dout: Tensor, cache: LinearCache, dW: Tensor, db: Tensor) => Tensor;
}

/** The readable reference loops of src/layers/. */
export const referenceOps: Readonly<Ops> = Object.freeze({
  linearForward,
  linearBackward,
  reluForward,
  reluBackward,
  sigmoidForward,
  sigmoidBackward,
  conv2dForward,
  conv2dBackward,
  maxPool2dForward,
  maxPool2dBackward,
  batchNormForward,
  batchNormBackward,
  dropoutForward,
  dropoutBackward,
  adaptiveAvgPool2dForward,
  adaptiveAvgPool2dBackward,
  pad2dForward,
  pad2dBackward,
});
