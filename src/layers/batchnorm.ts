/**
 * Batch normalisation over a batch of feature vectors: each feature d is shifted and scaled to zero
 * mean and unit variance, then given a learned scale gamma[d] and shift beta[d].
 *
 *   train: μ = mean over the batch, σ² = biased variance over the batch (divide by N),
 *          x̂ = (x − μ) / √(σ² + eps),  out = gamma · x̂ + beta,
 *          running ← momentum · running + (1 − momentum) · batch statistic (for μ and σ²)
 *   test:  the same with the running statistics in place of μ and σ² (then the layer is affine)
 *
 *   backward (train), the compact form, per feature with dx̂ = gamma · dout:
 *          dx = (1 / (N·√(σ² + eps))) · (N·dx̂ − Σₙ dx̂ − x̂ · Σₙ dx̂·x̂)
 *   backward (test):  dx = gamma · dout / √(running σ² + eps)
 *   both:   dgamma = Σₙ dout · x̂,  dbeta = Σₙ dout
 *
 * With a batch of one in train mode every x̂ is 0: out = beta and dx = 0.
 */
import { Tensor, allocate, full } from "../tensor.js";
import { checkCache, checkRank, checkShape, checkUpstream } from "./shapes.js";

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

/** Check a number option: finite and within [low, high]. */
function checkRange(fn: string, what: string, value: unknown, low: number, high: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < low || value > high) {
    throw new Error(`${fn}: ${what} must be a number in [${low}, ${high}], got ${String(value)}`);
  }
  return value;
}

/**
 * Forward pass of batch normalisation.
 * Inputs: x [N, D], gamma [D], beta [D], { mode, eps, momentum, runningMean [D], runningVar [D] }.
 * Returns [out [N, D] (dtype of x), cache]; cache.runningMean / cache.runningVar hold the updated
 * running statistics (train mode) — the given tensors are not changed.
 */
export function batchNormForward(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  params: BatchNormParams,
): [Tensor, BatchNormCache] {
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
  // BEGIN SOLUTION
  const mean = new Tensor(allocate(D, x.dtype), [D]);
  const variance = new Tensor(allocate(D, x.dtype), [D]);
  const newMean = new Tensor(allocate(D, runningMean.dtype), [D]);
  const newVar = new Tensor(allocate(D, runningVar.dtype), [D]);
  for (let d = 0; d < D; d++) {
    if (mode === "train") {
      let mu = 0;
      for (let n = 0; n < N; n++) mu += x.data[n * D + d];
      mu /= N;
      let v = 0;
      for (let n = 0; n < N; n++) v += (x.data[n * D + d] - mu) ** 2;
      v /= N; // biased: the batch's own variance
      mean.data[d] = mu;
      variance.data[d] = v;
      newMean.data[d] = momentum * runningMean.data[d] + (1 - momentum) * mu;
      newVar.data[d] = momentum * runningVar.data[d] + (1 - momentum) * v;
    } else {
      mean.data[d] = runningMean.data[d];
      variance.data[d] = runningVar.data[d];
      newMean.data[d] = runningMean.data[d];
      newVar.data[d] = runningVar.data[d];
    }
  }
  const invStd = new Tensor(allocate(D, x.dtype), [D]);
  for (let d = 0; d < D; d++) invStd.data[d] = 1 / Math.sqrt(variance.data[d] + eps);
  const xhat = new Tensor(allocate(N * D, x.dtype), [N, D]);
  const out = new Tensor(allocate(N * D, x.dtype), [N, D]);
  for (let n = 0; n < N; n++) {
    for (let d = 0; d < D; d++) {
      const k = n * D + d;
      xhat.data[k] = (x.data[k] - mean.data[d]) * invStd.data[d];
      out.data[k] = gamma.data[d] * xhat.data[k] + beta.data[d];
    }
  }
  const cache: BatchNormCache = {
    mode, x, gamma, beta, eps, mean, variance, invStd, xhat, runningMean: newMean, runningVar: newVar,
  };
  return [out, cache];
  // END SOLUTION
}

/**
 * Backward pass of batch normalisation (train mode: through the batch statistics; test mode: the
 * affine map). Inputs: dout [N, D], cache from batchNormForward.
 * Returns { dx [N, D], dgamma [D], dbeta [D] }, in the dtypes of x, gamma and beta.
 */
export function batchNormBackward(
  dout: Tensor,
  cache: BatchNormCache,
): { dx: Tensor; dgamma: Tensor; dbeta: Tensor } {
  const fn = "batchNormBackward";
  checkCache(fn, cache, ["x", "gamma", "beta", "xhat", "invStd"]);
  const { mode, x, gamma, beta, xhat, invStd } = cache;
  checkUpstream(fn, dout, x.shape);
  const [N, D] = x.shape;
  // BEGIN SOLUTION
  const dx = new Tensor(allocate(N * D, x.dtype), [N, D]);
  const dgamma = new Tensor(allocate(D, gamma.dtype), [D]);
  const dbeta = new Tensor(allocate(D, beta.dtype), [D]);
  for (let d = 0; d < D; d++) {
    let sumDxhat = 0; // Σₙ dx̂
    let sumDxhatXhat = 0; // Σₙ dx̂ · x̂
    for (let n = 0; n < N; n++) {
      const k = n * D + d;
      dbeta.data[d] += dout.data[k];
      dgamma.data[d] += dout.data[k] * xhat.data[k];
      const dxhat = dout.data[k] * gamma.data[d];
      sumDxhat += dxhat;
      sumDxhatXhat += dxhat * xhat.data[k];
    }
    for (let n = 0; n < N; n++) {
      const k = n * D + d;
      const dxhat = dout.data[k] * gamma.data[d];
      dx.data[k] =
        mode === "train"
          ? (invStd.data[d] / N) * (N * dxhat - sumDxhat - xhat.data[k] * sumDxhatXhat)
          : dxhat * invStd.data[d]; // test mode: the statistics are constants
    }
  }
  return { dx, dgamma, dbeta };
  // END SOLUTION
}
