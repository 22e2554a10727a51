/**
 * The layers of the lecture, forward and backward side by side: the six of the assignment
 * (linear … batchnorm) and dropout, adaptive average pooling and pad/crop. Batch-first shapes;
 * every function is pure and keeps the dtype of its input.
 */
export { linearForward, linearBackward, type LinearCache } from "./linear.js";
export { reluForward, reluBackward, type ReluCache } from "./relu.js";
export { sigmoidForward, sigmoidBackward, type SigmoidCache } from "./sigmoid.js";
export { conv2dForward, conv2dBackward, convOutputSize, type ConvParams, type Conv2dCache } from "./conv2d.js";
export { maxPool2dForward, maxPool2dBackward, type PoolParams, type MaxPool2dCache } from "./maxpool2d.js";
export {
  batchNormForward,
  batchNormBackward,
  type BatchNormParams,
  type BatchNormCache,
} from "./batchnorm.js";
export { dropoutForward, dropoutBackward, type DropoutParams, type DropoutCache } from "./dropout.js";
export {
  adaptiveAvgPool2dForward,
  adaptiveAvgPool2dBackward,
  type AdaptiveAvgPool2dParams,
  type AdaptiveAvgPool2dCache,
} from "./avgpool2d.js";
export { pad2dForward, pad2dBackward, type Pad2dParams, type Pad2dCache } from "./pad2d.js";
