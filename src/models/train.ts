/**
 * The training loop: epochs of shuffled mini-batches; each step is forward → loss → backward →
 * optimizer step. Records the loss of every step and, per epoch, the mean loss, the training
 * accuracy and the validation accuracy; reports progress through a callback.
 *
 * If the loss or any layer's output becomes NaN or Infinity, training stops with an Error naming
 * the epoch, the step and the layer.
 */
import { gatherLabels, gatherRows, orderedBatches, shuffledBatches } from "../data/batches.js";
import { Labels, LossResult, softmaxCrossEntropy, svmLoss } from "../losses.js";
import { OptimizerBase, makeOptimizer, type Optimizer, type OptimizerName } from "../optim/index.js";
import { firstNonFinite } from "../metrics.js";
import { compileTraining, float32Array, queuedFusedSteps } from "../ops/float32.js";
import type { TrainingProgram } from "../ops/sequential/contract.js";
import { compileModel } from "./program.js";
import { Rng } from "../random.js";
import { Tensor } from "../tensor.js";
import { argmaxRows } from "./update-rule.js";
import { NonFiniteError, Sequential } from "./sequential.js";

/** Training data: x [N, ...] (what the model's first layer takes) and N integer labels; optional validation set. */
export interface TrainData {
  x: Tensor;
  y: Labels;
  xVal?: Tensor;
  yVal?: Labels;
}

/** What the progress callback receives after every step. */
export interface ProgressInfo {
  /** 1-based epoch and step within the epoch. */
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  /** Loss of this step's mini-batch. */
  loss: number;
  /** Training images per second since the start (time spent on validation not counted). */
  imagesPerSecond: number;
  /** Seconds since the start. */
  elapsed: number;
}

/** What the epoch callback receives at the end of every epoch. */
export interface EpochInfo {
  epoch: number;
  loss: number;
  trainAcc: number;
  valAcc: number | null;
  elapsed: number;
}

export interface TrainOptions {
  /** Passes over the training data (default 1). */
  epochs?: number;
  /** Examples per step (default 64). */
  batchSize?: number;
  /** An optimizer object, or a name for makeOptimizer (default "adam"); `lr` is passed to makeOptimizer. */
  optimizer?: Optimizer | OptimizerName;
  lr?: number;
  /**
   * 'constant' (default) keeps the optimizer's learning rate; 'linear' lowers it after every step,
   * from its value at the start down to 0 after the last step (step s of S uses lr·(1 − (s − 1)/S)).
   */
  schedule?: "constant" | "linear";
  /** 'softmax' (cross-entropy, default) or 'svm' (multiclass hinge). */
  loss?: "softmax" | "svm";
  /** Seed of the mini-batch shuffling (default 0). */
  seed?: number;
  /** Train on the first `limit` examples only. */
  limit?: number;
  /** Batch size for the validation pass (default 256). */
  evalBatchSize?: number;
  onProgress?: (info: ProgressInfo) => void;
  onEpoch?: (info: EpochInfo) => void;
}

/** Per-epoch loss and accuracies, and the loss of every step. */
export interface TrainHistory {
  /** Mean training loss of each epoch. */
  loss: number[];
  /** Training accuracy of each epoch, counted on the mini-batches as they were trained on. */
  trainAcc: number[];
  /** Validation accuracy after each epoch (empty without a validation set). */
  valAcc: number[];
  /** Loss of every step, in order. */
  stepLoss: number[];
  /** Wall time in seconds (with validation) and training images per second (without). */
  seconds: number;
  imagesPerSecond: number;
}

/**
 * Runs one part of a training step and returns its result: train() runs the parts as they are;
 * a profiler (bench/profile.ts) times each under its name (see trainTimed).
 */
export type StepTimer = <T>(part: StepPart, fn: () => T) => T;

/** The parts of a training step that trainTimed times, in the order a step runs them. */
export type StepPart = "batch order" | "labels" | "forward" | "finite check" | "loss" | "backward" | "update" | "accuracy" | "progress";

const untimed: StepTimer = (_part, fn) => fn();

/** Examples per forward pass when evaluating (no gradients kept, so larger than a training batch). */
const EVAL_BATCH = 256;

const LOSSES: Record<"softmax" | "svm", (s: Tensor, y: Labels) => LossResult> = {
  softmax: softmaxCrossEntropy,
  svm: svmLoss,
};

function checkData(fn: string, x: Tensor, y: Labels, what: string): void {
  if (!(x instanceof Tensor) || x.ndim < 2) {
    throw new Error(`${fn}: ${what} must be a Tensor [N, ...] with a batch dimension, got ${x instanceof Tensor ? x.shapeString() : typeof x}`);
  }
  if (x.shape[0] !== y.length) throw new Error(`${fn}: ${what} has ${x.shape[0]} rows (shape ${x.shapeString()}) but there are ${y.length} labels`);
}

function countCorrect(scores: Tensor, y: ArrayLike<number>): number {
  const p = argmaxRows(scores.reshape([scores.shape[0], -1]));
  let ok = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === y[i]) ok++;
  return ok;
}

/** What one call of train() works with, fixed before its first step. */
interface Run {
  epochs: number;
  batchSize: number;
  /** Examples trained on (data.x's first `limit` rows). */
  N: number;
  optimizer: Optimizer;
  lossFn: (s: Tensor, y: Labels) => LossResult;
  schedule: "constant" | "linear";
  rng: Rng;
  /** The whole model's step as kernel programs, or null: its layers run one by one. */
  program: TrainingProgram | null;
  /** The optimizer's step over every parameter. */
  update: () => void;
}

/** Check the data and options of train() and set up its run (optimizer, update step, program). */
function startRun(model: Sequential, data: TrainData, opts: TrainOptions): Run {
  checkData("train", data.x, data.y, "x");
  if (data.xVal || data.yVal) {
    if (!data.xVal || !data.yVal) throw new Error("train: give both xVal and yVal, or neither");
    checkData("train", data.xVal, data.yVal, "xVal");
  }
  const epochs = opts.epochs ?? 1;
  const batchSize = opts.batchSize ?? 64;
  const N = Math.min(data.x.shape[0], opts.limit ?? Infinity);
  const optimizer = typeof opts.optimizer === "object" ? opts.optimizer : makeOptimizer(opts.optimizer ?? "adam", opts.lr === undefined ? {} : { lr: opts.lr });
  const lossFn = LOSSES[opts.loss ?? "softmax"];
  if (!lossFn) throw new Error(`train: unknown loss "${opts.loss}"; choose 'softmax' or 'svm'`);
  const rng = new Rng(opts.seed ?? 0);
  const schedule = opts.schedule ?? "constant";
  if (schedule !== "constant" && schedule !== "linear") throw new Error(`train: unknown schedule "${schedule}"; choose 'constant' or 'linear'`);
  const params = model.params();
  const values = params.map((p) => p.value);
  const grads = params.map((p) => p.grad);
  const update = updateStep(optimizer, values, grads);
  // And the passes: a model whose layers all have a place in a kernel program (src/ops/sequential)
  // runs each step as two programs; any other runs its layers one by one. The optimizer's state is
  // allocated first, so that it lives in kernel memory below the program's.
  if (compileTraining && optimizer instanceof OptimizerBase) optimizer.prepare(values, grads, float32Array);
  const program = N > 0 ? compileModel(model.layers, data.x.shape.slice(1), Math.min(batchSize, N)) : null;
  return { epochs, batchSize, N, optimizer, lossFn, schedule, rng, program, update };
}

/**
 * The training loop chooses the update: the lecture's optimizers take their fused kernels
 * (src/ops/update/fast.ts, one program for the whole model) for the float32 parameters in kernel
 * memory and the slide's rule for the others; an optimizer of the caller's own makes its own step.
 */
function updateStep(optimizer: Optimizer, values: Tensor[], grads: Tensor[]): () => void {
  const queued = optimizer instanceof OptimizerBase ? queuedFusedSteps?.() : undefined;
  if (!(optimizer instanceof OptimizerBase) || !queued) return () => optimizer.step(values, grads);
  return () => {
    optimizer.stepFused(values, grads, queued.steps);
    queued.run();
  };
}

/** The scores of the batch `idx` (training mode), the error of a NaN or Infinity naming its layer. */
function forwardBatch(model: Sequential, run: Run, x: Tensor, idx: Int32Array, at: { epoch: number; step: number; time: StepTimer }): Tensor {
  const { epoch, step, time } = at;
  try {
    const program = run.program;
    const scores = time("forward", () => (program ? program.forward(x, idx) : model.forward(gatherRows(x, idx), true)));
    // The program checks nothing: on a non-finite score the model's own forward pass finds the layer.
    if (program && time("finite check", () => firstNonFinite(scores.data)) >= 0) model.forward(gatherRows(x, idx), true);
    return scores;
  } catch (e) {
    if (e instanceof NonFiniteError) throw nonFinite(epoch, step, e);
    throw e;
  }
}

/**
 * One training step on the batch `idx`: forward, loss, backward, update (with learning rate `lr`
 * when given), each part run through `time`. Returns the scores [B, classes], the batch's labels [B] and its loss.
 */
function trainStep(
  model: Sequential, run: Run, data: TrainData, idx: Int32Array, at: { epoch: number; step: number; lr?: number; time: StepTimer },
): { scores: Tensor; yb: ArrayLike<number>; loss: number } {
  const { epoch, step, time } = at;
  const yb = time("labels", () => gatherLabels(data.y, idx));
  const scores = forwardBatch(model, run, data.x, idx, at);
  const { loss, ds } = time("loss", () => run.lossFn(scores, yb));
  if (!Number.isFinite(loss)) {
    if (run.program) model.forward(gatherRows(data.x, idx), true); // the layers' outputs, for findNonFinite
    const e = model.findNonFinite(); // which layer's output went bad first, if any
    throw e ? nonFinite(epoch, step, e) : diverged(epoch, step, `the loss is ${loss}`);
  }
  const program = run.program;
  time("backward", () => {
    if (program) {
      program.backward(ds);
    } else {
      model.zeroGrad();
      model.backward(ds);
    }
  });
  if (at.lr !== undefined) run.optimizer.lr = at.lr;
  time("update", run.update);
  return { scores, yb, loss };
}

/**
 * Train `model` in place on data.x [N, ...] / data.y [N] with mini-batch steps.
 * Returns the history; throws "training diverged at epoch E step S: output of layer L (name)
 * contains NaN; try a smaller learning rate" when the numbers blow up.
 */
export function train(model: Sequential, data: TrainData, opts: TrainOptions = {}): TrainHistory {
  return trainTimed(model, data, opts, untimed);
}

/** train() with each part of every step run through `time` (a profiler's timer); the same result. */
export function trainTimed(model: Sequential, data: TrainData, opts: TrainOptions, time: StepTimer): TrainHistory {
  const run = startRun(model, data, opts);
  const { epochs, N, optimizer } = run;
  const stepsPerEpoch = Math.ceil(N / run.batchSize);
  const history: TrainHistory = { loss: [], trainAcc: [], valAcc: [], stepLoss: [], seconds: 0, imagesPerSecond: 0 };
  const start = performance.now();
  let images = 0;
  let evalSeconds = 0; // validation time, left out of images/s
  const lr0 = optimizer.lr;
  const totalSteps = epochs * stepsPerEpoch;
  let stepsDone = 0;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      let lossSum = 0;
      let correct = 0;
      let step = 0;
      for (const idx of time("batch order", () => shuffledBatches(N, run.batchSize, run.rng))) {
        step++;
        const lr = run.schedule === "linear" ? lr0 * (1 - stepsDone / totalSteps) : undefined;
        const { scores, yb, loss } = trainStep(model, run, data, idx, { epoch, step, lr, time });
        stepsDone++;
        images += idx.length;
        lossSum += loss * idx.length;
        correct += time("accuracy", () => countCorrect(scores, yb));
        history.stepLoss.push(loss);
        const elapsed = (performance.now() - start) / 1000;
        const progress = { epoch, epochs, step, stepsPerEpoch, loss, imagesPerSecond: images / Math.max(elapsed - evalSeconds, 1e-9), elapsed };
        if (opts.onProgress) time("progress", () => opts.onProgress?.(progress));
      }
      history.loss.push(lossSum / N);
      history.trainAcc.push(correct / N);
      const evalStart = performance.now();
      const valAcc = data.xVal && data.yVal ? evaluate(model, data.xVal, data.yVal, opts.evalBatchSize ?? EVAL_BATCH) : null;
      evalSeconds += (performance.now() - evalStart) / 1000;
      if (valAcc !== null) history.valAcc.push(valAcc);
      opts.onEpoch?.({ epoch, loss: lossSum / N, trainAcc: correct / N, valAcc, elapsed: (performance.now() - start) / 1000 });
    }
  } finally {
    run.program?.close();
  }
  if (run.schedule === "linear") optimizer.lr = lr0; // as it was given
  history.seconds = (performance.now() - start) / 1000;
  history.imagesPerSecond = images / Math.max(history.seconds - evalSeconds, 1e-9);
  return history;
}

/** The error for a NaN/Infinity found in the input (bad data) or in a layer's output (divergence). */
function nonFinite(epoch: number, step: number, e: NonFiniteError): Error {
  if (e.layerIndex === 0) return new Error(`train: the training batch at epoch ${epoch} step ${step} contains ${e.what}; check the data (x)`);
  return diverged(epoch, step, e.message);
}

function diverged(epoch: number, step: number, what: string): Error {
  return new Error(`training diverged at epoch ${epoch} step ${step}: ${what}; try a smaller learning rate`);
}

/** Predicted classes for x [N, ...] (argmax of the scores, evaluation mode), `batchSize` examples at a time. */
export function predict(model: Sequential, x: Tensor, batchSize = EVAL_BATCH): Int32Array {
  if (!(x instanceof Tensor) || x.ndim < 2) throw new Error(`predict: x must be a Tensor [N, ...], got ${x instanceof Tensor ? x.shapeString() : typeof x}`);
  const out = new Int32Array(x.shape[0]);
  for (const idx of orderedBatches(x.shape[0], batchSize)) {
    const scores = model.forward(gatherRows(x, idx), false);
    out.set(argmaxRows(scores.reshape([idx.length, -1])), idx[0]);
  }
  return out;
}

/** Accuracy (fraction in [0, 1]) of the model on x [N, ...] with labels y [N]. */
export function evaluate(model: Sequential, x: Tensor, y: Labels, batchSize = EVAL_BATCH): number {
  checkData("evaluate", x, y, "x");
  const p = predict(model, x, batchSize);
  let ok = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === y[i]) ok++;
  return p.length ? ok / p.length : 0;
}
