/**
 * Fast 2-D max-pooling for float32: forward (branch-free, on the kernel engine) records, for every
 * output, where its maximum was (the first maximum in row-major order, as the reference), so that
 * backward is one scatter.
 * Same contract as ../layers/maxpool2d.ts; the cache is the reference cache plus that index.
 */
import { Tensor } from "../tensor.js";
import {
  maxPool2dBackward as referenceBackward,
  maxPool2dForward as referenceForward,
  type MaxPool2dCache,
  type PoolParams,
} from "../layers/maxpool2d.js";
import { checkCache, checkInteger, checkRank, checkUpstream, slidingOutputSize } from "../layers/shapes.js";
import { kernelEngine } from "./backend.js";
import { MIN_PARALLEL_ELEMENTS, put, take, takeInt32, withEngineMemory, workItems } from "./engine.js";

/** The reference cache plus, for each output, the flat index in x of its window's first maximum. */
export interface FastMaxPool2dCache extends MaxPool2dCache {
  argmax?: Int32Array;
}

function outputShape(fn: string, x: Tensor, size: number, stride: number): number[] {
  checkRank(fn, "x", x, ["N", "C", "H", "W"]);
  checkInteger(fn, "size", size, 1);
  const [N, C, H, W] = x.shape;
  return [N, C, slidingOutputSize(fn, "height", H, size, stride, 0), slidingOutputSize(fn, "width", W, size, stride, 0)];
}

/**
 * Forward pass of max-pooling (fast path for float32).
 * Inputs: x [N, C, H, W], { size, stride }. Returns [out [N, C, Ho, Wo], cache].
 */
export function maxPool2dForward(x: Tensor, params: PoolParams): [Tensor, FastMaxPool2dCache] {
  const size = params?.size;
  const stride = params?.stride ?? size;
  const [N, C, Ho, Wo] = outputShape("maxPool2dForward", x, size, stride);
  const xs = x.data;
  if (!(xs instanceof Float32Array)) return referenceForward(x, params);
  // BEGIN SOLUTION
  const [, , H, W] = x.shape;
  const n = N * C * Ho * Wo;
  const e = kernelEngine();
  const [out, argmax] = withEngineMemory(e, () => {
    const pX = put(e, xs);
    const pOut = e.alloc(4 * n);
    const pArg = e.alloc(4 * n);
    const ranges: [number, number][] = xs.length >= MIN_PARALLEL_ELEMENTS ? workItems(e, N * C, 2) : [[0, N * C]];
    e.parallel("maxPool", ranges.map(([p0, p1]) => [pX, p0, p1, H, W, size, stride, Ho, Wo, pOut, pArg]));
    const argmax = takeInt32(e, pArg, n);
    return [take(e, pOut, n), argmax] as const;
  });
  return [new Tensor(out, [N, C, Ho, Wo]), { x, size, stride, argmax }];
  // END SOLUTION
}

/**
 * Backward pass of max-pooling (fast path for float32; ties: the first maximum gets the gradient).
 * Inputs: dout [N, C, Ho, Wo], cache from maxPool2dForward. Returns dx [N, C, H, W].
 */
export function maxPool2dBackward(dout: Tensor, cache: FastMaxPool2dCache): Tensor {
  const fn = "maxPool2dBackward";
  checkCache(fn, cache, ["x"]);
  const { x, size, stride, argmax } = cache;
  const shape = outputShape(fn, x, size, stride);
  checkUpstream(fn, dout, shape);
  const g = dout.data;
  if (!(x.data instanceof Float32Array && g instanceof Float32Array && argmax instanceof Int32Array && argmax.length === g.length)) {
    return referenceBackward(dout, cache);
  }
  // BEGIN SOLUTION
  const dx = new Float32Array(x.size);
  for (let o = 0; o < g.length; o++) dx[argmax[o]] += g[o];
  return new Tensor(dx, x.shape);
  // END SOLUTION
}
