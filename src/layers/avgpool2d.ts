/**
 * Adaptive average pooling to a fixed [OH, OW] (as in torchvision's AlexNet and VGG): output cell
 * (i, j) averages input rows ⌊i·H/OH⌋ … ⌈(i+1)·H/OH⌉ − 1 and the columns likewise (windows may
 * overlap when the sizes do not divide).
 *
 *   forward:  out[n, c, i, j] = mean of x[n, c, window(i, j)]
 *   backward: every input of window (i, j) gets dout[n, c, i, j] / (window size), summed over windows
 *
 * When the input is already OH×OW, x passes through (and dout back). Parameters, checks and
 * messages: ../ops/avgpool2d/contract.ts.
 */
import { Tensor, allocate } from "../tensor.js";
import {
  checkAdaptiveAvgPool2dBackward,
  checkAdaptiveAvgPool2dForward,
  type AdaptiveAvgPool2dCache,
  type AdaptiveAvgPool2dParams,
} from "../ops/avgpool2d/contract.js";

export type { AdaptiveAvgPool2dCache, AdaptiveAvgPool2dParams };

/** Call visit(output cell, input cells of its window) for every output cell of an H×W → OH×OW pooling. */
function eachWindow(H: number, W: number, OH: number, OW: number, visit: (o: number, cells: number[]) => void): void {
  for (let i = 0; i < OH; i++) {
    const h0 = Math.floor((i * H) / OH);
    const h1 = Math.ceil(((i + 1) * H) / OH);
    for (let j = 0; j < OW; j++) {
      const w0 = Math.floor((j * W) / OW);
      const w1 = Math.ceil(((j + 1) * W) / OW);
      const cells: number[] = [];
      for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) cells.push(h * W + w);
      visit(i * OW + j, cells);
    }
  }
}

/**
 * Forward pass of adaptive average pooling. Inputs: x [N, C, H, W], { output: [OH, OW] }.
 * Returns [out [N, C, OH, OW] (dtype of x; x itself when H = OH and W = OW), cache].
 */
export function adaptiveAvgPool2dForward(x: Tensor, params: AdaptiveAvgPool2dParams): [Tensor, AdaptiveAvgPool2dCache] {
  const [OH, OW] = checkAdaptiveAvgPool2dForward(x, params);
  const [N, C, H, W] = x.shape;
  const cache: AdaptiveAvgPool2dCache = { inShape: [...x.shape], output: [OH, OW] };
  if (H === OH && W === OW) return [x, cache];
  const out = new Tensor(allocate(N * C * OH * OW, x.dtype), [N, C, OH, OW]);
  eachWindow(H, W, OH, OW, (o, cells) => {
    for (let nc = 0; nc < N * C; nc++) {
      let s = 0;
      for (const k of cells) s += x.data[nc * H * W + k];
      out.data[nc * OH * OW + o] = s / cells.length;
    }
  });
  return [out, cache];
}

/**
 * Backward pass of adaptive average pooling. Inputs: dout [N, C, OH, OW], cache from
 * adaptiveAvgPool2dForward. Returns dx [N, C, H, W] (dout itself when x passed through).
 */
export function adaptiveAvgPool2dBackward(dout: Tensor, cache: AdaptiveAvgPool2dCache): Tensor {
  checkAdaptiveAvgPool2dBackward(dout, cache);
  const { inShape } = cache;
  const [N, C, H, W] = inShape;
  const [OH, OW] = cache.output;
  if (H === OH && W === OW) return dout;
  const dx = new Tensor(allocate(N * C * H * W, dout.dtype), inShape);
  eachWindow(H, W, OH, OW, (o, cells) => {
    for (let nc = 0; nc < N * C; nc++) {
      const g = dout.data[nc * OH * OW + o] / cells.length;
      for (const k of cells) dx.data[nc * H * W + k] += g;
    }
  });
  return dx;
}
