/**
 * Zero padding with a crop: `pad` zeros before every row and column, then the image cut to
 * [Hp, Wp] from the top-left (or extended with zeros). A rounded-down convolution
 * (Conv2dSpec.roundDown, e.g. AlexNet's first layer) runs a pad-0 convolution on this.
 *
 *   forward:  xp[n, c, i, j] = x[n, c, i − pad, j − pad]  (0 outside x), i < Hp, j < Wp
 *   backward: dx[n, c, h, w] = dxp[n, c, h + pad, w + pad] (0 where that was cut off)
 *
 * Parameters, checks and messages: ../ops/pad2d/contract.ts.
 */
import { Tensor, allocate } from "../tensor.js";
import { checkPad2dBackward, checkPad2dForward, type Pad2dCache, type Pad2dParams } from "../ops/pad2d/contract.js";

export type { Pad2dCache, Pad2dParams };

/** Forward pass: x [N, C, H, W], { pad, size: [Hp, Wp] } → [xp [N, C, Hp, Wp] (dtype of x), cache]. */
export function pad2dForward(x: Tensor, params: Pad2dParams): [Tensor, Pad2dCache] {
  const [pad, Hp, Wp] = checkPad2dForward(x, params);
  const [N, C, H, W] = x.shape;
  const out = new Tensor(allocate(N * C * Hp * Wp, x.dtype), [N, C, Hp, Wp]);
  for (let nc = 0; nc < N * C; nc++) {
    for (let i = 0; i < Hp; i++) {
      const h = i - pad;
      if (h < 0 || h >= H) continue;
      for (let j = 0; j < Wp; j++) {
        const w = j - pad;
        if (w >= 0 && w < W) out.data[(nc * Hp + i) * Wp + j] = x.data[(nc * H + h) * W + w];
      }
    }
  }
  return [out, { inShape: [...x.shape], pad }];
}

/** Backward pass: dxp [N, C, Hp, Wp], cache from pad2dForward → dx [N, C, H, W] (dtype of dxp). */
export function pad2dBackward(dout: Tensor, cache: Pad2dCache): Tensor {
  const [Hp, Wp] = checkPad2dBackward(dout, cache);
  const { inShape, pad } = cache;
  const [N, C, H, W] = inShape;
  const dx = new Tensor(allocate(N * C * H * W, dout.dtype), inShape);
  for (let nc = 0; nc < N * C; nc++) {
    for (let h = 0; h < H; h++) {
      const i = h + pad;
      if (i >= Hp) continue;
      for (let w = 0; w < W; w++) {
        const j = w + pad;
        if (j < Wp) dx.data[(nc * H + h) * W + w] = dout.data[(nc * Hp + i) * Wp + j];
      }
    }
  }
  return dx;
}
