// The whole-model training program (src/models/program.ts, src/ops/sequential/) against the same model run layer
// by layer: scores, every parameter gradient, and whole training runs agree up to float32
// rounding, for the layer orders it takes; the models it cannot take get null.
import { afterAll, describe, expect, it } from "vitest";
import { Rng } from "../../src/random.js";
import { Tensor, randn } from "../../src/tensor.js";
import { configureKernels } from "../../src/engine/index.js";
import { softmaxCrossEntropy } from "../../src/losses.js";
import type { LayerSpec } from "../../src/models/layer-spec.js";
import { layerFromSpec } from "../../src/models/modules.js";
import { Sequential } from "../../src/models/sequential.js";
import { conv, fc, lenet5, maxPool } from "../../src/models/specs.js";
import { train, trainTimed, type StepPart } from "../../src/models/train.js";
import { fastKernels } from "../../src/ops/fast.js";
import { referenceOps, type Ops } from "../../src/ops/index.js";
import { compileModel } from "../../src/models/program.js";
import { ENGINES, FLOAT32_TOLERANCE, scaledMaxError, useEngine } from "../engine/compare.js";

afterAll(() => configureKernels({ engine: "wasm", threads: 1 }));

const relu: LayerSpec = { kind: "relu" };
const flatten: LayerSpec = { kind: "flatten" };

/** Layer orders the program takes, on small images (LeNet-5 itself on 1×28×28). */
const MODELS: { label: string; layers: LayerSpec[]; shape: number[] }[] = [
  { label: "LeNet-5", layers: lenet5().layers, shape: [1, 28, 28] },
  { label: "conv → ReLU → pool, overlapping 3×3/2 windows", layers: [conv(2, 3, 3, { pad: 1 }), relu, maxPool(3, 2), flatten, fc(3 * 5 * 5, 4)], shape: [2, 11, 11] },
  { label: "conv → pool → ReLU", layers: [conv(2, 3, 3, { pad: 1 }), maxPool(2), relu, flatten, fc(3 * 6 * 6, 4)], shape: [2, 12, 12] },
  { label: "conv → ReLU → conv (stride 2) → flatten → linear", layers: [conv(1, 4, 3), relu, conv(4, 2, 3, { stride: 2, pad: 1 }), flatten, fc(2 * 6 * 6, 3)], shape: [1, 13, 13] },
  { label: "ReLU and pooling first (no gradient reaches them)", layers: [relu, maxPool(2), conv(1, 2, 3, { pad: 1 }), relu, flatten, fc(2 * 6 * 6, 3)], shape: [1, 12, 12] },
  { label: "an MLP: flatten → linear → ReLU → linear → ReLU → linear", layers: [flatten, fc(144, 20), relu, fc(20, 7), relu, fc(7, 3)], shape: [1, 12, 12] },
];

function model(layers: LayerSpec[], ops: Readonly<Ops> = fastKernels): Sequential {
  const rng = new Rng(1);
  return new Sequential(layers.map((spec) => layerFromSpec(spec, { rng, dtype: "float32", ops })), { dtype: "float32" });
}

/** The same table under another identity: the training loop then runs the layers one by one. */
const layerByLayer: Readonly<Ops> = { ...fastKernels };

function classes(layers: LayerSpec[]): number {
  const last = layers[layers.length - 1];
  return last.kind === "linear" ? last.outFeatures : 0;
}

describe.each(ENGINES.filter((e) => e.options.engine === "wasm"))("the training program ($label)", ({ options }) => {
  it.each(MODELS)("gives the layers' scores and gradients: $label", ({ layers, shape }) => {
    useEngine(options);
    const rng = new Rng(2);
    const N = 11;
    const x = randn([N + 3, ...shape], { rng, dtype: "float32" });
    const rows = [3, 0, 13, 5, 5, 8, 1, 12, 2, 9, 7]; // a repeat, out of order
    const y = Int32Array.from(rows, (r) => r % classes(layers));
    const viaProgram = model(layers);
    const program = compileModel(viaProgram.layers, shape, 16);
    expect(program).not.toBeNull();
    const scores = program!.forward(x, rows);
    program!.backward(softmaxCrossEntropy(scores, y).ds);
    program!.close();

    const byLayer = model(layers);
    const xb = new Tensor(Float32Array.from(rows.flatMap((r) => Array.from(x.data.subarray(r * x.size / x.shape[0], (r + 1) * x.size / x.shape[0])))), [N, ...shape]);
    const want = byLayer.forward(xb, true);
    byLayer.zeroGrad();
    byLayer.backward(softmaxCrossEntropy(want, y).ds);
    expect(scores.shape).toEqual(want.shape);
    expect(scaledMaxError(scores, want)).toBeLessThan(FLOAT32_TOLERANCE);
    const theirs = byLayer.params();
    viaProgram.params().forEach((p, i) => {
      expect(scaledMaxError(p.grad, theirs[i].grad), p.name).toBeLessThan(FLOAT32_TOLERANCE);
      expect(p.grad.data.some((v) => v !== 0), `${p.name} has a gradient`).toBe(true);
    });
  });

  it("trains LeNet-5 as the layers do: same losses and weights over 3 epochs of Adam, with a short last batch", () => {
    useEngine(options);
    const x = randn([70, 1, 28, 28], { seed: 3, dtype: "float32" });
    const y = Int32Array.from({ length: 70 }, (_, i) => (i * 7) % 10);
    const run = (ops: Readonly<Ops>) => {
      const m = model(lenet5().layers, ops);
      const history = train(m, { x, y }, { epochs: 3, batchSize: 32, optimizer: "adam", lr: 1e-3, seed: 4 });
      return { m, history };
    };
    const a = run(fastKernels), b = run(layerByLayer);
    expect(a.history.stepLoss).toHaveLength(9);
    a.history.stepLoss.forEach((loss, i) => expect(Math.abs(loss - b.history.stepLoss[i]), `step ${i + 1}`).toBeLessThan(1e-4 * Math.abs(loss)));
    expect(a.history.trainAcc).toEqual(b.history.trainAcc);
    const theirs = b.m.params();
    a.m.params().forEach((p, i) => expect(scaledMaxError(p.value, theirs[i].value), p.name).toBeLessThan(FLOAT32_TOLERANCE));
  });
});

describe("a seeded training run", () => {
  // Gradients summed per thread would depend on which images each thread happened to take; they
  // are summed per group of images instead (GRADIENT_GROUPS in src/ops/conv2d/fast.ts).
  const trained = (threads: number, ops: Readonly<Ops>) => {
    useEngine({ engine: "wasm", threads });
    const x = randn([150, 1, 28, 28], { seed: 5, dtype: "float32" });
    const y = Int32Array.from({ length: 150 }, (_, i) => (i * 3) % 10);
    const m = model(lenet5().layers, ops);
    const history = train(m, { x, y }, { epochs: 1, batchSize: 64, optimizer: "adam", lr: 1e-3, seed: 6 });
    return { losses: history.stepLoss, weights: m.params().map((p) => Array.from(p.value.data)) };
  };

  it.each([
    { label: "as one training program", ops: fastKernels },
    { label: "layer by layer", ops: layerByLayer },
  ])("gives the same losses and weights, bit for bit, on 1, 2 and 3 threads and when run again: $label", ({ ops }) => {
    const one = trained(1, ops);
    expect(one.losses).toHaveLength(3);
    for (const threads of [2, 3, 2]) {
      const run = trained(threads, ops);
      expect(run.losses, `${threads} threads`).toEqual(one.losses);
      run.weights.forEach((w, i) => {
        const first = w.findIndex((v, j) => v !== one.weights[i][j]);
        expect(first, `${threads} threads: parameter ${i} first differs at element ${first}`).toBe(-1);
      });
    }
  });

  it("runs every part of every step through trainTimed's timer, with the same losses and weights as train()", () => {
    const plain = trained(2, fastKernels);
    useEngine({ engine: "wasm", threads: 2 });
    const x = randn([150, 1, 28, 28], { seed: 5, dtype: "float32" });
    const y = Int32Array.from({ length: 150 }, (_, i) => (i * 3) % 10);
    const m = model(lenet5().layers, fastKernels);
    const calls = new Map<StepPart, number>();
    const order: StepPart[] = [];
    const history = trainTimed(m, { x, y }, { epochs: 1, batchSize: 64, optimizer: "adam", lr: 1e-3, seed: 6, onProgress: () => order.push("progress") }, (part, fn) => {
      calls.set(part, (calls.get(part) ?? 0) + 1);
      if (part !== "progress") order.push(part);
      return fn();
    });
    expect(history.stepLoss).toEqual(plain.losses);
    m.params().forEach((p, i) => expect(Array.from(p.value.data), p.name).toEqual(plain.weights[i]));
    expect(Object.fromEntries(calls)).toEqual({ "batch order": 1, labels: 3, forward: 3, "finite check": 3, loss: 3, backward: 3, update: 3, accuracy: 3, progress: 3 });
    expect(order.slice(0, 10)).toEqual(["batch order", "labels", "forward", "finite check", "loss", "backward", "update", "accuracy", "progress", "labels"]);
  });
});

describe("models the training program does not take", () => {
  it("are left to the layer-by-layer loop (null)", () => {
    useEngine({ engine: "wasm", threads: 1 });
    const shape = [1, 8, 8];
    const base = [conv(1, 2, 3, { pad: 1 }), relu, flatten];
    expect(compileModel(model([...base, fc(128, 3)]).layers, shape, 4)).not.toBeNull();
    expect(compileModel(model([...base, { kind: "batchnorm", features: 128 }, fc(128, 3)]).layers, shape, 4)).toBeNull();
    expect(compileModel(model([...base, { kind: "sigmoid" }, fc(128, 3)]).layers, shape, 4)).toBeNull();
    expect(compileModel(model([...base, fc(128, 3)], referenceOps).layers, shape, 4)).toBeNull();
    expect(compileModel(model([...base, fc(128, 3)], layerByLayer).layers, shape, 4)).toBeNull();
    expect(compileModel(model([conv(1, 2, 3, { stride: 2, pad: 1, roundDown: true }), flatten, fc(32, 3)]).layers, shape, 4)).toBeNull();
    expect(compileModel(model([...base, fc(100, 3)]).layers, shape, 4), "shapes that do not fit").toBeNull();
    const rng = new Rng(0);
    const float64 = new Sequential([...base, fc(128, 3)].map((spec) => layerFromSpec(spec, { rng, dtype: "float64" })));
    expect(compileModel(float64.layers, shape, 4)).toBeNull();
  });

  it("nor a model whose parameters are not in kernel memory (the plain TypeScript engine keeps none)", () => {
    useEngine({ engine: "js" });
    expect(compileModel(model([conv(1, 2, 3, { pad: 1 }), flatten, fc(128, 3)]).layers, [1, 8, 8], 4)).toBeNull();
  });
});
