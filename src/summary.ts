/**
 * summary(model, inputShape): per layer the output shape, weight shape, parameters and
 * multiply-adds, and the totals — computed from the layer descriptions alone, so no weight is
 * allocated (VGG-16's 138 million parameters cost nothing). `formatSummary` prints it as the
 * lecture's LeNet-5 table. Also the small counts the slides quote (MLP neurons and weights, fully
 * connected vs convolutional weights, one conv layer's statistics), each from the same formulas.
 *
 * Convention (see models/layer-spec.ts): MACs count the weighted sums of Linear and Conv2d only,
 * bias not counted; shapes are per example, without the batch dimension.
 */
import { LayerSpec, ModelSpec, describeLayer, describeLayers } from "./models/layer-spec.js";
import { conv, fc, mlp } from "./models/specs.js";

/** One row of the table. `weightShape` is the weight tensor's shape (null for layers without one). */
export interface SummaryRow {
  name: string;
  outputShape: number[];
  weightShape: number[] | null;
  /** Parameters of the layer (weights + biases, or γ + β). */
  params: number;
  /** Multiply-adds per example. */
  macs: number;
}

export interface SummaryResult {
  /** Model name when known (from a spec). */
  name?: string;
  inputShape: number[];
  rows: SummaryRow[];
  totalParams: number;
  totalMacs: number;
  /** Units computing a weighted sum: the outputs of every Linear and Conv2d layer. */
  neurons: number;
  /** Entries of weight tensors (W of Linear, w of Conv2d). */
  weights: number;
  /** Entries of bias tensors. */
  biases: number;
}

/** Anything summary reads: a spec, a list of layer specs, or a built model whose layers carry their spec. */
export type Summarizable =
  | ModelSpec
  | readonly LayerSpec[]
  | { readonly layers: readonly { readonly spec: LayerSpec }[]; readonly inputShape?: readonly number[] };

function layerSpecsOf(model: Summarizable): { specs: LayerSpec[]; name?: string; inputShape?: readonly number[] } {
  if (Array.isArray(model)) return { specs: [...(model as readonly LayerSpec[])] };
  const m = model as ModelSpec | { layers: readonly { spec: LayerSpec }[]; inputShape?: readonly number[] };
  const specs = m.layers.map((l) => ("kind" in l ? l : l.spec));
  return { specs, name: "name" in m ? m.name : undefined, inputShape: m.inputShape };
}

/**
 * Summarize a model on one example of `inputShape` ([C, H, W] or [D], no batch; defaults to the
 * spec's own input shape). Allocates no tensor.
 */
export function summary(model: Summarizable, inputShape?: readonly number[]): SummaryResult {
  const { specs, name, inputShape: own } = layerSpecsOf(model);
  const shape = inputShape ?? own;
  if (!shape) throw new Error("summary: no input shape given and the model does not state one; pass e.g. [1, 28, 28] or [784]");
  const described = describeLayers(specs, shape);
  const result: SummaryResult = { name, inputShape: [...shape], rows: [], totalParams: 0, totalMacs: 0, neurons: 0, weights: 0, biases: 0 };
  for (const d of described) {
    const weight = d.params.find((p) => p.role === "weight");
    result.rows.push({ name: d.name, outputShape: d.outputShape, weightShape: weight ? weight.shape : null, params: d.paramCount, macs: d.macs });
    result.totalParams += d.paramCount;
    result.totalMacs += d.macs;
    if (weight) result.neurons += d.outputShape.reduce((a, b) => a * b, 1);
    for (const p of d.params) {
      const n = p.shape.reduce((a, b) => a * b, 1);
      if (p.role === "weight") result.weights += n;
      if (p.role === "bias") result.biases += n;
    }
  }
  return result;
}

/** 1256080 → "1,256,080". */
export function withThousands(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

const dims = (shape: readonly number[]): string => shape.join("×");

/** The summary as a fixed-width text table (layer, output shape, weight shape, parameters, multiply-adds, totals). */
export function formatSummary(result: SummaryResult): string {
  const header = ["Layer", "Output shape", "Weight shape", "Parameters", "Multiply-adds"];
  const body: string[][] = [["Input", dims(result.inputShape), "", "", ""]];
  for (const r of result.rows) {
    const bias = r.weightShape ? ` + ${r.params - r.weightShape.reduce((a, b) => a * b, 1)}` : "";
    body.push([
      r.name,
      dims(r.outputShape),
      r.weightShape ? dims(r.weightShape) + bias : "",
      r.params ? withThousands(r.params) : "",
      r.macs ? withThousands(r.macs) : "",
    ]);
  }
  const total = ["Total", "", "", withThousands(result.totalParams), withThousands(result.totalMacs)];
  const all = [header, ...body, total];
  const width = header.map((_, c) => Math.max(...all.map((row) => row[c].length)));
  const line = (row: string[]): string =>
    row.map((cell, c) => (c >= 3 ? cell.padStart(width[c]) : cell.padEnd(width[c]))).join("   ").trimEnd();
  const rule = width.map((w) => "─".repeat(w)).join("───");
  const lines = [line(header), rule, ...body.map(line), rule, line(total)];
  if (result.name) lines.unshift(`${result.name}`);
  lines.push(
    `${withThousands(result.weights)} weights + ${withThousands(result.biases)} biases` +
      (result.totalParams !== result.weights + result.biases ? " + normalization parameters" : "") +
      `; ${withThousands(result.neurons)} neurons; ${roughly(result.totalMacs)} multiply-adds per example`,
  );
  return lines.join("\n");
}

/** 15470264320 → "15.47 G", 6522000 → "6.52 M". */
function roughly(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : withThousands(n);
}

/** The slide's count for a fully connected net, e.g. [3, 4, 2] → { neurons: 6, weights: 20, biases: 6, params: 26 } (neurons = non-input units). */
export function countMlp(sizes: readonly number[]): { neurons: number; weights: number; biases: number; params: number } {
  const s = summary(mlp(sizes));
  return { neurons: s.neurons, weights: s.weights, biases: s.biases, params: s.totalParams };
}

/** Weights of a fully connected layer from `inputPixels` inputs to `hidden` units (no biases): 200·200 → 40,000 gives 1.6e9. */
export function fullyConnectedWeights(inputPixels: number, hidden: number): number {
  return summary([fc(inputPixels, hidden)], [inputPixels]).weights;
}

/** Weights of `filters` k×k filters on a `channels`-channel image (no biases): one 10×10 filter = 100, 20 of them = 2,000. */
export function convWeights(kernel: number, filters = 1, channels = 1): number {
  return summary([conv(channels, filters, kernel)], [channels, kernel, kernel]).weights;
}

/** One conv layer on an input [C, H, W]: output shape [F, Ho, Wo], parameters (with biases) and multiply-adds. */
export function convLayerStats(
  inputShape: readonly number[],
  filters: number,
  kernel: number | [number, number],
  opts: { stride?: number; pad?: number } = {},
): { outputShape: number[]; params: number; macs: number } {
  const d = describeLayer(conv(inputShape[0], filters, kernel, opts), inputShape);
  return { outputShape: d.outputShape, params: d.paramCount, macs: d.macs };
}
