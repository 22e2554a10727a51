/** The cases of batchNormForward (train and test mode) and batchNormBackward (train mode), with known wrong answers. */
import { Tensor } from "../../../../src/tensor.js";
import { batchNormBackward, batchNormForward } from "../../../../src/layers/batchnorm.js";
import type { CaseTable, GradedCase } from "nnkit/grading";
import { dims, map, memo, normal } from "./util.js";

const EPS = 1e-5;
const MOMENTUM = 0.9;

/** One batch-norm case: x [N, D] and the seed its inputs are drawn from. */
export interface BatchNormCase {
  shape: [number, number];
  seed: number;
}

/** The tables of batch norm: the forward pass in each mode, and the backward pass. */
export interface BatchNormTables {
  train: CaseTable;
  test: CaseTable;
  backward: CaseTable;
}

function inputs({ shape: [N, D], seed: s }: BatchNormCase): { x: Tensor; gamma: Tensor; beta: Tensor; rm: Tensor; rv: Tensor; dout: Tensor } {
  const x = map(normal([N, D], s, 3), (v, i) => v + (i % D)); // features with different means
  return {
    x,
    gamma: normal([D], s + 1),
    beta: normal([D], s + 2),
    rm: normal([D], s + 3),
    rv: map(normal([D], s + 4), (v) => 0.5 + v * v),
    dout: normal([N, D], s + 5),
  };
}

function params(mode: "train" | "test", rm: Tensor, rv: Tensor): Record<string, unknown> {
  return { mode, eps: EPS, momentum: MOMENTUM, runningMean: rm, runningVar: rv };
}

/**
 * What a pass that normalises with the unbiased variance (÷(N − 1)) instead of the batch's own
 * (÷N) gives for x [N, D], gamma and beta [D], dout [N, D]: out [N, D], and dx [N, D] and
 * dgamma [D] of a backward that recomputes the variance that way.
 */
export function unbiasedVariants(x: Tensor, gamma: Tensor, beta: Tensor, dout: Tensor): { out: Tensor; dx: Tensor; dgamma: Tensor } {
  const [N, D] = x.shape;
  const out = new Tensor(new Float64Array(N * D), [N, D]);
  const dx = new Tensor(new Float64Array(N * D), [N, D]);
  const dgamma = new Tensor(new Float64Array(D), [D]);
  for (let d = 0; d < D; d++) {
    let mu = 0;
    for (let n = 0; n < N; n++) mu += x.data[n * D + d] / N;
    let v = 0;
    for (let n = 0; n < N; n++) v += (x.data[n * D + d] - mu) ** 2 / (N - 1);
    const inv = 1 / Math.sqrt(v + EPS);
    let sum = 0;
    let sumXhat = 0;
    for (let n = 0; n < N; n++) {
      const k = n * D + d;
      const xhat = (x.data[k] - mu) * inv;
      out.data[k] = gamma.data[d] * xhat + beta.data[d];
      dgamma.data[d] += dout.data[k] * xhat;
      sum += dout.data[k] * gamma.data[d];
      sumXhat += dout.data[k] * gamma.data[d] * xhat;
    }
    for (let n = 0; n < N; n++) {
      const k = n * D + d;
      dx.data[k] = (inv / N) * (N * dout.data[k] * gamma.data[d] - sum - (x.data[k] - mu) * inv * sumXhat);
    }
  }
  return { out, dx, dgamma };
}

const UNBIASED_HINT = "you normalise with the unbiased variance (÷(N−1)); batch norm uses the batch's own, biased variance σ² = Σₙ(x − μ)²/N (÷N), in the forward and the backward pass.";

function trainCase(row: BatchNormCase): GradedCase {
  const { x, gamma, beta, rm, rv, dout } = inputs(row);
  const [out, cache] = batchNormForward(x, gamma, beta, { mode: "train", eps: EPS, momentum: MOMENTUM, runningMean: rm, runningVar: rv });
  const [N, D] = x.shape;
  // the unbiased variance (divide by N − 1) is a classic slip
  const unbiased = map(cache.runningVar, (v, d) => MOMENTUM * rv.data[d] + (1 - MOMENTUM) * ((v - MOMENTUM * rv.data[d]) / (1 - MOMENTUM)) * (N / (N - 1)));
  const swapped = map(cache.runningMean, (_, d) => (1 - MOMENTUM) * rm.data[d] + MOMENTUM * (cache.mean.data[d]));
  return {
    label: `train mode, x ${dims(x)}, D = ${D}`,
    batch: N,
    args: [x, gamma, beta, params("train", rm, rv)],
    expected: { out, runningMean: cache.runningMean, runningVar: cache.runningVar },
    mistakes: {
      out: N > 1 ? [{ mistake: "unbiased variance", hint: UNBIASED_HINT, value: unbiasedVariants(x, gamma, beta, dout).out }] : [],
      runningVar: [{ mistake: "unbiased variance", hint: "the running variance uses the unbiased batch variance (÷(N−1)); batch norm normalises with the biased one (÷N).", value: unbiased }],
      runningMean: [{ mistake: "momentum weights swapped", hint: "running ← momentum·running + (1 − momentum)·batch mean; your weights are the other way round.", value: swapped }],
    },
  };
}

function testCase(row: BatchNormCase): GradedCase {
  const { x, gamma, beta, rm, rv } = inputs(row);
  const [out] = batchNormForward(x, gamma, beta, { mode: "test", eps: EPS, momentum: MOMENTUM, runningMean: rm, runningVar: rv });
  const [, trainCache] = batchNormForward(x, gamma, beta, { mode: "train", eps: EPS, momentum: MOMENTUM, runningMean: rm, runningVar: rv });
  const D = x.shape[1];
  const withBatch = map(x, (v, i) => gamma.data[i % D] * (v - trainCache.mean.data[i % D]) * trainCache.invStd.data[i % D] + beta.data[i % D]);
  return {
    label: `test mode, x ${dims(x)}`,
    batch: x.shape[0],
    args: [x, gamma, beta, params("test", rm, rv)],
    expected: { out },
    mistakes: { out: [{ mistake: "batch statistics in test mode", hint: "in test mode normalise with runningMean and runningVar, not with the batch's own mean and variance.", value: withBatch }] },
  };
}

function backwardCase(row: BatchNormCase): GradedCase {
  const { x, gamma, beta, rm, rv, dout } = inputs(row);
  const p = { mode: "train" as const, eps: EPS, momentum: MOMENTUM, runningMean: rm, runningVar: rv };
  const [, cache] = batchNormForward(x, gamma, beta, p);
  const { dx, dgamma, dbeta } = batchNormBackward(dout, cache);
  const D = x.shape[1];
  const constStats = map(dout, (g, i) => g * gamma.data[i % D] * cache.invStd.data[i % D]);
  const variants = x.shape[0] > 1 ? unbiasedVariants(x, gamma, beta, dout) : undefined;
  const unbiased = (what: "dx" | "dgamma") => (variants ? [{ mistake: "unbiased variance", hint: UNBIASED_HINT, value: variants[what] }] : []);
  const dgammaX = new Tensor(new Float64Array(D), [D]);
  for (let i = 0; i < x.size; i++) dgammaX.data[i % D] += dout.data[i] * x.data[i];
  return {
    label: `train mode, x ${dims(x)}, dout ${dims(dout)}`,
    batch: x.shape[0],
    args: [dout, null],
    forward: { fn: "batchNormForward", args: [x, gamma, beta, p], reference: cache, at: 1 },
    expected: { dx, dgamma, dbeta },
    mistakes: {
      dx: [...unbiased("dx"), { mistake: "batch statistics treated as constants", hint: "dx = γ·dout/√(σ²+ε) ignores that μ and σ² depend on x in train mode: add the terms −Σₙdx̂ and −x̂·Σₙ(dx̂·x̂) (see the handout's formula).", value: constStats }],
      dgamma: [...unbiased("dgamma"), { mistake: "x instead of x̂ in dgamma", hint: "dgamma = Σₙ dout·x̂ (the normalised input), not Σₙ dout·x.", value: dgammaX }],
    },
  };
}

const tables = memo((key: string): BatchNormTables => {
  const list = JSON.parse(key) as BatchNormCase[];
  return {
    // train mode: the updated running statistics come back in the cache (the result's [1])
    train: { fn: "batchNormForward", returns: "[out, { runningMean, runningVar }]", cases: list.map(trainCase) },
    test: { fn: "batchNormForward", returns: "[out, cache]", cases: list.map(testCase) },
    backward: { fn: "batchNormBackward", returns: "{ dx, dgamma, dbeta }", cases: list.map(backwardCase) },
  };
});

/** The tables of batchNormForward (train mode, test mode) and batchNormBackward over `list` (computed once per process). */
export function batchNormTables(list: readonly BatchNormCase[]): BatchNormTables {
  return tables(JSON.stringify(list));
}
