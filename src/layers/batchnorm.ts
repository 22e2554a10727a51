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
 *
 * The reference loops (the assignment). Parameters, checks and messages: ../ops/batchnorm/contract.ts.
 */
import { Tensor, allocate } from "../tensor.js";
import {
  checkBatchNormBackward,
  checkBatchNormForward,
  type BatchNormCache,
  type BatchNormParams,
} from "../ops/batchnorm/contract.js";

export type { BatchNormCache, BatchNormParams };

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
  const { N, D, mode, eps, momentum, runningMean, runningVar } = checkBatchNormForward(x, gamma, beta, params);
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
  const [N, D] = checkBatchNormBackward(dout, cache);
  const { mode, x, gamma, beta, xhat, invStd } = cache;
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
