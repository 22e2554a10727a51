/**
 * Layer objects: each wraps one layer function pair of src/layers/ (through the `ops` table of
 * src/ops/), owns its parameters and their gradients, and remembers the cache of its last forward
 * pass for the backward pass. Shapes are batch-first; a layer keeps its dtype (float32 by default).
 *
 * Here: the fully connected and elementwise layers, and layerFromSpec, which builds any layer from
 * its description. What every layer shares: ./layer.ts; the layers of images: ./image-layers.ts.
 * Shape questions (output shape, parameter shapes, multiply-adds) are answered from the layer's
 * description (`spec`) by layer-spec.ts, the same code `summary` uses.
 */
import type { BatchNormCache } from "../layers/batchnorm.js";
import type { DropoutCache } from "../layers/dropout.js";
import type { LinearCache } from "../layers/linear.js";
import type { ReluCache } from "../layers/relu.js";
import type { SigmoidCache } from "../layers/sigmoid.js";
import { Rng } from "../random.js";
import { Tensor, allocate, randn, zeros } from "../tensor.js";
import type { BatchNormSpec, LayerSpec, LinearSpec } from "./layer-spec.js";
import { AdaptiveAvgPool2d, Conv2d, Flatten, MaxPool2d } from "./image-layers.js";
import { LayerBase, accumulate, initStd, paramOf, type Layer, type LayerOptions, type Param } from "./layer.js";

export { AdaptiveAvgPool2d, Conv2d, Flatten, MaxPool2d };
export type { Init, Layer, LayerOptions, Param } from "./layer.js";

/** Fully connected layer: x [N, D] → x·W + b [N, M]; W [D, M] He-initialised, b [M] zeros. */
export class Linear extends LayerBase<LinearCache> {
  readonly W: Param;
  readonly b: Param;

  constructor(inFeatures: number, outFeatures: number, opts: LayerOptions = {}) {
    const spec: LinearSpec = { kind: "linear", inFeatures, outFeatures };
    super(spec, opts);
    const std = initStd(opts.init ?? "he", inFeatures);
    this.W = paramOf("W", randn([inFeatures, outFeatures], { rng: opts.rng, seed: opts.seed, dtype: this.dtype, std }));
    this.b = paramOf("b", zeros([outFeatures], this.dtype));
  }

  forward(x: Tensor): Tensor {
    const [out, cache] = this.ops.linearForward(x, this.W.value, this.b.value);
    this.save(cache);
    return out;
  }

  backward(dout: Tensor): Tensor {
    if (this.ops.linearBackwardInto) return this.ops.linearBackwardInto(dout, this.saved(), this.W.grad, this.b.grad);
    const { dx, dW, db } = this.ops.linearBackward(dout, this.saved());
    accumulate(this.W, dW);
    accumulate(this.b, db);
    return dx;
  }

  override params(): Param[] {
    return [this.W, this.b];
  }
}

/** max(0, x), elementwise, any shape. */
export class ReLU extends LayerBase<ReluCache> {
  constructor(opts: LayerOptions = {}) {
    super({ kind: "relu" }, opts);
  }

  forward(x: Tensor): Tensor {
    const [out, cache] = this.ops.reluForward(x);
    this.save(cache);
    return out;
  }

  backward(dout: Tensor): Tensor {
    return this.ops.reluBackward(dout, this.saved());
  }
}

/** σ(x) = 1/(1 + e^(−x)), elementwise, any shape. */
export class Sigmoid extends LayerBase<SigmoidCache> {
  constructor(opts: LayerOptions = {}) {
    super({ kind: "sigmoid" }, opts);
  }

  forward(x: Tensor): Tensor {
    const [out, cache] = this.ops.sigmoidForward(x);
    this.save(cache);
    return out;
  }

  backward(dout: Tensor): Tensor {
    return this.ops.sigmoidBackward(dout, this.saved());
  }
}

/**
 * Batch normalization over the features of x [N, D]: γ [D] ones, β [D] zeros. Training uses the
 * batch's mean and variance and updates the running averages; evaluation uses the running averages.
 */
export class BatchNorm extends LayerBase<BatchNormCache> {
  readonly gamma: Param;
  readonly beta: Param;
  /** Running mean [D] and variance [D] (float64), updated after each training forward pass. */
  runningMean: Tensor;
  runningVar: Tensor;
  readonly eps: number;
  readonly momentum: number;

  constructor(features: number, opts: LayerOptions & { eps?: number; momentum?: number } = {}) {
    const spec: BatchNormSpec = { kind: "batchnorm", features };
    super(spec, opts);
    this.gamma = paramOf("gamma", new Tensor(allocate(features, this.dtype).fill(1), [features]));
    this.beta = paramOf("beta", zeros([features], this.dtype));
    this.runningMean = zeros([features], this.dtype);
    this.runningVar = new Tensor(allocate(features, this.dtype).fill(1), [features]);
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum ?? 0.9;
  }

  forward(x: Tensor, training: boolean): Tensor {
    const [out, cache] = this.ops.batchNormForward(x, this.gamma.value, this.beta.value, {
      mode: training ? "train" : "test",
      eps: this.eps,
      momentum: this.momentum,
      runningMean: this.runningMean,
      runningVar: this.runningVar,
    });
    if (training) {
      this.runningMean = cache.runningMean;
      this.runningVar = cache.runningVar;
    }
    this.save(cache);
    return out;
  }

  backward(dout: Tensor): Tensor {
    const { dx, dgamma, dbeta } = this.ops.batchNormBackward(dout, this.saved());
    accumulate(this.gamma, dgamma);
    accumulate(this.beta, dbeta);
    return dx;
  }

  override params(): Param[] {
    return [this.gamma, this.beta];
  }
}

/**
 * Inverted dropout (dropoutForward / dropoutBackward): in training each unit is kept with
 * probability 1 − p and scaled by 1/(1 − p); in evaluation the layer passes x through. The masks
 * come from a seeded generator.
 */
export class Dropout extends LayerBase<DropoutCache> {
  readonly p: number;
  private readonly rng: Rng;

  constructor(p = 0.5, opts: LayerOptions = {}) {
    super({ kind: "dropout", p }, opts);
    if (!(p >= 0 && p < 1)) throw new Error(`Dropout: p must be in [0, 1), got ${p}`);
    this.p = p;
    this.rng = opts.rng ?? new Rng(opts.seed ?? 0);
  }

  forward(x: Tensor, training: boolean): Tensor {
    const [out, cache] = this.ops.dropoutForward(x, { p: this.p, mode: training ? "train" : "test", rng: this.rng });
    this.save(cache);
    return out;
  }

  backward(dout: Tensor): Tensor {
    return this.ops.dropoutBackward(dout, this.saved());
  }
}

/** Build the layer object a description stands for (allocates and initialises its parameters). */
export function layerFromSpec(spec: LayerSpec, opts: LayerOptions = {}): Layer {
  switch (spec.kind) {
    case "linear":
      return new Linear(spec.inFeatures, spec.outFeatures, opts);
    case "conv2d":
      return new Conv2d(spec.inChannels, spec.outChannels, spec.kernel, { ...opts, stride: spec.stride, pad: spec.pad, roundDown: spec.roundDown });
    case "maxpool2d":
      return new MaxPool2d(spec.size, spec.stride, opts);
    case "batchnorm":
      return new BatchNorm(spec.features, opts);
    case "dropout":
      return new Dropout(spec.p, opts);
    case "adaptiveavgpool2d":
      return new AdaptiveAvgPool2d(spec.output[0], spec.output[1], opts);
    case "relu":
      return new ReLU(opts);
    case "sigmoid":
      return new Sigmoid(opts);
    case "flatten":
      return new Flatten(opts);
  }
}
