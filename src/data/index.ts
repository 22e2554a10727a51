/**
 * Data from bytes (in Node or a browser): IDX, MNIST and CIFAR-10 decoding, toy sets, mini-batch
 * helpers. Reading the files is the "nnkit/node" entry (./files.ts).
 */
export { parseIdx, isGzip, type IdxArray, type IdxExpect } from "./idx.js";
export {
  mnistFromBytes,
  MNIST_MEAN,
  MNIST_STD,
  MNIST_FILES,
  type MnistDecodeOptions,
  type MnistSet,
  type MnistSplit,
} from "./mnist.js";
export { cifar10FromBytes, CIFAR10_CLASSES, CIFAR10_RECORD_BYTES, type Cifar10Set } from "./cifar10.js";
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
