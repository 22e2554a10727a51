/** Every hidden test spec, by id (the manifest's test ids are `<spec id>.<output>`). */
import { linearBackwardSpec, linearForwardSpec } from "./linear.js";
import { reluBackwardSpec, reluForwardSpec, sigmoidBackwardSpec, sigmoidForwardSpec } from "./activations.js";
import { conv2dBackwardSpec, conv2dForwardSpec } from "./conv2d.js";
import { maxPool2dBackwardSpec, maxPool2dForwardSpec } from "./maxpool2d.js";
import { batchNormBackwardSpec, batchNormTestSpec, batchNormTrainSpec } from "./batchnorm.js";
import { l2LossSpec, sigmoidCrossEntropySpec, softmaxCrossEntropySpec, svmLossSpec } from "./losses.js";
import type { FunctionSpec } from "../spec.js";

/** All specs of assignment a6. */
export const HIDDEN_SPECS: readonly FunctionSpec[] = [
  linearForwardSpec,
  linearBackwardSpec,
  reluForwardSpec,
  reluBackwardSpec,
  sigmoidForwardSpec,
  sigmoidBackwardSpec,
  conv2dForwardSpec,
  conv2dBackwardSpec,
  maxPool2dForwardSpec,
  maxPool2dBackwardSpec,
  batchNormTrainSpec,
  batchNormTestSpec,
  batchNormBackwardSpec,
  l2LossSpec,
  softmaxCrossEntropySpec,
  sigmoidCrossEntropySpec,
  svmLossSpec,
];
