/**
 * A compiled model's training step (see ./fast.ts): the forward and backward passes of a batch as
 * kernel programs over the stages (./stages.ts), built once per batch size and posted to the
 * engine's threads. The phases follow the stages' order:
 *
 * - the stages that work image by image (convolution, max-pooling, a ReLU after them) run as one
 *   chain per image, so the threads share out the images of a batch once per pass rather than
 *   once per layer (backward: once per convolution, whose weight gradients are summed per group
 *   of images beside the per-image chains); the fully connected layers run as GEMMs split over
 *   the threads;
 * - the parameter gradients are written rather than zeroed and added to.
 */
import { Tensor } from "../../tensor.js";
import { call, type Call, type Engine, type Program } from "../../engine/engine.js";
import { convBackwardItems, convFilterItems, convForwardCall, convGradientItems, imageGroups, imageRange, type ConvPointers } from "../conv2d/fast.js";
import { linearBackwardPhase, linearForwardPhases, type LinearPointers } from "../linear/fast.js";
import { maxPoolBackwardCall, maxPoolCall } from "../maxpool2d/fast.js";
import { reluGradItems, reluItems } from "../relu/fast.js";
import { RELU, RELU_GRAD } from "../relu/kernels.js";
import type { TrainingProgram } from "./contract.js";
import { perImage, type Activation, type Stage } from "./stages.js";

/** A model's compiled training step; it owns the kernel memory above `mark` until close(). */
export class SequentialProgram implements TrainingProgram {
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
      // The convolutions' Winograd filters, from this step's weights, first (their input-gradient ones too: the weights do not change before backward).
      const filters = chain.flatMap((s) => (s.kind === "conv" ? convFilterItems(s.g, this.convPointers(s)) : []));
      if (filters.length) phases.push(filters);
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
    // items do not touch them), first, as they are its longest items (a thread that takes one last
    // would hold the phase up), or a phase of their own at the end.
    let gradients: Call[][] = [];
    const push = (phase: Call[][]) => {
      phases.push([...gradients, ...phase]);
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
    return { pX: s.input.p, pW: s.weights.pW, pB: s.weights.pB, pOut: s.output.p, pDout: s.output.d, pDx: s.input.d, pGeom: s.pGeom, ...s.filters };
  }

  private linearPointers(s: Stage & { kind: "linear" }, b: number): LinearPointers {
    const { pW, pB, pDw, pDb } = s.weights;
    return { N: b, D: s.D, M: s.M, pX: s.input.p, pW, pB, pOut: s.output.p, pDout: s.output.d, pDx: s.input.d, pDW: pDw, pDb };
  }
}

const images = (b: number) => imageRange(0, b);
