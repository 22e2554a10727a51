/**
 * The layer functions that the layer objects (modules.ts) call, gathered in one table.
 *
 * Every layer object does its arithmetic through `this.ops.<name>(…)`, where `ops` comes from
 * `opsFor(dtype)` below. float32 models use the fast kernels of src/kernels/ (same signatures and
 * contracts, checked against the reference in test/kernels/); float64 (gradient checks, grading)
 * keeps the readable reference loops of src/layers/.
 *
 * A layer can also be given its own table (`{ ops }` in its options), e.g. to compare a fast
 * kernel with the reference inside one model.
 */
import { batchNormBackward, batchNormForward } from "../layers/batchnorm.js";
import { conv2dBackward, conv2dForward } from "../layers/conv2d.js";
import { linearBackward, linearForward, type LinearCache } from "../layers/linear.js";
import { maxPool2dBackward, maxPool2dForward } from "../layers/maxpool2d.js";
import { reluBackward, reluForward } from "../layers/relu.js";
import { sigmoidBackward, sigmoidForward } from "../layers/sigmoid.js";
import { DType, Tensor } from "../tensor.js";
import { fastKernels } from "../kernels/index.js";

/** The table of forward/backward functions a layer object may call (contracts as in src/layers/). */
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
});

/**
 * What float32 layers use: the fast kernels of src/kernels/ (WebAssembly SIMD on every core, or
 * their TypeScript fallback) for conv2d, linear, ReLU and max-pool; the reference loops for the rest.
 */
// In the student release the fast kernels are stripped, so float32 models run the student's layers.
// BEGIN SOLUTION release: const float32Ops: Readonly<Ops> = referenceOps;
const float32Ops: Readonly<Ops> = Object.freeze({ ...referenceOps, ...fastKernels });
// END SOLUTION

/** The table a layer of the given dtype uses by default: float64 → reference loops, float32 → float32Ops. */
export function opsFor(dtype: DType): Readonly<Ops> {
  return dtype === "float32" ? float32Ops : referenceOps;
}
