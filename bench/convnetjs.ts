/**
 * ConvNetJS 0.3 as a benchmark contender (one image at a time, as ConvNetJS works; its Trainer
 * updates the weights every batch_size images). It has no matrix product of its own.
 */
import { createRequire } from "node:module";
import { once, rate, type Timing } from "./timing.js";
import { convFlops, fakeMnist, noise, type Contender, type ConvCase, type Figure } from "./workloads.js";

// The parts of ConvNetJS's (untyped, CommonJS) API used here.
interface Vol {
  w: Float64Array;
  dw: Float64Array;
}
interface ConvLayer {
  forward(v: Vol, training: boolean): Vol;
  backward(): void;
  out_act: Vol;
}
interface Net {
  makeLayers(defs: object[]): void;
  layers: { getParamsAndGrads(): { params: ArrayLike<number> }[] }[];
}
interface ConvNetJS {
  Vol: new (sx: number, sy: number, depth: number, fill?: number) => Vol;
  ConvLayer: new (opt: object) => ConvLayer;
  Net: new () => Net;
  Trainer: new (net: Net, opt: object) => { train(x: Vol, y: number): unknown };
}

const convnetjs = createRequire(import.meta.url)("convnetjs") as ConvNetJS;

function vol(sx: number, sy: number, depth: number, seed: number): Vol {
  const v = new convnetjs.Vol(sx, sy, depth, 0);
  v.w.set(noise(sx * sy * depth, seed));
  return v;
}

/** ConvNetJS; `images` is how many images each conv and training figure is measured on. */
export function convnetJs(images: number): Contender {
  const layer = (c: ConvCase) =>
    new convnetjs.ConvLayer({ in_sx: c.W, in_sy: c.H, in_depth: c.C, sx: c.K, filters: c.F, stride: 1, pad: c.pad });
  return {
    name: "ConvNetJS",
    async convForward(c: ConvCase): Promise<Figure> {
      const l = layer(c);
      const inputs = Array.from({ length: images }, (_, i) => vol(c.W, c.H, c.C, i + 1));
      l.forward(inputs[0], true);
      return rate(convFlops(c, images), await once(() => inputs.forEach((v) => l.forward(v, true))), 1e9, images);
    },
    async convBackward(c: ConvCase): Promise<Figure> {
      const l = layer(c);
      const inputs = Array.from({ length: images }, (_, i) => vol(c.W, c.H, c.C, i + 1));
      const g = noise(c.W * c.H * c.F, 9);
      const total: Timing = { wall: 0, cpu: 0 };
      for (const v of inputs) {
        l.forward(v, true);
        l.out_act.dw.set(g);
        const t = await once(() => l.backward());
        total.wall += t.wall;
        total.cpu += t.cpu;
      }
      return rate(2 * convFlops(c, images), total, 1e9, images);
    },
    async train(batch: number): Promise<Figure> {
      const net = new convnetjs.Net();
      net.makeLayers([
        { type: "input", out_sx: 28, out_sy: 28, out_depth: 1 },
        { type: "conv", sx: 5, filters: 20, stride: 1, pad: 2, activation: "relu" },
        { type: "pool", sx: 2, stride: 2 },
        { type: "conv", sx: 5, filters: 50, stride: 1, pad: 2, activation: "relu" },
        { type: "pool", sx: 2, stride: 2 },
        { type: "fc", num_neurons: 500, activation: "relu" },
        { type: "softmax", num_classes: 10 },
      ]);
      const params = net.layers.reduce((n, l) => n + l.getParamsAndGrads().reduce((m, p) => m + p.params.length, 0), 0);
      if (params !== 1256080) throw new Error(`ConvNetJS LeNet-5 has ${params} parameters`);
      const trainer = new convnetjs.Trainer(net, { method: "adam", learning_rate: 1e-3, batch_size: batch, l2_decay: 0 });
      const { images: pixels, labels } = fakeMnist(images);
      const xs = Array.from(labels, (_, i) => {
        const v = new convnetjs.Vol(28, 28, 1, 0);
        v.w.set(pixels.subarray(i * 784, (i + 1) * 784));
        return v;
      });
      trainer.train(xs[0], labels[0]);
      return rate(images, await once(() => xs.forEach((v, i) => trainer.train(v, labels[i]))));
    },
  };
}
