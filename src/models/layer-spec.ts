/**
 * Layer descriptions: what a layer is (kind and sizes) without any weights, and the shape
 * arithmetic that follows from it — output shape, parameter shapes, multiply-adds.
 *
 * Model specs (`specs.ts`) are lists of these; `summary` reads them without allocating anything,
 * and the layer objects (`modules.ts`) are built from them and answer shape questions through
 * `describeLayer`, so each formula lives here once.
 *
 * Shapes here are per example (no batch dimension): [C, H, W] for images, [D] for vectors. The
 * sizes of a convolution or a pooling are its op's geometry (src/ops/<op>/contract.ts).
 * Multiply-adds (MACs) count only the weighted sums of Linear and Conv2d, bias not counted:
 * Linear D→M costs D·M, Conv2d costs (outputs F·Ho·Wo) × (C·KH·KW). Other layers count 0.
 */
import { expectedShapeStr, fitsShape } from "../shapes.js";
import { convGeometry } from "../ops/conv2d/contract.js";
import { poolGeometry } from "../ops/maxpool2d/contract.js";

export interface LinearSpec {
  kind: "linear";
  inFeatures: number;
  outFeatures: number;
}
export interface Conv2dSpec {
  kind: "conv2d";
  inChannels: number;
  outChannels: number;
  /** [KH, KW] */
  kernel: [number, number];
  stride: number;
  pad: number;
  /**
   * Round the output size down when the windows do not tile the padded input exactly, dropping the
   * last partial window (torchvision does this; AlexNet's first conv on 224×224 needs it). Without
   * it such a shape is an error, as in conv2dForward.
   */
  roundDown?: boolean;
}
export interface MaxPool2dSpec {
  kind: "maxpool2d";
  size: number;
  stride: number;
}
export interface BatchNormSpec {
  kind: "batchnorm";
  features: number;
}
export interface DropoutSpec {
  kind: "dropout";
  /** Probability of dropping a unit during training. */
  p: number;
}
export interface AdaptiveAvgPool2dSpec {
  kind: "adaptiveavgpool2d";
  /** [OH, OW] */
  output: [number, number];
}
export interface ActivationSpec {
  kind: "relu" | "sigmoid" | "flatten";
}

/** One layer, described by its kind and sizes only. */
export type LayerSpec =
  | LinearSpec
  | Conv2dSpec
  | MaxPool2dSpec
  | BatchNormSpec
  | DropoutSpec
  | AdaptiveAvgPool2dSpec
  | ActivationSpec;

/** A named model: the input shape it expects (no batch) and its layers in order. */
export interface ModelSpec {
  name: string;
  inputShape: number[];
  layers: LayerSpec[];
}

/** The role of a parameter tensor, for counting weights and biases separately. */
export type ParamRole = "weight" | "bias" | "gamma" | "beta";

export interface ParamShape {
  name: string;
  role: ParamRole;
  shape: number[];
}

/** Everything that follows from a layer description and an input shape. */
export interface LayerDescription {
  /** e.g. "Conv2d 1→20 5×5 pad 2", "Linear 2450→500", "ReLU". */
  name: string;
  inputShape: number[];
  outputShape: number[];
  params: ParamShape[];
  /** Number of parameters (all entries of all parameter tensors). */
  paramCount: number;
  /** Multiply-adds per example (see the convention at the top of this file). */
  macs: number;
}

/** The display name of a layer, e.g. "Conv2d 3→64 11×11 stride 4 pad 2". */
export function layerName(spec: LayerSpec): string {
  switch (spec.kind) {
    case "linear":
      return `Linear ${spec.inFeatures}→${spec.outFeatures}`;
    case "conv2d": {
      const [kh, kw] = spec.kernel;
      const extra = (spec.stride !== 1 ? ` stride ${spec.stride}` : "") + (spec.pad !== 0 ? ` pad ${spec.pad}` : "");
      return `Conv2d ${spec.inChannels}→${spec.outChannels} ${kh}×${kw}${extra}`;
    }
    case "maxpool2d":
      return `MaxPool2d ${spec.size}×${spec.size} stride ${spec.stride}`;
    case "batchnorm":
      return `BatchNorm ${spec.features}`;
    case "dropout":
      return `Dropout p=${spec.p}`;
    case "adaptiveavgpool2d":
      return `AdaptiveAvgPool2d ${spec.output[0]}×${spec.output[1]}`;
    case "relu":
      return "ReLU";
    case "sigmoid":
      return "Sigmoid";
    case "flatten":
      return "Flatten";
  }
}

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function expectInput(name: string, inShape: readonly number[], expected: readonly number[], layout: string): void {
  if (!fitsShape(inShape, expected)) {
    throw new Error(`${name}: input shape [${inShape.join(", ")}] does not fit, expected ${expectedShapeStr(expected)} ${layout} (per example, no batch)`);
  }
}

/** Output shape, parameter shapes and multiply-adds of `spec` on one example of shape `inShape`. */
export function describeLayer(spec: LayerSpec, inShape: readonly number[]): LayerDescription {
  const name = layerName(spec);
  let outputShape: number[];
  let params: ParamShape[] = [];
  let macs = 0;
  switch (spec.kind) {
    case "linear":
      expectInput(name, inShape, [spec.inFeatures], "[D]");
      outputShape = [spec.outFeatures];
      params = [
        { name: "W", role: "weight", shape: [spec.inFeatures, spec.outFeatures] },
        { name: "b", role: "bias", shape: [spec.outFeatures] },
      ];
      macs = spec.inFeatures * spec.outFeatures;
      break;
    case "conv2d": {
      expectInput(name, inShape, [spec.inChannels, -1, -1], "[C, H, W]");
      const g = convGeometry(name, [1, ...inShape], [spec.outChannels, spec.inChannels, ...spec.kernel], spec.stride, spec.pad, spec.roundDown);
      outputShape = [g.F, g.Ho, g.Wo];
      params = [
        { name: "w", role: "weight", shape: [g.F, g.C, g.KH, g.KW] },
        { name: "b", role: "bias", shape: [g.F] },
      ];
      macs = g.F * g.Ho * g.Wo * g.C * g.KH * g.KW;
      break;
    }
    case "maxpool2d": {
      expectInput(name, inShape, [-1, -1, -1], "[C, H, W]");
      const g = poolGeometry(name, [1, ...inShape], spec.size, spec.stride);
      outputShape = [g.C, g.Ho, g.Wo];
      break;
    }
    case "adaptiveavgpool2d":
      expectInput(name, inShape, [-1, -1, -1], "[C, H, W]");
      outputShape = [inShape[0], spec.output[0], spec.output[1]];
      break;
    case "batchnorm":
      expectInput(name, inShape, [spec.features], "[D]");
      outputShape = [spec.features];
      params = [
        { name: "gamma", role: "gamma", shape: [spec.features] },
        { name: "beta", role: "beta", shape: [spec.features] },
      ];
      break;
    case "flatten":
      outputShape = [product(inShape)];
      break;
    case "relu":
    case "sigmoid":
    case "dropout":
      outputShape = [...inShape];
      break;
  }
  const paramCount = params.reduce((s, p) => s + product(p.shape), 0);
  return { name, inputShape: [...inShape], outputShape, params, paramCount, macs };
}

/** Describe every layer of a model in turn, feeding each output shape to the next layer. */
export function describeLayers(layers: readonly LayerSpec[], inputShape: readonly number[]): LayerDescription[] {
  const out: LayerDescription[] = [];
  let shape: readonly number[] = inputShape;
  for (const [i, spec] of layers.entries()) {
    let d: LayerDescription;
    try {
      d = describeLayer(spec, shape);
    } catch (e) {
      throw new Error(`layer ${i + 1} of ${layers.length}: ${(e as Error).message}`);
    }
    out.push(d);
    shape = d.outputShape;
  }
  return out;
}
