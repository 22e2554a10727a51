/**
 * The core: what `import { … } from "nnkit"` gives a notebook, a script or a web page.
 *
 * tensors and seeded randomness · the layers of the lecture (forward and backward) · losses ·
 * optimizers · gradient checks · scalar autograd (Value) and its drawing · models, specs and the
 * training loop · summary tables · data sets from bytes · unsupervised features · the fast kernels.
 *
 * Importing it has no side effect. Node-only parts have their own entries: "nnkit/node" (data
 * sets from files) and "nnkit/plot" (figures and showing them in a notebook).
 */
export * from "./tensor.js";
export * from "./random.js";
export * from "./gradcheck.js";
export * from "./metrics.js";
export { check, exercise } from "./check.js";
export * from "./layers/index.js";
export * from "./losses.js";
export * from "./optim/index.js";
export { Value, topologicalOrder, type Operand } from "./autograd/value.js";
export { drawGraph, type DrawOptions } from "./autograd/draw.js";
export { twoLayerGradient } from "./autograd/byhand.js";
export * from "./models/index.js";
export * from "./summary.js";
export * from "./data/index.js";
export * from "./features/index.js";
export { configureKernels, kernelInfo, type KernelOptions } from "./engine/index.js";
export { matmul } from "./engine/gemm.js";
