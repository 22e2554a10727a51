import { describe, expect, it } from "vitest";
import { spiral2d } from "../../src/data/toy.js";
import { numericalGradient } from "../../src/gradcheck.js";
import { relError } from "../../src/metrics.js";
import { softmaxCrossEntropy } from "../../src/losses.js";
import { conv, fc, maxPool, mlp } from "../../src/models/specs.js";
import { LayerSpec } from "../../src/models/layer-spec.js";
import { BatchNorm, Dropout, Linear, ReLU } from "../../src/models/modules.js";
import { opsFor, referenceOps } from "../../src/ops/index.js";
import { linearForward } from "../../src/layers/linear.js";
import { Sequential, build } from "../../src/models/sequential.js";
import { evaluate, predict, train } from "../../src/models/train.js";
import { Tensor, randn, tensor } from "../../src/tensor.js";

/**
 * Check every parameter gradient and dx of `model` (float64) against centred differences of the
 * softmax loss on (x, y); returns the worst relative error.
 */
function worstGradError(model: Sequential, x: Tensor, y: number[]): number {
  const loss = (): number => softmaxCrossEntropy(model.forward(x, true), y).loss;
  model.zeroGrad();
  const dx = model.backward(softmaxCrossEntropy(model.forward(x, true), y).ds);
  let worst = relError(dx, numericalGradient(loss, x));
  for (const p of model.params()) {
    const e = relError(p.grad, numericalGradient(loss, p.value));
    worst = Math.max(worst, e);
  }
  return worst;
}

describe("Sequential backward matches the numerical gradient (float64)", () => {
  it("small MLP 4-5-3 with ReLU and sigmoid", () => {
    const model = build([fc(4, 5), { kind: "relu" }, fc(5, 5), { kind: "sigmoid" }, fc(5, 3)], { seed: 1, dtype: "float64" });
    const x = randn([6, 4], { seed: 2 });
    const err = worstGradError(model, x, [0, 1, 2, 0, 1, 2]);
    console.log(`MLP gradient check: worst relative error ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-6);
  });

  it("MLP with batch norm (training mode)", () => {
    const model = build([fc(3, 6), { kind: "batchnorm", features: 6 }, { kind: "relu" }, fc(6, 3)], { seed: 3, dtype: "float64" });
    const err = worstGradError(model, randn([5, 3], { seed: 4 }), [2, 1, 0, 1, 2]);
    console.log(`MLP + BatchNorm gradient check: worst relative error ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-6);
  });

  it("tiny conv net: conv, ReLU, max-pool, flatten, linear", () => {
    const model = build([conv(2, 3, 3, { pad: 1 }), { kind: "relu" }, maxPool(2), { kind: "flatten" }, fc(3 * 2 * 2, 3)], {
      seed: 5,
      dtype: "float64",
    });
    const err = worstGradError(model, randn([2, 2, 4, 4], { seed: 6 }), [0, 2]);
    console.log(`conv net gradient check: worst relative error ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-6);
  });

  it("rounded-down conv (AlexNet's first layer kind) and adaptive average pooling with overlapping windows", () => {
    const layers: LayerSpec[] = [
      conv(1, 2, 3, { stride: 2, pad: 1, roundDown: true }), // 6×6 padded to 8: (8 − 3)/2 + 1 = 3.5 → 3
      { kind: "adaptiveavgpool2d", output: [2, 2] }, // 3×3 → 2×2, windows share the middle row/column
      { kind: "flatten" },
      fc(8, 3),
    ];
    const model = build(layers, { seed: 7, dtype: "float64" });
    const x = randn([2, 1, 6, 6], { seed: 8 });
    expect(model.layers[0].outputShape([1, 6, 6])).toEqual([2, 3, 3]);
    expect(model.forward(x).shape).toEqual([2, 3]);
    const err = worstGradError(model, x, [1, 2]);
    console.log(`round-down conv + adaptive pool gradient check: worst relative error ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-6);
  });
});

describe("layer objects", () => {
  it("He initialisation: seeded, std √(2/fan_in), biases zero", () => {
    const a = new Linear(400, 300, { seed: 1, dtype: "float64" });
    const b = new Linear(400, 300, { seed: 1, dtype: "float64" });
    expect(Array.from(a.W.value.data)).toEqual(Array.from(b.W.value.data));
    const d = Array.from(a.W.value.data);
    const mean = d.reduce((s, v) => s + v, 0) / d.length;
    const std = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length);
    expect(Math.abs(std / Math.sqrt(2 / 400) - 1)).toBeLessThan(0.01);
    expect(Array.from(a.b.value.data).every((v) => v === 0)).toBe(true);
    expect(new Linear(2, 2).W.value.dtype).toBe("float32");
  });

  it("gradients accumulate until zeroGrad", () => {
    const model = new Sequential([new Linear(2, 2, { seed: 1, dtype: "float64" })]);
    const x = tensor([[1, 2]]);
    const dout = tensor([[1, 1]]);
    model.forward(x);
    model.backward(dout);
    model.forward(x);
    model.backward(dout);
    expect(Array.from(model.params()[0].grad.data)).toEqual([2, 2, 4, 4]);
    model.zeroGrad();
    expect(Array.from(model.params()[0].grad.data)).toEqual([0, 0, 0, 0]);
  });

  it("backward before forward is a clear error", () => {
    expect(() => new ReLU().backward(tensor([[1]]))).toThrow(/ReLU: backward called before forward/);
  });

  it("dropout: identity in evaluation, inverted scaling in training, same mask backward", () => {
    const d = new Dropout(0.5, { seed: 1, dtype: "float64" });
    const x = tensor([[1, 2, 3, 4, 5, 6, 7, 8]]);
    expect(d.forward(x, false)).toBe(x);
    const out = d.forward(x, true);
    const dx = d.backward(tensor([[1, 1, 1, 1, 1, 1, 1, 1]]));
    for (let i = 0; i < 8; i++) {
      expect([0, 2 * x.data[i]]).toContain(out.data[i]);
      expect(dx.data[i]).toBe(out.data[i] === 0 ? 0 : 2);
    }
  });

  it("batch norm: training updates the running statistics, evaluation uses them", () => {
    const bn = new BatchNorm(2, { dtype: "float64", momentum: 0.5 });
    const x = tensor([[1, 10], [3, 30]]); // batch mean [2, 20], biased variance [1, 100]
    const out = bn.forward(x, true);
    expect(Array.from(out.data).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([-1, -1, 1, 1]);
    expect(Array.from(bn.runningMean.data)).toEqual([1, 10]); // 0.5·0 + 0.5·mean
    expect(Array.from(bn.runningVar.data)).toEqual([1, 50.5]); // 0.5·1 + 0.5·var
    const test = bn.forward(tensor([[1, 10]]), false); // (x − running mean) / √(running var + eps)
    expect(test.data[0]).toBeCloseTo(0, 12);
    expect(test.data[1]).toBeCloseTo(0, 12);
  });

  it("a layer calls its layer functions through its ops table (the fast-kernel switch)", () => {
    const calls: string[] = [];
    const ops = {
      ...opsFor("float64"),
      linearForward: (...a: Parameters<typeof linearForward>) => (calls.push("linearForward"), linearForward(...a)),
    };
    const layer = new Linear(2, 2, { dtype: "float64", ops });
    layer.forward(tensor([[1, 2]]));
    expect(calls).toEqual(["linearForward"]);
    expect(opsFor("float64")).toBe(referenceOps);
  });

  it("float32 models take float64 input (converted) and keep float32", () => {
    const model = build(mlp([2, 3, 2]));
    expect(model.forward(tensor([[1, 2]])).dtype).toBe("float32");
  });
});

describe("train", () => {
  it("a small MLP learns the 3-arm spiral to > 90% training accuracy", () => {
    const { x, y } = spiral2d(100, 3, { seed: 0 });
    const model = build(mlp([2, 64, 3]), { seed: 0 });
    const progress: number[] = [];
    const h = train(model, { x, y, xVal: x, yVal: y }, {
      epochs: 200,
      batchSize: 32,
      optimizer: "adam",
      lr: 1e-2,
      seed: 1,
      onProgress: (p) => progress.push(p.step),
    });
    const acc = evaluate(model, x, y);
    console.log(`spiral: loss ${h.loss[0].toFixed(3)} → ${h.loss.at(-1)!.toFixed(3)}, train accuracy ${(100 * acc).toFixed(1)}%`);
    expect(acc).toBeGreaterThan(0.9);
    expect(h.valAcc.at(-1)).toBe(acc);
    expect(h.loss.length).toBe(200);
    expect(h.trainAcc.length).toBe(200);
    expect(h.stepLoss.length).toBe(200 * 10);
    expect(progress.slice(0, 11)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1]);
    expect(h.loss.at(-1)!).toBeLessThan(h.loss[0] / 3);
    expect(Array.from(predict(model, x)).filter((p, i) => p === y[i]).length / y.length).toBe(acc);
  });

  it("trains with the multiclass SVM loss too, and honours limit", () => {
    const { x, y } = spiral2d(40, 3, { seed: 0 });
    const h = train(build(mlp([2, 32, 3]), { seed: 0 }), { x, y }, { epochs: 30, batchSize: 16, loss: "svm", lr: 1e-2, seed: 0, limit: 96 });
    expect(h.stepLoss.length).toBe(30 * 6); // 96 examples / 16 per step
    expect(h.loss.at(-1)!).toBeLessThan(h.loss[0] / 2);
  });

  it("is reproducible: same seeds → same history", () => {
    const { x, y } = spiral2d(20, 3, { seed: 0 });
    const run = () => train(build(mlp([2, 8, 3]), { seed: 2 }), { x, y }, { epochs: 3, batchSize: 16, seed: 3 }).stepLoss;
    expect(run()).toEqual(run());
  });

  it("divergence stops with the epoch, step and layer named (float32, SGD, lr = 1e6)", () => {
    const { x, y } = spiral2d(50, 3, { seed: 0 });
    const model = build(mlp([2, 100, 100, 3]), { seed: 0 });
    expect(() => train(model, { x, y }, { epochs: 5, batchSize: 10, optimizer: "sgd", lr: 1e6, seed: 0 })).toThrow(
      "training diverged at epoch 1 step 3: output of layer 5 (Linear 100→3) contains Infinity; try a smaller learning rate",
    );
  });

  it("a NaN in the data is reported as bad data, at its step", () => {
    const x = tensor([[0, 0], [1, 1], [NaN, 0], [2, 2]]);
    const model = build(mlp([2, 3]));
    expect(() => train(model, { x, y: [0, 1, 0, 1] }, { batchSize: 2, seed: 0 })).toThrow(
      /^train: the training batch at epoch 1 step \d contains NaN; check the data \(x\)$/,
    );
  });

  it("explains bad data", () => {
    const model = build(mlp([2, 3]));
    expect(() => train(model, { x: tensor([[1, 2]]), y: [0, 1] })).toThrow(/train: x has 1 rows \(shape \[1, 2\]\) but there are 2 labels/);
  });
});
