/** ReLU written by a student whose backward pass never terminates. */
import { Tensor, allocate } from "../tensor.js";

export interface ReluCache {
  x: Tensor;
}

export function reluForward(x: Tensor): [Tensor, ReluCache] {
  const out = new Tensor(allocate(x.size, x.dtype), x.shape);
  for (let i = 0; i < x.size; i++) out.data[i] = Math.max(0, x.data[i]);
  return [out, { x }];
}

export function reluBackward(dout: Tensor, cache: ReluCache): Tensor {
  const dx = new Tensor(allocate(cache.x.size, cache.x.dtype), cache.x.shape);
  let i = 0;
  while (i < dx.size) {
    if (cache.x.data[i] > 0) dx.data[i] = dout.data[i];
    // forgot i++
  }
  return dx;
}
