/**
 * The layer objects of images, x [N, C, H, W]: convolution, max-pooling, adaptive average pooling,
 * and Flatten, which hands their output to the fully connected layers.
 */
import type { AdaptiveAvgPool2dCache } from "../layers/avgpool2d.js";
import type { Conv2dCache } from "../layers/conv2d.js";
import type { MaxPool2dCache } from "../layers/maxpool2d.js";
import type { Pad2dCache } from "../layers/pad2d.js";
import { Tensor, randn, zeros } from "../tensor.js";
import type { Conv2dSpec } from "./layer-spec.js";
import { coveredLength } from "../ops/conv2d/contract.js";
import { LayerBase, accumulate, initStd, paramOf, type LayerOptions, type Param } from "./layer.js";
import { conv, maxPool } from "./specs.js";

/**
 * x [N, C, H, W] → [N, F, Ho, Wo]; w [F, C, KH, KW] He-initialised, b [F] zeros.
 * With `roundDown`, a padded input the windows do not tile exactly is zero-padded and cut to the
 * covered part here, and the layer function runs with pad 0 on it.
 */
export class Conv2d extends LayerBase<{ conv: Conv2dCache; padded: Pad2dCache | null }> {
  readonly w: Param;
  readonly b: Param;
  private readonly conv: Conv2dSpec;

  constructor(
    inChannels: number,
    outChannels: number,
    kernel: number | [number, number],
    opts: LayerOptions & { stride?: number; pad?: number; roundDown?: boolean } = {},
  ) {
    const spec = conv(inChannels, outChannels, kernel, opts);
    super(spec, opts);
    this.conv = spec;
    const [kh, kw] = spec.kernel;
    const std = initStd(opts.init ?? "he", inChannels * kh * kw);
    this.w = paramOf("w", randn([outChannels, inChannels, kh, kw], { rng: opts.rng, seed: opts.seed, dtype: this.dtype, std }));
    this.b = paramOf("b", zeros([outChannels], this.dtype));
  }

  forward(x: Tensor): Tensor {
    const { stride, pad, kernel, roundDown } = this.conv;
    if (roundDown && x.ndim === 4) {
      const size = [coveredLength(x.shape[2] + 2 * pad, kernel[0], stride), coveredLength(x.shape[3] + 2 * pad, kernel[1], stride)] as const;
      const [xp, padded] = this.ops.pad2dForward(x, { pad, size });
      const [out, cache] = this.ops.conv2dForward(xp, this.w.value, this.b.value, { stride, pad: 0 });
      this.save({ conv: cache, padded });
      return out;
    }
    const [out, cache] = this.ops.conv2dForward(x, this.w.value, this.b.value, { stride, pad });
    this.save({ conv: cache, padded: null });
    return out;
  }

  backward(dout: Tensor): Tensor {
    const { conv: cache, padded } = this.saved();
    const { dx, dw, db } = this.ops.conv2dBackward(dout, cache);
    accumulate(this.w, dw);
    accumulate(this.b, db);
    return padded ? this.ops.pad2dBackward(dx, padded) : dx;
  }

  override params(): Param[] {
    return [this.w, this.b];
  }
}

/** Max-pooling size×size with `stride` (default size): [N, C, H, W] → [N, C, Ho, Wo]. */
export class MaxPool2d extends LayerBase<MaxPool2dCache> {
  readonly size: number;
  readonly stride: number;

  constructor(size: number, stride = size, opts: LayerOptions = {}) {
    super(maxPool(size, stride), opts);
    this.size = size;
    this.stride = stride;
  }

  forward(x: Tensor): Tensor {
    const [out, cache] = this.ops.maxPool2dForward(x, { size: this.size, stride: this.stride });
    this.save(cache);
    return out;
  }

  backward(dout: Tensor): Tensor {
    return this.ops.maxPool2dBackward(dout, this.saved());
  }
}

/** [N, d1, d2, ...] → [N, d1·d2·...] (a view; no copy). */
export class Flatten extends LayerBase<number[]> {
  constructor(opts: LayerOptions = {}) {
    super({ kind: "flatten" }, opts);
  }

  forward(x: Tensor): Tensor {
    this.save([...x.shape]);
    return x.reshape([x.shape[0], -1]);
  }

  backward(dout: Tensor): Tensor {
    return dout.reshape(this.saved());
  }
}

/**
 * Adaptive average pooling to a fixed [OH, OW] (adaptiveAvgPool2dForward / Backward, as in
 * torchvision's AlexNet and VGG). When the input is already OH×OW it passes x through.
 */
export class AdaptiveAvgPool2d extends LayerBase<AdaptiveAvgPool2dCache> {
  readonly output: [number, number];

  constructor(outH: number, outW = outH, opts: LayerOptions = {}) {
    super({ kind: "adaptiveavgpool2d", output: [outH, outW] }, opts);
    this.output = [outH, outW];
  }

  forward(x: Tensor): Tensor {
    const [out, cache] = this.ops.adaptiveAvgPool2dForward(x, { output: this.output });
    this.save(cache);
    return out;
  }

  backward(dout: Tensor): Tensor {
    return this.ops.adaptiveAvgPool2dBackward(dout, this.saved());
  }
}

