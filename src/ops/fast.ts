/**
 * The fast table: the reference ops with the fast float32 paths of conv2d, linear, ReLU and
 * max-pool (./<op>/fast.ts, on the kernel engine: WebAssembly SIMD on every core, or plain
 * TypeScript) put in where every tensor is float32 — one dispatch per op (./dispatch.ts), nowhere
 * else. Other dtypes, and the ops without a fast path, run the reference loops.
 */
import type { Tensor } from "../tensor.js";
import * as conv2d from "./conv2d/fast.js";
import { allFloat32, dispatch } from "./dispatch.js";
import * as linear from "./linear/fast.js";
import * as maxPool2d from "./maxpool2d/fast.js";
import { referenceOps, type Ops } from "./reference.js";
import * as relu from "./relu/fast.js";

/** dW += g.dW and db += g.db (same shapes); returns g.dx. */
function addGradients(g: { dx: Tensor; dW: Tensor; db: Tensor }, dW: Tensor, db: Tensor): Tensor {
  for (const [into, add] of [[dW.data, g.dW.data], [db.data, g.db.data]]) {
    for (let i = 0; i < into.length; i++) into[i] += add[i];
  }
  return g.dx;
}

const ref = referenceOps;
const linearBackward = dispatch(ref.linearBackward, linear.linearBackward, (dout, c) => allFloat32(dout, c?.x, c?.W, c?.b));

/** The layer functions with their fast float32 paths, named and typed as the reference ones (plus linearBackwardInto). */
export const fastKernels: Readonly<Required<Ops>> = Object.freeze({
  ...referenceOps,
  linearForward: dispatch(ref.linearForward, linear.linearForward, (x, W, b) => allFloat32(x, W, b)),
  linearBackward,
  linearBackwardInto(dout: Tensor, cache: Parameters<Ops["linearBackward"]>[1], dW: Tensor, db: Tensor): Tensor {
    if (allFloat32(dout, cache?.x, cache?.W, db) && linear.residentGradient(dW)) return linear.linearBackwardInto(dout, cache, dW, db);
    linear.checkLinearBackwardInto(dout, cache, dW, db);
    return addGradients(linearBackward(dout, cache), dW, db);
  },
  reluForward: dispatch(ref.reluForward, relu.reluForward, (x) => allFloat32(x)),
  reluBackward: dispatch(ref.reluBackward, relu.reluBackward, (dout, c) => allFloat32(dout, c?.x)),
  conv2dForward: dispatch(ref.conv2dForward, conv2d.conv2dForward, (x, w, b) => allFloat32(x, w, b)),
  conv2dBackward: dispatch(ref.conv2dBackward, conv2d.conv2dBackward, (dout, c) => allFloat32(dout, c?.x, c?.w, c?.b)),
  maxPool2dForward: dispatch(ref.maxPool2dForward, maxPool2d.maxPool2dForward, (x) => allFloat32(x)),
  maxPool2dBackward: dispatch(
    ref.maxPool2dBackward,
    maxPool2d.maxPool2dBackward,
    (dout, c) => allFloat32(dout, c?.x) && maxPool2d.hasArgmax(c, dout.size),
  ),
});
