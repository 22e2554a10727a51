/**
 * What a layer object is (Layer, Param) and what the library's layer objects share (LayerBase):
 * the ops table they call, their parameters in kernel memory where the kit keeps them there, the
 * cache of the last forward pass, and the shape questions answered from their description.
 *
 * Parameters: He/Kaiming-normal initialisation (std √(2/fan_in)), seeded; biases zero. Gradients
 * ACCUMULATE into `grad` on every backward pass (as in micrograd and PyTorch), so call
 * `zeroGrad()` (Sequential) before each step.
 */
import type { Rng } from "../random.js";
import { DType, Tensor, zeros } from "../tensor.js";
import { LayerSpec, ParamShape, describeLayer, layerName } from "./layer-spec.js";
import { opsFor, type Ops } from "../ops/index.js";
import { float32Array } from "../ops/float32.js";

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

export function initStd(init: Init, fanIn: number): number {
  if (typeof init === "number") return init;
  return init === "he" ? Math.sqrt(2 / fanIn) : Math.sqrt(1 / fanIn);
}

/**
 * A parameter and its zeroed gradient. float32 ones are kept in kernel memory where the engine
 * allows (float32Array), so that the fast kernels and the optimizer use them without copies.
 */
export function paramOf(name: string, value: Tensor): Param {
  if (value.dtype !== "float32") return { name, value, grad: zeros(value.shape, value.dtype) };
  const data = float32Array(value.size);
  data.set(value.data);
  return { name, value: new Tensor(data, value.shape), grad: new Tensor(float32Array(value.size), value.shape) };
}

/** p.grad += g (same sizes). */
export function accumulate(p: Param, g: Tensor): void {
  const a = p.grad.data;
  const b = g.data;
  for (let i = 0; i < a.length; i++) a[i] += b[i];
}

/** Shared plumbing: name, dtype, ops table, the forward cache, shape questions. */
export abstract class LayerBase<C> implements Layer {
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

