/**
 * Fast ReLU for float32: the same elementwise loops as ../layers/relu.ts, written so that the JIT
 * sees one typed array type per loop. Same contract and cache; other dtypes go to the reference.
 */
import { Tensor } from "../tensor.js";
import { reluBackward as referenceBackward, reluForward as referenceForward, type ReluCache } from "../layers/relu.js";
import { checkCache, checkUpstream, expectTensor } from "../layers/shapes.js";

/** Forward pass of ReLU (fast path for float32). Input x of any shape; returns [max(0, x), cache]. */
export function reluForward(x: Tensor): [Tensor, ReluCache] {
  expectTensor("reluForward", "x", x);
  const xs = x.data;
  if (!(xs instanceof Float32Array)) return referenceForward(x);
  const out = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    out[i] = v > 0 ? v : 0;
  }
  return [new Tensor(out, x.shape), { x }];
}

/** Backward pass of ReLU (fast path for float32). Inputs: dout (shape of x), cache. Returns dx. */
export function reluBackward(dout: Tensor, cache: ReluCache): Tensor {
  checkCache("reluBackward", cache, ["x"]);
  const { x } = cache;
  checkUpstream("reluBackward", dout, x.shape);
  const xs = x.data;
  const g = dout.data;
  if (!(xs instanceof Float32Array && g instanceof Float32Array)) return referenceBackward(dout, cache);
  // BEGIN SOLUTION
  const dx = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i++) dx[i] = xs[i] > 0 ? g[i] : 0;
  return new Tensor(dx, x.shape);
  // END SOLUTION
}
