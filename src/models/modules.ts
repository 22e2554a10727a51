/**
 * Layer objects: each wraps one layer function pair of src/layers/ (through the `ops` table of
 * src/ops/), owns its parameters and their gradients, and remembers the cache of its last forward
 * pass for the backward pass. Shapes are batch-first; a layer keeps its dtype (float32 by default).
 *
 * Parameters: He/Kaiming-normal initialisation (std √(2/fan_in), fan_in = D for Linear, C·KH·KW
 * for Conv2d), seeded; biases zero. Gradients ACCUMULATE into `grad` on every backward pass (as in
 * micrograd and PyTorch), so call `zeroGrad()` (Sequential) before each step.
 *
 * Shape questions (output shape, parameter shapes, multiply-adds) are answered from the layer's
 * description (`spec`) by layer-spec.ts, the same code `summary` uses.
 */
import type { AdaptiveAvgPool2dCache } from "../layers/avgpool2d.js";
import type { BatchNormCache } from "../layers/batchnorm.js";
import type { Conv2dCache } from "../layers/conv2d.js";
import type { DropoutCache } from "../layers/dropout.js";
import type { LinearCache } from "../layers/linear.js";
import type { MaxPool2dCache } from "../layers/maxpool2d.js";
import type { Pad2dCache } from "../layers/pad2d.js";
import type { ReluCache } from "../layers/relu.js";
import type { SigmoidCache } from "../layers/sigmoid.js";
import { Rng } from "../random.js";
import { DType, Tensor, allocate, randn, zeros } from "../tensor.js";
import {
  BatchNormSpec,
  Conv2dSpec,
  LayerSpec,
  LinearSpec,
  ParamShape,
  describeLayer,
  layerName,
} from "./layer-spec.js";
import { opsFor, type Ops } from "../ops/index.js";
import { coveredLength } from "../ops/conv2d/contract.js";
import { float32Array } from "../ops/float32.js";
import { conv, maxPool } from "./specs.js";

/** A parameter tensor with its gradient (same shape and dtype). */
export interface Param {
  name: string;
  value: Tensor;
  grad: Tensor;
}

/** What every layer object offers. */
export interface Layer {
  /** e.g. "Linear 784→100", "Conv2d 1→20 5×5 pad 2". */
  readonly name: string;
  /** The description it was built from (what `summary` reads). */
  readonly spec: LayerSpec;
  /** dtype of its parameters and outputs. */
  readonly dtype: DType;
  /** x [N, ...] → out [N, ...]; `training` selects batch statistics (BatchNorm) and dropping (Dropout). */
  forward(x: Tensor, training: boolean): Tensor;
  /** dout shaped like the last output → dx shaped like the last input; adds parameter gradients into `grad`. */
  backward(dout: Tensor): Tensor;
  /** The layer's parameters (empty for ReLU, pooling, ...). */
  params(): Param[];
  /** Output shape for one example of shape `inShape` (no batch dimension). */
  outputShape(inShape: readonly number[]): number[];
  /** Names, roles and shapes of the parameters. */
  paramShapes(): ParamShape[];
  /** Multiply-adds per example of shape `inShape`. */
  macs(inShape: readonly number[]): number;
  /** The table of layer functions it calls (the library's layers have one). */
  readonly ops?: Readonly<Ops>;
}

/** Weight initialisation: He/Kaiming normal (default), Xavier/Glorot normal (std √(1/fan_in)), or a given std. */
export type Init = "he" | "xavier" | number;

export interface LayerOptions {
  /** Seed of a fresh generator for the weights (default 0); ignored when `rng` is given. */
  seed?: number;
  /** Draw the weights from this generator (Sequential builds pass one along). */
  rng?: Rng;
  /** dtype of parameters and computation (default float32). */
  dtype?: DType;
  init?: Init;
  /** Use this table of layer functions instead of `opsFor(dtype)`. */
  ops?: Readonly<Ops>;
}

function initStd(init: Init, fanIn: number): number {
  if (typeof init === "number") return init;
  return init === "he" ? Math.sqrt(2 / fanIn) : Math.sqrt(1 / fanIn);
}

/**
 * A parameter and its zeroed gradient. float32 ones are kept in kernel memory where the engine
 * allows (float32Array), so that the fast kernels and the optimizer use them without copies.
 */
function paramOf(name: string, value: Tensor): Param {
  if (value.dtype !== "float32") return { name, value, grad: zeros(value.shape, value.dtype) };
  const data = float32Array(value.size);
  data.set(value.data);
  return { name, value: new Tensor(data, value.shape), grad: new Tensor(float32Array(value.size), value.shape) };
}

/** p.grad += g (same sizes). */
function accumulate(p: Param, g: Tensor): void {
  const a = p.grad.data;
  const b = g.data;
  for (let i = 0; i < a.length; i++) a[i] += b[i];
}

/** Shared plumbing: name, dtype, ops table, the forward cache, shape questions. */
abstract class LayerBase<C> implements Layer {
  readonly spec: LayerSpec;
  readonly name: string;
  readonly dtype: DType;
  /** The table of layer functions it calls. */
  readonly ops: Readonly<Ops>;
  private cache: C | null = null;

  constructor(spec: LayerSpec, opts: LayerOptions) {
    this.spec = spec;
    this.name = layerName(spec);
    this.dtype = opts.dtype ?? "float32";
    this.ops = opts.ops ?? opsFor(this.dtype);
  }

  abstract forward(x: Tensor, training: boolean): Tensor;
  abstract backward(dout: Tensor): Tensor;

  params(): Param[] {
    return [];
  }

  outputShape(inShape: readonly number[]): number[] {
    return describeLayer(this.spec, inShape).outputShape;
  }

  paramShapes(): ParamShape[] {
    const roles: Record<string, ParamShape["role"]> = { W: "weight", w: "weight", b: "bias", gamma: "gamma", beta: "beta" };
    return this.params().map((p) => ({ name: p.name, role: roles[p.name], shape: [...p.value.shape] }));
  }

  macs(inShape: readonly number[]): number {
    return describeLayer(this.spec, inShape).macs;
  }

  protected save(cache: C): void {
    this.cache = cache;
  }

  /** The cache of the last forward pass; a clear error when backward comes first. */
  protected saved(): C {
    if (this.cache === null) throw new Error(`${this.name}: backward called before forward`);
    return this.cache;
  }
}

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
 * x [N, C, H, W] → [N, F, Ho, Wo]; w [F, C, KH, KW] He-initialised, b [F] zeros.
 * With `roundDown`, a padded input the windows do not tile exactly is zero-padded and cut to the
 * covered part here, and the layer function runs with pad 0 on it.
 */
export class Conv2d extends LayerBase<{ conv: Conv2dCache; padded: Pad2dCache | null }> {
  readonly w: Param;
  readonly b: Param;
  private readonly conv: Conv2dSpec;

  constructor(
    inChannels: number,
    outChannels: number,
    kernel: number | [number, number],
    opts: LayerOptions & { stride?: number; pad?: number; roundDown?: boolean } = {},
  ) {
    const spec = conv(inChannels, outChannels, kernel, opts);
    super(spec, opts);
    this.conv = spec;
    const [kh, kw] = spec.kernel;
    const std = initStd(opts.init ?? "he", inChannels * kh * kw);
    this.w = paramOf("w", randn([outChannels, inChannels, kh, kw], { rng: opts.rng, seed: opts.seed, dtype: this.dtype, std }));
    this.b = paramOf("b", zeros([outChannels], this.dtype));
  }

  forward(x: Tensor): Tensor {
    const { stride, pad, kernel, roundDown } = this.conv;
    if (roundDown && x.ndim === 4) {
      const size = [coveredLength(x.shape[2] + 2 * pad, kernel[0], stride), coveredLength(x.shape[3] + 2 * pad, kernel[1], stride)] as const;
      const [xp, padded] = this.ops.pad2dForward(x, { pad, size });
      const [out, cache] = this.ops.conv2dForward(xp, this.w.value, this.b.value, { stride, pad: 0 });
      this.save({ conv: cache, padded });
      return out;
    }
    const [out, cache] = this.ops.conv2dForward(x, this.w.value, this.b.value, { stride, pad });
    this.save({ conv: cache, padded: null });
    return out;
  }

  backward(dout: Tensor): Tensor {
    const { conv: cache, padded } = this.saved();
    const { dx, dw, db } = this.ops.conv2dBackward(dout, cache);
    accumulate(this.w, dw);
    accumulate(this.b, db);
    return padded ? this.ops.pad2dBackward(dx, padded) : dx;
  }

  override params(): Param[] {
    return [this.w, this.b];
  }
}

/** Max-pooling size×size with `stride` (default size): [N, C, H, W] → [N, C, Ho, Wo]. */
export class MaxPool2d extends LayerBase<MaxPool2dCache> {
  readonly size: number;
  readonly stride: number;

  constructor(size: number, stride = size, opts: LayerOptions = {}) {
    super(maxPool(size, stride), opts);
    this.size = size;
    this.stride = stride;
  }

  forward(x: Tensor): Tensor {
    const [out, cache] = this.ops.maxPool2dForward(x, { size: this.size, stride: this.stride });
    this.save(cache);
    return out;
  }

  backward(dout: Tensor): Tensor {
    return this.ops.maxPool2dBackward(dout, this.saved());
  }
}

/** [N, d1, d2, ...] → [N, d1·d2·...] (a view; no copy). */
export class Flatten extends LayerBase<number[]> {
  constructor(opts: LayerOptions = {}) {
    super({ kind: "flatten" }, opts);
  }

  forward(x: Tensor): Tensor {
    this.save([...x.shape]);
    return x.reshape([x.shape[0], -1]);
  }

  backward(dout: Tensor): Tensor {
    return dout.reshape(this.saved());
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

/**
 * Adaptive average pooling to a fixed [OH, OW] (adaptiveAvgPool2dForward / Backward, as in
 * torchvision's AlexNet and VGG). When the input is already OH×OW it passes x through.
 */
export class AdaptiveAvgPool2d extends LayerBase<AdaptiveAvgPool2dCache> {
  readonly output: [number, number];

  constructor(outH: number, outW = outH, opts: LayerOptions = {}) {
    super({ kind: "adaptiveavgpool2d", output: [outH, outW] }, opts);
    this.output = [outH, outW];
  }

  forward(x: Tensor): Tensor {
    const [out, cache] = this.ops.adaptiveAvgPool2dForward(x, { output: this.output });
    this.save(cache);
    return out;
  }

  backward(dout: Tensor): Tensor {
    return this.ops.adaptiveAvgPool2dBackward(dout, this.saved());
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
