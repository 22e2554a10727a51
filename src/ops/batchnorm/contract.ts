/**
 * The contract of batch normalisation, kept by its reference loops (src/layers/batchnorm.ts, the
 * assignment): parameters, cache, and the input checks with their messages.
 */
import { full, type Tensor } from "../../tensor.js";
import { checkCache, checkRange, checkRank, checkShape, checkUpstream } from "../../shapes.js";

export interface BatchNormParams {
  /** 'train' normalises with the batch statistics and updates the running ones; 'test' uses the running ones. */
  mode: "train" | "test";
  /** Added to the variance before the square root (≥ 0, default 1e-5). */
  eps?: number;
  /** Weight of the old running statistics in their update (in [0, 1], default 0.9). */
  momentum?: number;
  /** Running mean [D] (default zeros). Never changed: the updated one is returned in the cache. */
  runningMean?: Tensor;
  /** Running (biased) variance [D] (default ones). Never changed: the updated one is in the cache. */
  runningVar?: Tensor;
}

/** What batchNormForward keeps for batchNormBackward, and the updated running statistics. */
export interface BatchNormCache {
  mode: "train" | "test";
  x: Tensor;
  gamma: Tensor;
  beta: Tensor;
  eps: number;
  /** The statistics x was normalised with, [D]: the batch's in train mode, the running ones in test mode. */
  mean: Tensor;
  variance: Tensor;
  /** 1 / √(variance + eps), [D]. */
  invStd: Tensor;
  /** The normalised input x̂, [N, D]. */
  xhat: Tensor;
  /** Running statistics after this call, [D] (new tensors; in test mode copies of the given ones). */
  runningMean: Tensor;
  runningVar: Tensor;
}

/** batchNormForward's parameters with the defaults filled in, and N, D. */
export interface BatchNormSettings {
  N: number;
  D: number;
  mode: "train" | "test";
  eps: number;
  momentum: number;
  runningMean: Tensor;
  runningVar: Tensor;
}

/** Check batchNormForward's inputs x [N, D], gamma [D], beta [D] and params; returns them resolved. */
export function checkBatchNormForward(x: Tensor, gamma: Tensor, beta: Tensor, params: BatchNormParams): BatchNormSettings {
  const fn = "batchNormForward";
  checkRank(fn, "x", x, ["N", "D"]);
  const [N, D] = x.shape;
  checkShape(fn, "gamma", gamma, [D], ["x", x]);
  checkShape(fn, "beta", beta, [D], ["x", x]);
  const mode = params?.mode;
  if (mode !== "train" && mode !== "test") {
    throw new Error(`${fn}: mode must be 'train' or 'test', got ${JSON.stringify(mode)}`);
  }
  const eps = checkRange(fn, "eps", params.eps ?? 1e-5, 0, Infinity);
  const momentum = checkRange(fn, "momentum", params.momentum ?? 0.9, 0, 1);
  const runningMean = params.runningMean ?? full([D], 0, x.dtype);
  const runningVar = params.runningVar ?? full([D], 1, x.dtype);
  checkShape(fn, "runningMean", runningMean, [D], ["x", x]);
  checkShape(fn, "runningVar", runningVar, [D], ["x", x]);
  return { N, D, mode, eps, momentum, runningMean, runningVar };
}

/** Check batchNormBackward's dout [N, D] and the cache of batchNormForward; returns [N, D]. */
export function checkBatchNormBackward(dout: Tensor, cache: BatchNormCache): [number, number] {
  const fn = "batchNormBackward";
  checkCache(fn, cache, ["x", "gamma", "beta", "xhat", "invStd"]);
  checkUpstream(fn, dout, cache.x.shape);
  return [cache.x.shape[0], cache.x.shape[1]];
}
