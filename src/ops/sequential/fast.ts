/**
 * A Sequential model's training step as two kernel programs (src/engine/engine.ts): the forward
 * pass and the backward pass of a whole batch, each posted to the engine's threads at once, over
 * activations and gradients that stay in kernel memory from one layer to the next. The calls are
 * the layers' own fast paths (../<op>/fast.ts); what the program adds is the order:
 *
 * - the layers that work image by image (convolution, max-pooling, a ReLU after them) run as one
 *   chain per image, so the threads share out the images of a batch once per pass rather than
 *   once per layer (backward: once per convolution, whose weight gradients are summed per group
 *   of images beside the per-image chains); the fully connected layers run as GEMMs split over
 *   the threads;
 * - a ReLU works in place (its backward needs only where its output is positive), and a ReLU just
 *   before a max-pooling runs after it, on a quarter of the values: max(0, ·) commutes with a
 *   window's maximum, and the gradient reaches the same input either way;
 * - the first layer computes no gradient for the input (nobody reads it), and the parameter
 *   gradients are written rather than zeroed and added to.
 *
 * Layers: Conv2d (without roundDown), ReLU, MaxPool2d, Flatten and Linear, float32, on the fast
 * table, with parameters and gradients in kernel memory; for any other model compileTraining
 * returns null and the training loop runs the layers one by one.
 */
import { Tensor } from "../../tensor.js";
import type { Layer } from "../../models/modules.js";
import { describeLayer, layerName } from "../../models/layer-spec.js";
import { kernelEngine } from "../../engine/index.js";
import { call, ThreadScratch, type Call, type Engine, type Program } from "../../engine/engine.js";
import { fastKernels } from "../fast.js";
import {
  allocConvPartials, atBase, convBackwardItems, convForwardCall, convGradientItems, imageGroups, imageRange, putConvGeometry,
  type ConvGeometry, type ConvPartials, type ConvPointers, type ConvScratch,
} from "../conv2d/fast.js";
import { linearBackwardPhase, linearForwardPhases, type LinearPointers } from "../linear/fast.js";
import { maxPoolBackwardCall, maxPoolCall, putPoolGeometry, type PoolGeometry } from "../maxpool2d/fast.js";
import { poolGeometry } from "../maxpool2d/contract.js";
import { convGeometry } from "../conv2d/contract.js";
import { reluGradItems, reluItems } from "../relu/fast.js";
import { RELU, RELU_GRAD } from "../relu/kernels.js";
import type { CompileTraining, TrainingProgram } from "./contract.js";

/** A layer's output (or the input) for a whole batch: values at p, gradient at d (0: none), floats per example. */
interface Activation {
  p: number;
  d: number;
  size: number;
  shape: readonly number[];
}

/** Where a layer's parameters and their gradients are in kernel memory. */
interface Weights {
  pW: number;
  pB: number;
  pDw: number;
  pDb: number;
}

/** One step of the program; `needDx`: some earlier stage has parameters, so the gradient of its input is needed. */
type Stage = { needDx: boolean } & (
  | { kind: "conv"; g: ConvGeometry; pGeom: number; weights: Weights; input: Activation; output: Activation; scratch: ConvScratch; partials: ConvPartials }
  | { kind: "pool"; g: PoolGeometry; pGeom: number; input: Activation; output: Activation; pArg: number }
  | { kind: "relu"; act: Activation; perImage: boolean }
  | { kind: "linear"; D: number; M: number; weights: Weights; input: Activation; output: Activation }
);

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The layers in the order the program runs them: a ReLU just before a max-pooling moves after it. */
function runOrder(layers: readonly Layer[]): Layer[] {
  const order = [...layers];
  for (let i = 0; i + 1 < order.length; i++) {
    if (order[i].spec.kind === "relu" && order[i + 1].spec.kind === "maxpool2d") {
      [order[i], order[i + 1]] = [order[i + 1], order[i]];
      i++;
    }
  }
  return order;
}

/** Pointers of a layer's parameters and gradients ([weight, bias]), or null when one is not in kernel memory. */
function weightsOf(e: Engine, layer: Layer): Weights | null {
  const params = layer.params();
  if (params.length !== 2) return null;
  const [w, b] = params;
  const ptr = (t: Tensor) => (t.data instanceof Float32Array ? e.pointerOf(t.data) : -1);
  const at = [ptr(w.value), ptr(b.value), ptr(w.grad), ptr(b.grad)];
  if (at.some((p) => p < 0)) return null;
  return { pW: at[0], pB: at[1], pDw: at[2], pDb: at[3] };
}

const SUPPORTED = new Set(["conv2d", "relu", "maxpool2d", "flatten", "linear"]);
const NO_SCRATCH: ConvScratch = { col: 0, dcol: 0, work: 0 };

class SequentialProgram implements TrainingProgram {
  private readonly programs = new Map<number, { forward: Program; backward: Program }>();
  private lastBatch = 0;
  private closed = false;

  constructor(
    private readonly e: Engine,
    private readonly mark: number,
    private readonly stages: Stage[],
    private readonly input: Activation,
    private readonly output: Activation,
    private readonly batchSize: number,
    private readonly threadStride: number,
    private readonly work: number,
  ) {}

  forward(x: Tensor, rows: ArrayLike<number>): Tensor {
    this.check();
    const b = rows.length;
    if (b < 1 || b > this.batchSize) throw new Error(`TrainingProgram.forward: ${b} rows, expected 1 to ${this.batchSize}`);
    const size = this.input.size;
    if (x.size / x.shape[0] !== size) throw new Error(`TrainingProgram.forward: examples of ${x.size / x.shape[0]} values, expected ${size}`);
    const heap = this.e.f32();
    const at = this.input.p >> 2;
    for (let i = 0; i < b; i++) heap.set(x.data.subarray(rows[i] * size, rows[i] * size + size), at + i * size);
    this.e.execute(this.programFor(b).forward);
    this.lastBatch = b;
    const out = this.output;
    return new Tensor(this.e.f32().slice(out.p >> 2, (out.p >> 2) + b * out.size), [b, ...out.shape]);
  }

  backward(dscores: Tensor): void {
    this.check();
    const b = this.lastBatch;
    if (b === 0) throw new Error("TrainingProgram.backward: called before forward");
    const out = this.output;
    if (dscores.size !== b * out.size) throw new Error(`TrainingProgram.backward: dscores has ${dscores.size} values, expected ${b * out.size}`);
    this.e.f32().set(dscores.data, out.d >> 2);
    this.e.execute(this.programFor(b).backward);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.e.release(this.mark);
  }

  private check(): void {
    if (this.closed) throw new Error("TrainingProgram: used after close()");
  }

  private programFor(b: number): { forward: Program; backward: Program } {
    let p = this.programs.get(b);
    if (!p) {
      p = { forward: { phases: this.forwardPhases(b), threadStride: this.threadStride }, backward: { phases: this.backwardPhases(b), threadStride: this.threadStride } };
      this.programs.set(b, p);
    }
    return p;
  }

  private forwardPhases(b: number): Call[][][] {
    const e = this.e;
    const phases: Call[][][] = [];
    let chain: Stage[] = [];
    const flush = () => {
      if (chain.length) phases.push(images(b).map((n) => chain.flatMap((s) => this.forwardCalls(s, n))));
      chain = [];
    };
    for (const s of this.stages) {
      if (perImage(s)) {
        chain.push(s);
        continue;
      }
      flush();
      if (s.kind === "linear") phases.push(...linearForwardPhases(e, this.linearPointers(s, b), this.work));
      else if (s.kind === "relu") phases.push(reluItems(e, s.act.p, s.act.p, b * s.act.size));
    }
    flush();
    return phases;
  }

  private forwardCalls(s: Stage, n: number): Call[] {
    switch (s.kind) {
      case "conv":
        return [convForwardCall(s.g, n, this.convPointers(s), s.scratch)];
      case "pool":
        return [maxPoolCall(s.pGeom, n * s.g.C, (n + 1) * s.g.C, s.input.p, s.output.p, s.pArg)];
      case "relu": {
        const at = s.act.p + 4 * n * s.act.size;
        return [call(RELU, { pX: at, pOut: at, n: s.act.size })];
      }
      case "linear":
        return [];
    }
  }

  private backwardPhases(b: number): Call[][][] {
    const e = this.e;
    const phases: Call[][][] = [];
    // The convolutions' gradient sums wait for every image; they go into the next phase (whose
    // items do not touch them), or a phase of their own at the end.
    let gradients: Call[][] = [];
    const push = (phase: Call[][]) => {
      phases.push([...phase, ...gradients]);
      gradients = [];
    };
    // A chain of per-image stages, walked backwards: each convolution's weight gradients are one
    // item per group of images (see GRADIENT_GROUPS: a group's partial sums are added to in image
    // order, by whichever thread takes the item); its input gradient and the stages below it, up to
    // the next convolution, one item per image in the same phase. The calls of the stages above the
    // chain's first convolution go first, in a phase of their own.
    let chain: Stage[] = [];
    const flush = () => {
      if (!chain.length) return;
      const groups = imageGroups(b);
      let conv: (Stage & { kind: "conv" }) | null = null;
      let after: Stage[] = [];
      const emit = () => {
        const rest = after;
        const perImageCalls = (n: number) => rest.flatMap((s) => this.backwardCalls(s, n));
        if (conv) {
          const c = conv;
          push(convBackwardItems(c.g, b, this.convPointers(c), c.scratch, c.partials, c.needDx, perImageCalls));
          gradients.push(...convGradientItems(c.g, c.partials, groups.length, c.weights.pDw, c.weights.pDb, false));
        } else if (rest.length) {
          push(images(b).map(perImageCalls));
        }
      };
      for (const s of chain) {
        if (s.kind !== "conv") {
          after.push(s);
          continue;
        }
        emit();
        conv = s;
        after = [];
      }
      emit();
      chain = [];
    };
    for (const s of [...this.stages].reverse()) {
      if (perImage(s)) {
        chain.push(s);
        continue;
      }
      flush();
      if (s.kind === "linear") push(linearBackwardPhase(e, this.linearPointers(s, b), this.work, false, s.needDx));
      else if (s.kind === "relu" && s.needDx) push(reluGradItems(e, s.act.p, s.act.d, s.act.d, b * s.act.size));
    }
    flush();
    if (gradients.length) phases.push(gradients);
    return phases;
  }

  /** The backward calls of image n for a per-image stage other than a convolution. */
  private backwardCalls(s: Stage, n: number): Call[] {
    switch (s.kind) {
      case "pool":
        return s.needDx ? [maxPoolBackwardCall(s.g, n, s.output.d, s.pArg, s.input.d)] : [];
      case "relu": {
        if (!s.needDx) return [];
        const at = 4 * n * s.act.size;
        return [call(RELU_GRAD, { pX: s.act.p + at, pDout: s.act.d + at, pDx: s.act.d + at, n: s.act.size })];
      }
      case "conv":
      case "linear":
        return [];
    }
  }

  private convPointers(s: Stage & { kind: "conv" }): ConvPointers {
    return { pX: s.input.p, pW: s.weights.pW, pB: s.weights.pB, pOut: s.output.p, pDout: s.output.d, pDx: s.input.d, pGeom: s.pGeom };
  }

  private linearPointers(s: Stage & { kind: "linear" }, b: number): LinearPointers {
    const { pW, pB, pDw, pDb } = s.weights;
    return { N: b, D: s.D, M: s.M, pX: s.input.p, pW, pB, pOut: s.output.p, pDout: s.output.d, pDx: s.input.d, pDW: pDw, pDb };
  }
}

const images = (b: number) => imageRange(0, b);

/** Whether a stage runs image by image (in the per-image chains). */
function perImage(s: Stage): boolean {
  return s.kind === "conv" || s.kind === "pool" || (s.kind === "relu" && s.perImage);
}

/** See CompileTraining (./contract.ts). */
export const compileTraining: CompileTraining = (layers, exampleShape, batchSize) => {
  const e = kernelEngine();
  const usable = layers.every((l) => l.dtype === "float32" && l.ops === fastKernels && SUPPORTED.has(l.spec.kind) && !(l.spec.kind === "conv2d" && l.spec.roundDown));
  if (!usable || !(Number.isInteger(batchSize) && batchSize >= 1)) return null;
  const weights = new Map<Layer, Weights>();
  for (const layer of layers) {
    if (layer.spec.kind !== "conv2d" && layer.spec.kind !== "linear") continue;
    const w = weightsOf(e, layer);
    if (w === null) return null;
    weights.set(layer, w);
  }
  const shapes = new Map<Layer, { input: readonly number[]; output: readonly number[] }>();
  let shape: readonly number[] = exampleShape;
  try {
    for (const layer of layers) {
      const output = describeLayer(layer.spec, shape).outputShape;
      shapes.set(layer, { input: shape, output });
      shape = output;
    }
  } catch {
    return null; // the layer-by-layer path reports the mismatch
  }

  const mark = e.mark();
  try {
    const B = batchSize;
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
      const spec = layer.spec;
      const needDx = seenWeights;
      if (spec.kind === "relu") {
        stages.push({ kind: "relu", act, perImage: stages.length > 0 && perImage(stages[stages.length - 1]), needDx });
        continue;
      }
      if (spec.kind === "flatten") {
        act = { ...act, shape: [act.size] };
        continue;
      }
      // (A ReLU moved after a max-pooling does not change the pooling's input shape.)
      const output = activation(shapes.get(layer)!.output, true);
      if (spec.kind === "conv2d") {
        const g = convGeometry(layerName(spec), [B, ...act.shape], [spec.outChannels, spec.inChannels, ...spec.kernel], spec.stride, spec.pad);
        const stage = { kind: "conv" as const, g, pGeom: putConvGeometry(e, g), weights: weights.get(layer)!, input: act, output, scratch: NO_SCRATCH, partials: allocConvPartials(e, g), needDx };
        convs.push(stage);
        stages.push(stage);
        seenWeights = true;
      } else if (spec.kind === "maxpool2d") {
        const g = poolGeometry(layerName(spec), [B, ...act.shape], spec.size, spec.stride);
        stages.push({ kind: "pool", g, pGeom: putPoolGeometry(e, g), input: act, output, pArg: e.alloc(4 * B * output.size), needDx });
      } else if (spec.kind === "linear") {
        stages.push({ kind: "linear", D: spec.inFeatures, M: spec.outFeatures, weights: weights.get(layer)!, input: act, output, needDx });
        seenWeights = true;
      }
      act = output;
    }
    // Per-thread scratch: one col, dcol and GEMM work for every layer (a thread runs one call at a time).
    const scratch = new ThreadScratch();
    const colBytes = Math.max(0, ...convs.map(({ g }) => 4 * g.C * g.KH * g.KW * g.Ho * g.Wo));
    const shared = { col: scratch.add(colBytes), dcol: scratch.add(colBytes), work: scratch.add(e.gemmWorkBytes()) };
    const { base, stride } = scratch.allocate(e);
    for (const stage of convs) stage.scratch = atBase(shared, base);
    return new SequentialProgram(e, mark, stages, input, act, B, stride, base + shared.work);
  } catch (err) {
    e.release(mark);
    throw err;
  }
};

