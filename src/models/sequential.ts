/**
 * Sequential: layers applied one after the other. forward runs them in order, backward in reverse
 * (each layer turns the gradient of its output into the gradient of its input and adds its
 * parameter gradients into `grad`).
 *
 * `build(spec)` turns a weight-free spec (specs.ts) into a Sequential with allocated, seeded weights.
 */
import { firstNonFinite } from "../metrics.js";
import { Rng } from "../random.js";
import { DType, Tensor } from "../tensor.js";
import { LayerSpec, ModelSpec } from "./layer-spec.js";
import { Init, Layer, Param, layerFromSpec } from "./modules.js";

/** Thrown by Sequential.forward when a layer's output holds NaN or ±Infinity. */
export class NonFiniteError extends Error {
  /** 1-based index of the layer (0 = the input itself). */
  readonly layerIndex: number;
  readonly layerName: string;
  readonly what: "NaN" | "Infinity";

  constructor(layerIndex: number, layerName: string, what: "NaN" | "Infinity") {
    const where = layerIndex === 0 ? "the input" : `output of layer ${layerIndex} (${layerName})`;
    super(`${where} contains ${what}`);
    this.name = "NonFiniteError";
    this.layerIndex = layerIndex;
    this.layerName = layerName;
    this.what = what;
  }
}

/** "NaN", "Infinity" or null for the first non-finite value in t. */
function nonFinite(t: Tensor): "NaN" | "Infinity" | null {
  const i = firstNonFinite(t.data);
  return i < 0 ? null : Number.isNaN(t.data[i]) ? "NaN" : "Infinity";
}

export class Sequential {
  readonly layers: Layer[];
  /** dtype inputs are converted to (default: the first layer's dtype). */
  readonly dtype: DType;
  /** The per-example input shape, when built from a spec (used by `summary`). */
  readonly inputShape?: number[];
  readonly name?: string;
  /** The input and each layer's output of the last forward pass (for finding where NaN came from). */
  private lastOutputs: Tensor[] = [];

  constructor(layers: Layer[], opts: { dtype?: DType; inputShape?: number[]; name?: string } = {}) {
    if (layers.length === 0) throw new Error("Sequential: needs at least one layer");
    this.layers = layers;
    this.dtype = opts.dtype ?? layers[0].dtype;
    this.inputShape = opts.inputShape;
    this.name = opts.name;
  }

  /**
   * x [N, ...] → scores [N, ...] through every layer (x converted to the model's dtype).
   * `training` = true uses batch statistics / dropout. When the scores hold NaN or Infinity, throws
   * NonFiniteError naming the first layer whose output holds one (or the input). Only the scores are
   * checked on every call; the layers' outputs are searched only then (see `findNonFinite`).
   */
  forward(x: Tensor, training = false): Tensor {
    let out = x.dtype === this.dtype ? x : x.astype(this.dtype);
    const outputs = this.lastOutputs;
    outputs.length = 0;
    outputs.push(out);
    for (const layer of this.layers) {
      out = layer.forward(out, training);
      outputs.push(out);
    }
    if (nonFinite(out)) throw this.findNonFinite()!;
    return out;
  }

  /**
   * The NonFiniteError for the first of the last forward pass's input and layer outputs that holds
   * NaN or Infinity (e.g. once the loss came out non-finite), or null when they are all finite.
   */
  findNonFinite(): NonFiniteError | null {
    const outputs = this.lastOutputs;
    for (let i = 0; i < outputs.length; i++) {
      const what = nonFinite(outputs[i]);
      if (what) return new NonFiniteError(i, i === 0 ? "input" : this.layers[i - 1].name, what);
    }
    return null;
  }

  /** dscores (gradient of the loss w.r.t. the last output) → dx; parameter gradients are added into `grad`. */
  backward(dout: Tensor): Tensor {
    let d = dout.dtype === this.dtype ? dout : dout.astype(this.dtype);
    for (let i = this.layers.length - 1; i >= 0; i--) d = this.layers[i].backward(d);
    return d;
  }

  /** All parameters, named "<layer number>.<name>" (e.g. "1.w", "8.W"), in layer order. */
  params(): Param[] {
    return this.layers.flatMap((layer, i) => layer.params().map((p) => ({ ...p, name: `${i + 1}.${p.name}` })));
  }

  /** Set every gradient to zero (call before each backward pass; gradients accumulate). */
  zeroGrad(): void {
    for (const p of this.params()) p.grad.data.fill(0);
  }

  /** Total number of parameters. */
  paramCount(): number {
    return this.params().reduce((s, p) => s + p.value.size, 0);
  }
}

export interface BuildOptions {
  /** Seed of the weight initialisation (default 0): same seed → same weights. */
  seed?: number;
  /** dtype of the model (default float32; float64 for gradient checks). */
  dtype?: DType;
  init?: Init;
}

/** Allocate a model from a spec (or a list of layer specs): every layer initialised from one seeded generator, in order. */
export function build(spec: ModelSpec | readonly LayerSpec[], opts: BuildOptions = {}): Sequential {
  const rng = new Rng(opts.seed ?? 0);
  const dtype = opts.dtype ?? "float32";
  const layerSpecs = Array.isArray(spec) ? (spec as readonly LayerSpec[]) : (spec as ModelSpec).layers;
  const layers = layerSpecs.map((s) => layerFromSpec(s, { rng, dtype, init: opts.init }));
  const named = Array.isArray(spec) ? {} : { inputShape: [...(spec as ModelSpec).inputShape], name: (spec as ModelSpec).name };
  return new Sequential(layers, { dtype, ...named });
}
