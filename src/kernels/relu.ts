/**
 * Fast ReLU for float32 on the kernel engine (branch-free SIMD: on random signs a compare-and-branch
 * loop mispredicts half the time). Same contract and cache as ../layers/relu.ts; other dtypes go to
 * the reference.
 */
import { Tensor } from "../tensor.js";
import { reluBackward as referenceBackward, reluForward as referenceForward, type ReluCache } from "../layers/relu.js";
import { checkCache, checkUpstream, expectTensor } from "../layers/shapes.js";
import { kernelEngine } from "./backend.js";
import { MIN_PARALLEL_ELEMENTS, put, take, withEngineMemory, workItems, type Engine } from "./engine.js";

/** [start, end) element ranges as work items: several per thread for large arrays (multiples of 4 floats). */
function elementRanges(e: Engine, n: number): [number, number][] {
  return n >= MIN_PARALLEL_ELEMENTS ? workItems(e, n, 2, 4) : [[0, n]];
}

/** Forward pass of ReLU (fast path for float32). Input x of any shape; returns [max(0, x), cache]. */
export function reluForward(x: Tensor): [Tensor, ReluCache] {
  expectTensor("reluForward", "x", x);
  const xs = x.data;
  if (!(xs instanceof Float32Array)) return referenceForward(x);
  // BEGIN SOLUTION
  const e = kernelEngine();
  const out = withEngineMemory(e, () => {
    const pX = put(e, xs);
    const pOut = e.alloc(4 * xs.length);
    e.parallel("relu", elementRanges(e, xs.length).map(([i, j]) => [pX + 4 * i, pOut + 4 * i, j - i]));
    return take(e, pOut, xs.length);
  });
  return [new Tensor(out, x.shape), { x }];
  // END SOLUTION
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
  const e = kernelEngine();
  const dx = withEngineMemory(e, () => {
    const pX = put(e, xs);
    const pDout = put(e, g);
    e.parallel("reluGrad", elementRanges(e, xs.length).map(([i, j]) => [pX + 4 * i, pDout + 4 * i, pDout + 4 * i, j - i]));
    return take(e, pDout, xs.length);
  });
  return new Tensor(dx, x.shape);
  // END SOLUTION
}
