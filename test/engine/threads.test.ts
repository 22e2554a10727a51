import { afterAll, describe, expect, it } from "vitest";
import { Rng } from "../../src/random.js";
import { randn } from "../../src/tensor.js";
import { reluForward as refRelu } from "../../src/layers/relu.js";
import { linearForward as refLinear } from "../../src/layers/linear.js";
import { maxPool2dBackward as refPoolBackward, maxPool2dForward as refPoolForward } from "../../src/layers/maxpool2d.js";
import { configureKernels, kernelEngine } from "../../src/engine/index.js";
import { WasmEngine } from "../../src/engine/wasm.js";
import { fastKernels } from "../../src/ops/fast.js";
import { FLOAT32_TOLERANCE, scaledMaxError, useEngine } from "./compare.js";

afterAll(() => configureKernels({ engine: "wasm", threads: 1 }));

describe("worker threads", () => {
  it("give exact results over 300 back-to-back parallel calls (no lost or repeated work items)", () => {
    useEngine({ engine: "wasm", threads: 2 });
    const rng = new Rng(4);
    for (let i = 0; i < 300; i++) {
      const x = randn([70_000 + (i % 13)], { rng, dtype: "float32" }); // above the parallel threshold
      const [out] = fastKernels.reluForward(x);
      const [ref] = refRelu(x);
      if (out.data.some((v, j) => v !== ref.data[j])) expect.fail(`call ${i} differs from the reference`);
    }
  });

  it("alternate GEMM, conv and pooling calls on three threads and stay correct", () => {
    useEngine({ engine: "wasm", threads: 3 });
    const rng = new Rng(5);
    for (let i = 0; i < 5; i++) {
      const x = randn([16, 400], { rng, dtype: "float32" }); // 5.1 Mflop: above the GEMM's parallel threshold
      const W = randn([400, 400], { rng, dtype: "float32" });
      const b = randn([400], { rng, dtype: "float32" });
      expect(scaledMaxError(fastKernels.linearForward(x, W, b)[0], refLinear(x, W, b)[0])).toBeLessThan(FLOAT32_TOLERANCE);
      const img = randn([10, 8, 30, 30], { rng, dtype: "float32" }); // 72,000 values: split over threads
      const [pooled, cache] = fastKernels.maxPool2dForward(img, { size: 2 });
      const [ref, refCache] = refPoolForward(img, { size: 2 });
      expect(Array.from(pooled.data)).toEqual(Array.from(ref.data));
      const dout = randn(ref.shape, { rng, dtype: "float32" });
      expect(scaledMaxError(fastKernels.maxPool2dBackward(dout, cache), refPoolBackward(dout, refCache))).toBe(0);
    }
  });

  it("start every thread asked for (no cap at 8), and the workers really run items, not only the calling thread", () => {
    useEngine({ engine: "wasm", threads: 10 });
    const e = kernelEngine() as WasmEngine;
    expect(e).toBeInstanceOf(WasmEngine);
    const x = randn([200_000], { seed: 6, dtype: "float32" }); // 20 items of 10,000 floats per call
    const [ref] = refRelu(x);
    // A busy machine may wake a worker late: keep calling (each call is checked) until one has run
    // an item, for at most 20 s; with no worker ever running this fails.
    const started = performance.now();
    let calls = 0;
    while (e.workerItems() === 0 && performance.now() - started < 20_000) {
      const [out] = fastKernels.reluForward(x);
      calls++;
      if (out.data.some((v, j) => v !== ref.data[j])) expect.fail(`call ${calls} differs from the reference`);
    }
    expect(e.workerThreads()).toBe(9);
    expect(e.workerItems(), `after ${calls} calls`).toBeGreaterThan(0);
  });
});
