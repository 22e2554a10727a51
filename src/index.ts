/**
 * The public API: what `import { … } from "nnkit"` gives a notebook or a script.
 *
 * tensors and seeded randomness · the layers of the lecture (forward and backward) · losses ·
 * optimizers · gradient checks · scalar autograd (Value) and its drawing · models, specs and the
 * training loop · summary tables · data sets · plots for notebooks.
 */
export * from "./tensor.js";
export * from "./random.js";
export * from "./gradcheck.js";
export { check } from "./check.js";
export * from "./layers/index.js";
export * from "./losses.js";
export * from "./optim.js";
export { Value, topologicalOrder, type Operand } from "./graph/value.js";
export { drawGraph, type DrawOptions } from "./graph/draw.js";
export * from "./models/index.js";
export * from "./summary.js";
export * from "./data/index.js";
export * from "./features/index.js";
export * from "./plot/index.js";
export { configureKernels, kernelInfo, matmul, fastKernels, type KernelOptions } from "./kernels/index.js";
