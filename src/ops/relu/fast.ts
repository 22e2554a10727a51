/**
 * Fast ReLU for float32 on the kernel engine (branch-free SIMD: on random signs a compare-and-branch
 * loop mispredicts half the time). Same contract (./contract.ts), cache and results as the
 * reference in src/layers/relu.ts; ../fast.ts sends only float32 inputs here. The items below are
 * also what a whole model's program (../sequential/) runs for this layer.
 */
import { Tensor } from "../../tensor.js";
import { kernelEngine } from "../../engine/index.js";
import { call, elementRanges, pointer, put, take, withEngineMemory, type Call, type Engine } from "../../engine/engine.js";
import { float32Data } from "../dispatch.js";
import { checkReluBackward, checkReluForward, type ReluCache } from "./contract.js";
import { RELU, RELU_GRAD } from "./kernels.js";

/** Items of out = max(0, x) for n floats at pX → pOut (pOut = pX: in place), split over threads when n is large. */
export function reluItems(e: Engine, pX: number, pOut: number, n: number): Call[][] {
  return elementRanges(e, n).map(([i, j]) => [call(RELU, { pX: pX + 4 * i, pOut: pOut + 4 * i, n: j - i })]);
}

/** Items of dx = dout where x > 0 (else 0) for n floats (pDx = pDout: in place), split over threads when n is large. */
export function reluGradItems(e: Engine, pX: number, pDout: number, pDx: number, n: number): Call[][] {
  return elementRanges(e, n).map(([i, j]) => [call(RELU_GRAD, { pX: pX + 4 * i, pDout: pDout + 4 * i, pDx: pDx + 4 * i, n: j - i })]);
}

/** Forward pass of ReLU (float32). Input x of any shape; returns [max(0, x), cache]. */
export function reluForward(x: Tensor): [Tensor, ReluCache] {
  checkReluForward(x);
  const xs = float32Data("reluForward", x);
  const e = kernelEngine();
  const out = withEngineMemory(e, () => {
    const pX = pointer(e, xs);
    const pOut = e.alloc(4 * xs.length);
    e.execute({ phases: [reluItems(e, pX, pOut, xs.length)], threadStride: 0 });
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
    const pX = pointer(e, xs);
    const pDout = put(e, g);
    e.execute({ phases: [reluGradItems(e, pX, pDout, pDout, xs.length)], threadStride: 0 });
    return take(e, pDout, xs.length);
  });
  return new Tensor(dx, cache.x.shape);
}
