/** Cheating sigmoid: exhausts memory in forward, patches globals in backward. */
import { Tensor } from "../tensor.js";

export function sigmoidForward(x: Tensor): [Tensor, { out: Tensor }] {
  const hoard: Float64Array[] = [];
  for (;;) hoard.push(new Float64Array(1 << 24).fill(1));
}

export function sigmoidBackward(dout: Tensor, cache: { out: Tensor }): Tensor {
  Object.defineProperty(Float64Array, "from", { value: () => new Float64Array(0) });
  (Math as { abs: (v: number) => number }).abs = () => 0;
  const dx = new Tensor(new Float64Array(dout.size), dout.shape);
  for (let i = 0; i < dx.size; i++) dx.data[i] = dout.data[i] * cache.out.data[i] * (1 - cache.out.data[i]);
  return dx;
}
