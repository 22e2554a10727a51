/**
 * Fast ReLU for float32 on the kernel engine (branch-free SIMD: on random signs a compare-and-branch
 * loop mispredicts half the time). Same contract (./contract.ts), cache and results as the
 * reference in src/layers/relu.ts; ../fast.ts sends only float32 inputs here.
 */
import { Tensor } from "../../tensor.js";
import { kernelEngine } from "../../engine/index.js";
import { elementRanges, put, take, withEngineMemory } from "../../engine/engine.js";
import { float32Data } from "../dispatch.js";
import { checkReluBackward, checkReluForward, type ReluCache } from "./contract.js";
import { RELU, RELU_GRAD } from "./kernels.js";

/** Forward pass of ReLU (float32). Input x of any shape; returns [max(0, x), cache]. */
export function reluForward(x: Tensor): [Tensor, ReluCache] {
  checkReluForward(x);
  const xs = float32Data("reluForward", x);
  const e = kernelEngine();
  const out = withEngineMemory(e, () => {
    const pX = put(e, xs);
    const pOut = e.alloc(4 * xs.length);
    e.run(RELU, elementRanges(e, xs.length).map(([i, j]) => ({ pX: pX + 4 * i, pOut: pOut + 4 * i, n: j - i })));
    return take(e, pOut, xs.length);
  });
  return [new Tensor(out, x.shape), { x }];
}

/** Backward pass of ReLU (float32). Inputs: dout (shape of x), cache. Returns dx. */
export function reluBackward(dout: Tensor, cache: ReluCache): Tensor {
  checkReluBackward(dout, cache);
  const xs = float32Data("reluBackward", cache.x);
  const g = float32Data("reluBackward", dout);
  const e = kernelEngine();
  const dx = withEngineMemory(e, () => {
    const pX = put(e, xs);
    const pDout = put(e, g);
    e.run(RELU_GRAD, elementRanges(e, xs.length).map(([i, j]) => ({ pX: pX + 4 * i, pDout: pDout + 4 * i, pDx: pDout + 4 * i, n: j - i })));
    return take(e, pDout, xs.length);
  });
  return new Tensor(dx, cache.x.shape);
}
