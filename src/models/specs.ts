/**
 * Named model specs: plain lists of layer descriptions, no weights. `summary(spec)` reads them for
 * free (even VGG-16); `build(spec)` (sequential.ts) allocates the weights.
 *
 * - `lenet5()`: the lecture's LeNet-5 variant for MNIST 1×28×28: conv 5×5 (20 filters, pad 2) →
 *   ReLU → max-pool 2×2 → conv 5×5 (50 filters, pad 2) → ReLU → max-pool 2×2 → fc 2450→500 → ReLU →
 *   fc 500→10; 1,256,080 parameters.
 * - `alexnet()`: torchvision's layout for 3×224×224, 61,100,840 parameters.
 * - `vgg16()`: torchvision's VGG-16 (configuration D, no batch norm), 138,357,544 parameters.
 * - `mlp([3, 4, 2])`: fully connected layers with ReLU between them.
 */
import { Conv2dSpec, LayerSpec, LinearSpec, MaxPool2dSpec, ModelSpec } from "./layer-spec.js";

/** Conv2d description; `kernel` is a size or [KH, KW]. */
export function conv(
  inChannels: number,
  outChannels: number,
  kernel: number | [number, number],
  opts: { stride?: number; pad?: number; roundDown?: boolean } = {},
): Conv2dSpec {
  const k: [number, number] = typeof kernel === "number" ? [kernel, kernel] : kernel;
  const spec: Conv2dSpec = { kind: "conv2d", inChannels, outChannels, kernel: k, stride: opts.stride ?? 1, pad: opts.pad ?? 0 };
  if (opts.roundDown) spec.roundDown = true;
  return spec;
}

/** Linear description D → M. */
export function fc(inFeatures: number, outFeatures: number): LinearSpec {
  return { kind: "linear", inFeatures, outFeatures };
}

/** Max-pool description (stride defaults to the size). */
export function maxPool(size: number, stride = size): MaxPool2dSpec {
  return { kind: "maxpool2d", size, stride };
}

const relu: LayerSpec = { kind: "relu" };
const flatten: LayerSpec = { kind: "flatten" };
const dropout: LayerSpec = { kind: "dropout", p: 0.5 };

/** The lecture's LeNet-5 for MNIST: input [1, 28, 28], 10 classes, 1,256,080 parameters. */
export function lenet5(): ModelSpec {
  return {
    name: "LeNet-5",
    inputShape: [1, 28, 28],
    layers: [
      conv(1, 20, 5, { pad: 2 }), relu, maxPool(2),
      conv(20, 50, 5, { pad: 2 }), relu, maxPool(2),
      flatten, fc(50 * 7 * 7, 500), relu, fc(500, 10),
    ],
  };
}

/** AlexNet as laid out in torchvision: input [3, 224, 224], 1000 classes, 61,100,840 parameters. */
export function alexnet(): ModelSpec {
  return {
    name: "AlexNet",
    inputShape: [3, 224, 224],
    layers: [
      // (224 + 2·2 − 11)/4 + 1 = 55.25: torchvision rounds down to 55
      conv(3, 64, 11, { stride: 4, pad: 2, roundDown: true }), relu, maxPool(3, 2),
      conv(64, 192, 5, { pad: 2 }), relu, maxPool(3, 2),
      conv(192, 384, 3, { pad: 1 }), relu,
      conv(384, 256, 3, { pad: 1 }), relu,
      conv(256, 256, 3, { pad: 1 }), relu, maxPool(3, 2),
      { kind: "adaptiveavgpool2d", output: [6, 6] }, flatten,
      dropout, fc(256 * 6 * 6, 4096), relu,
      dropout, fc(4096, 4096), relu,
      fc(4096, 1000),
    ],
  };
}

/** VGG-16 as in torchvision: input [3, 224, 224], 1000 classes, 138,357,544 parameters. */
export function vgg16(): ModelSpec {
  const layers: LayerSpec[] = [];
  let channels = 3;
  for (const block of [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]]) {
    for (const width of block) {
      layers.push(conv(channels, width, 3, { pad: 1 }), relu);
      channels = width;
    }
    layers.push(maxPool(2));
  }
  layers.push(
    { kind: "adaptiveavgpool2d", output: [7, 7] }, flatten,
    fc(512 * 7 * 7, 4096), relu, dropout,
    fc(4096, 4096), relu, dropout,
    fc(4096, 1000),
  );
  return { name: "VGG-16", inputShape: [3, 224, 224], layers };
}

/** Fully connected net with the given layer sizes (input first), e.g. [3, 4, 2]; `activation` between layers. */
export function mlp(sizes: readonly number[], activation: "relu" | "sigmoid" = "relu"): ModelSpec {
  if (sizes.length < 2 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`mlp: sizes must be at least two positive integers (input first), got [${sizes.join(", ")}]`);
  }
  const layers: LayerSpec[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    if (i > 0) layers.push({ kind: activation });
    layers.push(fc(sizes[i], sizes[i + 1]));
  }
  return { name: `MLP ${sizes.join("-")}`, inputShape: [sizes[0]], layers };
}
