/**
 * Models of the lecture: the perceptron and the linear models sharing one update rule, layer
 * objects and Sequential, weight-free specs (LeNet-5, AlexNet, VGG-16, MLPs), and the training loop.
 *
 *   const model = build(lenet5(), { seed: 0 });            // allocate (float32)
 *   console.log(formatSummary(summary(lenet5())));          // free: no weights (see ../summary.ts)
 *   const history = train(model, { x, y, xVal, yVal }, { epochs: 1, batchSize: 64, optimizer: "adam", lr: 1e-3 });
 *   const acc = evaluate(model, xTest, yTest);
 */
export { updateRule, appendOnes, linearScores, oneHot, argmaxRows } from "./update-rule.js";
export {
  Perceptron,
  MulticlassPerceptron,
  type PerceptronFitOptions,
  type PerceptronHistory,
  type PerceptronUpdate,
} from "./perceptron.js";
export { LinearRegression, SoftmaxRegression, type RegressionFitOptions, type RegressionHistory } from "./regression.js";
export {
  describeLayer,
  describeLayers,
  layerName,
  type LayerSpec,
  type ModelSpec,
  type LayerDescription,
  type ParamShape,
  type ParamRole,
  type LinearSpec,
  type Conv2dSpec,
  type MaxPool2dSpec,
  type BatchNormSpec,
  type DropoutSpec,
  type AdaptiveAvgPool2dSpec,
  type ActivationSpec,
} from "./layer-spec.js";
export { lenet5, alexnet, vgg16, mlp, conv, fc, maxPool } from "./specs.js";
export { referenceOps, opsFor, type Ops } from "../ops/index.js";
export {
  Linear,
  ReLU,
  Sigmoid,
  Conv2d,
  MaxPool2d,
  Flatten,
  BatchNorm,
  Dropout,
  AdaptiveAvgPool2d,
  layerFromSpec,
  type Layer,
  type Param,
  type Init,
  type LayerOptions,
} from "./modules.js";
export { Sequential, build, NonFiniteError, type BuildOptions } from "./sequential.js";
export {
  train,
  evaluate,
  predict,
  type TrainData,
  type TrainOptions,
  type TrainHistory,
  type ProgressInfo,
  type EpochInfo,
} from "./train.js";
