/**
 * nnkit as a benchmark contender: the fast kernels (on a given number of threads) or the readable
 * reference loops, and LeNet-5 training through the library's own Sequential model and train().
 */
import { Tensor } from "../src/tensor.js";
import { configureKernels, kernelEngine, kernelInfo } from "../src/engine/index.js";
import type { Engine } from "../src/engine/engine.js";
import { matmul } from "../src/engine/gemm.js";
import { fastKernels } from "../src/ops/fast.js";
import { referenceOps, type Ops } from "../src/ops/index.js";
import { layerFromSpec } from "../src/models/modules.js";
import { Sequential } from "../src/models/sequential.js";
import { lenet5 } from "../src/models/specs.js";
import { train } from "../src/models/train.js";
import { Rng } from "../src/random.js";
import { progressLine } from "../src/cli/progress.js";
import { progressText } from "../src/cli/train.js";
import { mnistEpoch } from "./epoch.js";
import { cpuSeconds, measure, median, once, rate, type Timing } from "./timing.js";
import { BATCH, convFlops, fakeMnist, noise, type Contender, type ConvCase, type Figure } from "./workloads.js";

function f32(shape: number[], seed: number): Tensor {
  return new Tensor(noise(shape.reduce((a, b) => a * b, 1), seed), shape);
}

function lenetWith(ops: Readonly<Ops>): Sequential {
  const rng = new Rng(0);
  return new Sequential(lenet5().layers.map((spec) => layerFromSpec(spec, { rng, dtype: "float32", ops })), { dtype: "float32" });
}

/**
 * The median wall-clock seconds of one step of `train()` (Adam, lr 1e-3) on LeNet-5 at batch
 * `batch`, over calls of `stepsPerRun` steps (each call's first step sets up its program) for at
 * least `seconds` and `minSteps` steps, after one warm-up step — the statistic the PyTorch peer
 * reports; CPU seconds per step over all of them.
 */
async function trainingTime(model: Sequential, batch: number, seconds: number, stepsPerRun = 32, minSteps = 5): Promise<Timing> {
  const { images, labels } = fakeMnist(batch * stepsPerRun);
  const data = { x: new Tensor(images, [batch * stepsPerRun, 1, 28, 28]), y: labels };
  const opts = { epochs: 1, batchSize: batch, optimizer: "adam" as const, lr: 1e-3 };
  train(model, data, { ...opts, limit: batch });
  const steps: number[] = [];
  let cpu = 0;
  const start = performance.now();
  while (steps.length < minSteps || performance.now() - start < seconds * 1000) {
    let last = 0;
    const c0 = cpuSeconds();
    train(model, data, { ...opts, onProgress: ({ elapsed }) => {
      steps.push(elapsed - last);
      last = elapsed;
    } });
    cpu += cpuSeconds() - c0;
  }
  return { wall: median(steps), cpu: cpu / steps.length };
}

/**
 * Wall-clock and CPU seconds of one epoch of `train()` (Adam, lr 1e-3) on `model` (LeNet-5) at batch `batch`
 * over the first `images` MNIST training images, as `nnkit train` runs it: its progress line is
 * formatted and updated after every step (drawn nowhere). A short warm-up run comes first.
 */
async function epochTime(model: Sequential, batch: number, images: number): Promise<Timing> {
  const { images: x, labels: y } = mnistEpoch(images);
  const opts = { epochs: 1, batchSize: batch, optimizer: "adam" as const, lr: 1e-3 };
  train(model, { x, y }, { ...opts, limit: 2 * batch });
  const progress = progressLine(process.stderr, Number.POSITIVE_INFINITY);
  return once(() => train(model, { x, y }, { ...opts, onProgress: (p) => progress.update(progressText(p)) }));
}

/**
 * The LeNet-5 of the training rows on the current engine, made once per engine (its parameters live
 * in the engine's memory); held no longer than the engine is, so that the engine's memory goes when
 * the next configureKernels replaces it.
 */
const models = new WeakMap<Engine, Sequential>();
function lenet(): Sequential {
  const e = kernelEngine();
  const model = models.get(e) ?? lenetWith(fastKernels);
  models.set(e, model);
  return model;
}

/** The fast kernels on `threads` threads; `epochImages`: the images of the whole-epoch rows. */
export function nnkitFast(threads: number, budget: number, trainSeconds: number, epochImages: number): Contender {
  // One engine and one LeNet-5 for all the rows (a new engine per row would leave the kernel memory
  // of the last ones to the garbage collector, and the peak memory would depend on when it runs).
  const use = () => {
    const now = kernelInfo();
    if (now.threads !== threads || !now.engine.startsWith("wasm")) configureKernels({ engine: "wasm", threads });
  };
  return {
    name: threads === 1 ? "nnkit 1 thread" : `nnkit ${threads} threads`,
    async matmul(n: number): Promise<Figure> {
      use();
      // Into a result allocated once, as PyTorch's peer does (torch.mm(a, b, out=c)): see bench/index.ts.
      const a = f32([n, n], 1), b = f32([n, n], 2), c = f32([n, n], 0);
      return rate(2 * n ** 3, await measure(() => matmul(a, b, c), budget), 1e9);
    },
    async convForward(c: ConvCase): Promise<Figure> {
      use();
      const x = f32([BATCH, c.C, c.H, c.W], 3), w = f32([c.F, c.C, c.K, c.K], 4), b = f32([c.F], 5);
      return rate(convFlops(c, BATCH), await measure(() => fastKernels.conv2dForward(x, w, b, { stride: 1, pad: c.pad }), budget), 1e9);
    },
    async convBackward(c: ConvCase): Promise<Figure> {
      use();
      const x = f32([BATCH, c.C, c.H, c.W], 3), w = f32([c.F, c.C, c.K, c.K], 4), b = f32([c.F], 5);
      const [out, cache] = fastKernels.conv2dForward(x, w, b, { stride: 1, pad: c.pad });
      const dout = f32(out.shape, 6);
      return rate(2 * convFlops(c, BATCH), await measure(() => fastKernels.conv2dBackward(dout, cache), budget), 1e9);
    },
    async train(batch: number): Promise<Figure> {
      use();
      return rate(batch, await trainingTime(lenet(), batch, trainSeconds));
    },
    async epoch(batch: number): Promise<Figure> {
      use();
      return rate(epochImages, await epochTime(lenet(), batch, epochImages));
    },
  };
}

/** The reference loops of src/layers (measured on a smaller batch where a batch of 64 would take seconds). */
export function nnkitReference(budget: number, quick: boolean): Contender {
  const ops = referenceOps;
  const batch = 4;
  return {
    name: "nnkit reference",
    async matmul(n: number): Promise<Figure> {
      if (n > 512 || (quick && n > 128)) return { note: "skipped" };
      const a = f32([n, n], 1), b = f32([n, n], 2), zero = new Tensor(new Float32Array(n), [n]);
      return rate(2 * n ** 3, await measure(() => ops.linearForward(a, b, zero), budget, 3, 1), 1e9);
    },
    async convForward(c: ConvCase): Promise<Figure> {
      const x = f32([batch, c.C, c.H, c.W], 3), w = f32([c.F, c.C, c.K, c.K], 4), b = f32([c.F], 5);
      return rate(convFlops(c, batch), await measure(() => ops.conv2dForward(x, w, b, { stride: 1, pad: c.pad }), budget, 3, 1), 1e9, batch);
    },
    async convBackward(c: ConvCase): Promise<Figure> {
      const x = f32([batch, c.C, c.H, c.W], 3), w = f32([c.F, c.C, c.K, c.K], 4), b = f32([c.F], 5);
      const [out, cache] = ops.conv2dForward(x, w, b, { stride: 1, pad: c.pad });
      const dout = f32(out.shape, 6);
      return rate(2 * convFlops(c, batch), await measure(() => ops.conv2dBackward(dout, cache), budget, 3, 1), 1e9, batch);
    },
    async train(trainBatch: number): Promise<Figure> {
      if (quick || trainBatch !== BATCH) return { note: "skipped" };
      return rate(batch, await trainingTime(lenetWith(referenceOps), batch, 0, 2, 2), 1, batch);
    },
  };
}
