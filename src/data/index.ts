/** Data: MNIST (IDX files), CIFAR-10 (binary batches), toy sets, and mini-batch helpers. */
export { parseIdx, readIdx, isGzip, maybeGunzip, type IdxArray, type IdxExpect } from "./idx.js";
export { loadMnist, defaultMnistDir, MNIST_MEAN, MNIST_STD, type MnistOptions, type MnistSet, type MnistSplit } from "./mnist.js";
export { loadCifar10, CIFAR10_CLASSES, CIFAR10_RECORD_BYTES, type Cifar10Options, type Cifar10Set } from "./cifar10.js";
export {
  linearlySeparable2d,
  blobs2d,
  spiral2d,
  xor2d,
  notSeparable2d,
  function1d,
  FUNCTIONS_1D,
  type ToyOptions,
  type Toy2d,
  type TwoClass2d,
  type Function1d,
} from "./toy.js";
export { shuffledBatches, orderedBatches, gatherRows, gatherLabels, splitTrainVal, type Split } from "./batches.js";
