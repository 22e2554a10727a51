/**
 * The stages of a model's training program (./fast.ts): each layer's place in kernel memory — its
 * activations, gradients, parameters, packed geometry and scratch — laid out once when the
 * program is compiled, in the order the program runs them.
 */
import type { Tensor } from "../../tensor.js";
import { ThreadScratch, type Engine } from "../../engine/engine.js";
import { convGeometry } from "../conv2d/contract.js";
import { allocConvPartials, allocWinogradFilters, atBase, convScratchBytes, putConvGeometry, type ConvGeometry, type ConvPartials, type ConvScratch } from "../conv2d/fast.js";
import { poolGeometry } from "../maxpool2d/contract.js";
import { putPoolGeometry, type PoolGeometry } from "../maxpool2d/fast.js";
import type { ProgramLayer, ProgramParam } from "./contract.js";

/** A layer's output (or the input) for a whole batch: values at p, gradient at d (0: none), floats per example. */
export interface Activation {
  p: number;
  d: number;
  size: number;
  shape: readonly number[];
}

/** Where a layer's parameters and their gradients are in kernel memory. */
export interface Weights {
  pW: number;
  pB: number;
  pDw: number;
  pDb: number;
}

/** One step of the program; `needDx`: some earlier stage has parameters, so the gradient of its input is needed. */
export type Stage = { needDx: boolean } & (
  | { kind: "conv"; g: ConvGeometry; pGeom: number; weights: Weights; input: Activation; output: Activation; scratch: ConvScratch; partials: ConvPartials; filters: { pU: number; pUt: number } }
  | { kind: "pool"; g: PoolGeometry; pGeom: number; input: Activation; output: Activation; pArg: number }
  | { kind: "relu"; act: Activation; perImage: boolean }
  | { kind: "linear"; D: number; M: number; weights: Weights; input: Activation; output: Activation }
);

/** What compiling lays out: the stages, the input and output activations, and the per-thread scratch. */
export interface Layout {
  stages: Stage[];
  input: Activation;
  output: Activation;
  threadStride: number;
  /** Thread 0's GEMM work space. */
  work: number;
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Whether a stage runs image by image (in the per-image chains). */
export function perImage(s: Stage): boolean {
  return s.kind === "conv" || s.kind === "pool" || (s.kind === "relu" && s.perImage);
}

/** The layers in the order the program runs them: a ReLU just before a max-pooling moves after it. */
function runOrder(layers: readonly ProgramLayer[]): ProgramLayer[] {
  const order = [...layers];
  for (let i = 0; i + 1 < order.length; i++) {
    if (order[i].kind === "relu" && order[i + 1].kind === "maxpool2d") {
      [order[i], order[i + 1]] = [order[i + 1], order[i]];
      i++;
    }
  }
  return order;
}

/** Pointers of a layer's weight and bias and their gradients, or null when one is not in kernel memory. */
function weightsOf(e: Engine, w: ProgramParam, b: ProgramParam): Weights | null {
  const ptr = (t: Tensor) => (t.data instanceof Float32Array ? e.pointerOf(t.data) : -1);
  const at = [ptr(w.value), ptr(b.value), ptr(w.grad), ptr(b.grad)];
  if (at.some((p) => p < 0)) return null;
  return { pW: at[0], pB: at[1], pDw: at[2], pDb: at[3] };
}

/** The output shape of `layer` for one example of shape `shape`, or null when it does not fit (or the sizes do not tile). */
function outputShape(layer: ProgramLayer, shape: readonly number[]): number[] | null {
  const fits = (t: Tensor, expected: readonly number[]) => t.shape.length === expected.length && expected.every((d, i) => d < 0 || d === t.shape[i]);
  try {
    switch (layer.kind) {
      case "conv2d": {
        const ok = shape.length === 3 && fits(layer.w.value, [-1, shape[0], -1, -1]) && fits(layer.b.value, [layer.w.value.shape[0]]);
        const g = ok ? convGeometry("compileTraining", [1, ...shape], layer.w.value.shape, layer.stride, layer.pad) : null;
        return g && [g.F, g.Ho, g.Wo];
      }
      case "maxpool2d": {
        const g = shape.length === 3 ? poolGeometry("compileTraining", [1, ...shape], layer.size, layer.stride) : null;
        return g && [g.C, g.Ho, g.Wo];
      }
      case "linear":
        return shape.length === 1 && fits(layer.W.value, [shape[0], -1]) && fits(layer.b.value, [layer.W.value.shape[1]]) ? [layer.W.value.shape[1]] : null;
      case "flatten":
        return [product(shape)];
      case "relu":
        return [...shape];
    }
  } catch {
    return null; // the layer-by-layer path reports the mismatch
  }
}

/**
 * The output shape of every layer, fed from one to the next from `exampleShape`, and the kernel
 * memory of every parameterised layer's weights; null when a shape does not fit or a parameter is
 * not in kernel memory.
 */
function checkLayers(e: Engine, layers: readonly ProgramLayer[], exampleShape: readonly number[]): { shapes: Map<ProgramLayer, number[]>; weights: Map<ProgramLayer, Weights> } | null {
  const shapes = new Map<ProgramLayer, number[]>();
  const weights = new Map<ProgramLayer, Weights>();
  let shape: readonly number[] = exampleShape;
  for (const layer of layers) {
    const output = outputShape(layer, shape);
    if (output === null) return null;
    shapes.set(layer, output);
    shape = output;
    const w = layer.kind === "conv2d" ? weightsOf(e, layer.w, layer.b) : layer.kind === "linear" ? weightsOf(e, layer.W, layer.b) : undefined;
    if (w === null) return null;
    if (w) weights.set(layer, w);
  }
  return { shapes, weights };
}

const NO_SCRATCH: ConvScratch = { col: 0, dcol: 0, work: 0, xp: 0, v: 0, m: 0 };

/**
 * Lay out the program of `layers` on examples of `exampleShape`, batches of up to B, in `e`'s
 * memory (allocated on it: the caller releases it); null when the layers do not fit together or
 * a parameter is outside kernel memory (nothing allocated then).
 */
export function layOut(e: Engine, layers: readonly ProgramLayer[], exampleShape: readonly number[], B: number): Layout | null {
  const checked = checkLayers(e, layers, exampleShape);
  if (checked === null) return null;
  const activation = (shape: readonly number[], gradient: boolean): Activation => {
    const size = product(shape);
    return { p: e.alloc(4 * B * size), d: gradient ? e.alloc(4 * B * size) : 0, size, shape };
  };
  const input = activation(exampleShape, false);
  const stages: Stage[] = [];
  const convs: (Stage & { kind: "conv" })[] = [];
  let act = input;
  let seenWeights = false;
  for (const layer of runOrder(layers)) {
    const needDx = seenWeights;
    if (layer.kind === "relu") {
      stages.push({ kind: "relu", act, perImage: stages.length > 0 && perImage(stages[stages.length - 1]), needDx });
      continue;
    }
    if (layer.kind === "flatten") {
      act = { ...act, shape: [act.size] };
      continue;
    }
    // (A ReLU moved after a max-pooling does not change the pooling's input shape.)
    const output = activation(checked.shapes.get(layer)!, true);
    if (layer.kind === "conv2d") {
      const g = convGeometry("compileTraining", [B, ...act.shape], layer.w.value.shape, layer.stride, layer.pad);
      const filters = allocWinogradFilters(e, g, true, needDx);
      const stage = { kind: "conv" as const, g, pGeom: putConvGeometry(e, g), weights: checked.weights.get(layer)!, input: act, output, scratch: NO_SCRATCH, partials: allocConvPartials(e, g), filters, needDx };
      convs.push(stage);
      stages.push(stage);
      seenWeights = true;
    } else if (layer.kind === "maxpool2d") {
      const g = poolGeometry("compileTraining", [B, ...act.shape], layer.size, layer.stride);
      stages.push({ kind: "pool", g, pGeom: putPoolGeometry(e, g), input: act, output, pArg: e.alloc(4 * B * output.size), needDx });
    } else if (layer.kind === "linear") {
      const [D, M] = layer.W.value.shape;
      stages.push({ kind: "linear", D, M, weights: checked.weights.get(layer)!, input: act, output, needDx });
      seenWeights = true;
    }
    act = output;
  }
  // Per-thread scratch: one of each kind (col, dcol, Winograd's, GEMM work) for every layer (a thread runs one call at a time).
  const scratch = new ThreadScratch();
  const bytes = (k: keyof ReturnType<typeof convScratchBytes>) => scratch.add(Math.max(0, ...convs.map(({ g, needDx }) => convScratchBytes(g, needDx)[k])));
  const shared = { col: bytes("col"), dcol: bytes("dcol"), xp: bytes("xp"), v: bytes("v"), m: bytes("m"), work: scratch.add(e.gemmWorkBytes()) };
  const { base, stride } = scratch.allocate(e);
  for (const stage of convs) stage.scratch = atBase(shared, base);
  return { stages, input, output: act, threadStride: stride, work: base + shared.work };
}
