/**
 * TensorFlow.js 4.22 as a benchmark contender, with its `cpu` or `wasm` backend. The wasm backend's
 * .wasm files are loaded from node_modules (no network). Layout NHWC, as tfjs wants it.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { measure, once, rate } from "./timing.js";
import { BATCH, convFlops, fakeMnist, noise, type Contender, type ConvCase, type Figure } from "./workloads.js";

const require = createRequire(import.meta.url);

function input(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(noise(shape.reduce((a, b) => a * b, 1), seed), shape, "float32");
}

/** Run `fn`, read its result back to JavaScript (tfjs may compute lazily), free everything it made. */
function run(fn: () => tf.Tensor | tf.Tensor[]): void {
  tf.tidy(() => {
    const r = fn();
    for (const x of Array.isArray(r) ? r : [r]) x.dataSync();
  });
}

type Attrs = Parameters<ReturnType<typeof tf.engine>["runKernel"]>[2];

/** Attributes of tfjs's conv gradient kernels (stride 1, "same" padding) plus the shape of the result. */
function convAttrs(shapeName: "inputShape" | "filterShape", shape: number[]): Attrs {
  return { strides: [1, 1], pad: "same", dataFormat: "NHWC", dilations: [1, 1], [shapeName]: shape };
}

function describeError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const missing = /Kernel '(\w+)' not registered/.exec(msg);
  return missing ? `n/a (no ${missing[1]})` : `error: ${msg.slice(0, 40)}`;
}

/** tfjs with `backend` ("cpu" or "wasm"); `slow` = reduce the batch where the cpu backend takes minutes. */
export function tfjs(backend: "cpu" | "wasm", budget: number, quick: boolean): Contender {
  const slow = backend === "cpu";
  return {
    name: `tfjs ${backend}`,
    async prepare(): Promise<void> {
      if (backend === "wasm") setWasmPaths(join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + "/");
      tf.env().set("PROD", true); // no debug checks, no console banner
      if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} did not initialise`);
      await tf.ready();
    },
    async matmul(n: number): Promise<Figure> {
      if (slow && quick && n > 512) return { note: "skipped" };
      const a = input([n, n], 1), b = input([n, n], 2);
      const t = await measure(() => run(() => tf.matMul(a, b)), budget, 200, slow && n > 512 ? 1 : 3);
      tf.dispose([a, b]);
      return rate(2 * n ** 3, t, 1e9);
    },
    async convForward(c: ConvCase): Promise<Figure> {
      const x = input([BATCH, c.H, c.W, c.C], 3), w = input([c.K, c.K, c.C, c.F], 4), b = input([c.F], 5);
      const t = await measure(() => run(() => tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same"), b)), budget);
      tf.dispose([x, w, b]);
      return rate(convFlops(c, BATCH), t, 1e9);
    },
    async convBackward(c: ConvCase): Promise<Figure> {
      // dx and dw, through the backend's own gradient kernels; the cpu backend's filter gradient is
      // so slow (about 0.01 GFLOP/s) that it is measured on one image.
      const batch = slow ? 1 : BATCH;
      const x = input([batch, c.H, c.W, c.C], 3), w = input([c.K, c.K, c.C, c.F], 4), dy = input([batch, c.H, c.W, c.F], 6);
      try {
        const step = () =>
          run(() => [
            tf.engine().runKernel("Conv2DBackpropInput", { dy, filter: w }, convAttrs("inputShape", x.shape)) as tf.Tensor,
            tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, convAttrs("filterShape", w.shape)) as tf.Tensor,
          ]);
        const t = slow ? await once(step) : await measure(step, budget);
        return rate(2 * convFlops(c, batch), t, 1e9, batch === BATCH ? undefined : batch);
      } catch (e) {
        return { note: describeError(e) };
      } finally {
        tf.dispose([x, w, dy]);
      }
    },
    async train(trainBatch: number): Promise<Figure> {
      if ((slow && quick) || trainBatch !== BATCH) return { note: "skipped" };
      const batch = slow ? 4 : BATCH;
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 20, kernelSize: 5, padding: "same", activation: "relu" }),
          tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
          tf.layers.conv2d({ filters: 50, kernelSize: 5, padding: "same", activation: "relu" }),
          tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 500, activation: "relu" }),
          tf.layers.dense({ units: 10, activation: "softmax" }),
        ],
      });
      if (model.countParams() !== 1256080) throw new Error(`tfjs LeNet-5 has ${model.countParams()} parameters`);
      model.compile({ optimizer: tf.train.adam(1e-3), loss: "sparseCategoricalCrossentropy" });
      const { images, labels } = fakeMnist(batch);
      const x = tf.tensor4d(images, [batch, 28, 28, 1]);
      const y = tf.tensor1d(Float32Array.from(labels), "float32");
      try {
        const steps = slow ? 1 : 4;
        if (!slow) await model.trainOnBatch(x, y);
        const t = await once(async () => {
          for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
        });
        return rate(steps * batch, t, 1, batch === BATCH ? undefined : batch);
      } catch (e) {
        return { note: describeError(e) };
      } finally {
        tf.dispose([x, y]);
        model.dispose();
      }
    },
  };
}
