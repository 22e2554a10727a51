/**
 * Fast 2-D max-pooling for float32: forward (branch-free, on the kernel engine) records, for every
 * output, where its maximum was (the first maximum in row-major order, as the reference), so that
 * backward is one scatter. Same contract (./contract.ts) as src/layers/maxpool2d.ts; the cache is
 * the reference cache plus that index. ../fast.ts sends only float32 inputs here.
 */
import { Tensor } from "../../tensor.js";
import { kernelEngine } from "../../engine/index.js";
import { MIN_PARALLEL_ELEMENTS, put, take, takeInt32, withEngineMemory, workItems } from "../../engine/engine.js";
import { float32Data } from "../dispatch.js";
import { checkMaxPool2dBackward, checkMaxPool2dForward, type MaxPool2dCache, type PoolParams } from "./contract.js";
import { MAX_POOL } from "./kernels.js";

/** The reference cache plus, for each output, the flat index in x of its window's first maximum. */
export interface FastMaxPool2dCache extends MaxPool2dCache {
  argmax?: Int32Array;
}

/**
 * Forward pass of max-pooling (float32).
 * Inputs: x [N, C, H, W], { size, stride }. Returns [out [N, C, Ho, Wo], cache].
 */
export function maxPool2dForward(x: Tensor, params: PoolParams): [Tensor, FastMaxPool2dCache] {
  const { size, stride, outShape } = checkMaxPool2dForward(x, params);
  const [N, C, Ho, Wo] = outShape;
  const xs = float32Data("maxPool2dForward", x);
  const [, , H, W] = x.shape;
  const n = N * C * Ho * Wo;
  const e = kernelEngine();
  const [out, argmax] = withEngineMemory(e, () => {
    const pX = put(e, xs);
    const pOut = e.alloc(4 * n);
    const pArg = e.alloc(4 * n);
    const planes: [number, number][] = xs.length >= MIN_PARALLEL_ELEMENTS ? workItems(e, N * C) : [[0, N * C]];
    e.run(MAX_POOL, planes.map(([p0, p1]) => ({ pX, p0, p1, H, W, size, stride, Ho, Wo, pOut, pArg })));
    const argmax = takeInt32(e, pArg, n);
    return [take(e, pOut, n), argmax] as const;
  });
  return [new Tensor(out, outShape), { x, size, stride, argmax }];
}

/** True when `cache` holds the maxima this fast forward recorded (for a dout of `n` values). */
export function hasArgmax(cache: FastMaxPool2dCache, n: number): cache is FastMaxPool2dCache & { argmax: Int32Array } {
  return cache?.argmax instanceof Int32Array && cache.argmax.length === n;
}

/**
 * Backward pass of max-pooling (float32; ties: the first maximum gets the gradient): one scatter
 * through the maxima the fast forward recorded. Inputs: dout [N, C, Ho, Wo], cache from this
 * maxPool2dForward. Returns dx [N, C, H, W].
 */
export function maxPool2dBackward(dout: Tensor, cache: FastMaxPool2dCache): Tensor {
  checkMaxPool2dBackward(dout, cache);
  const g = float32Data("maxPool2dBackward", dout);
  if (!hasArgmax(cache, g.length)) throw new Error("maxPool2dBackward: the fast path needs the cache of the fast maxPool2dForward");
  const { x, argmax } = cache;
  const dx = new Float32Array(x.size);
  for (let o = 0; o < g.length; o++) dx[argmax[o]] += g[o];
  return new Tensor(dx, x.shape);
}
