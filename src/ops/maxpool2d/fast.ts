/**
 * Fast 2-D max-pooling for float32: forward (branch-free, on the kernel engine) records, for every
 * output, where its maximum was (the first maximum in row-major order, as the reference), so that
 * backward is one scatter. Same contract (./contract.ts) as src/layers/maxpool2d.ts; the cache is
 * the reference cache plus that index. ../fast.ts sends only float32 inputs here. The calls below
 * are also what a whole model's program (../sequential/) runs for this layer.
 */
import { Tensor } from "../../tensor.js";
import { kernelEngine } from "../../engine/index.js";
import { call, MIN_PARALLEL_ELEMENTS, pointer, put, putInt32, take, takeInt32, withEngineMemory, workItems, type Call, type Engine } from "../../engine/engine.js";
import { packFields } from "../../engine/kernel.js";
import { float32Data } from "../dispatch.js";
import {
  checkMaxPool2dBackwardGeometry, checkMaxPool2dForward, POOL_FIELDS, type MaxPool2dCache, type PoolGeometry, type PoolParams,
} from "./contract.js";
import { MAX_POOL, MAX_POOL_BACKWARD } from "./kernels.js";

export type { PoolGeometry };

/** The reference cache plus, for each output, the flat index in x of its window's first maximum. */
export interface FastMaxPool2dCache extends MaxPool2dCache {
  argmax?: Int32Array;
}

/** Put the geometry `g` into engine memory, packed as the kernels read it (POOL_FIELDS); returns its pointer. */
export function putPoolGeometry(e: Engine, g: PoolGeometry): number {
  return putInt32(e, packFields(POOL_FIELDS, g));
}

/**
 * The call that pools planes [p0, p1) (plane = one channel of one image) of x at pX into out at
 * pOut, maxima's indices at pArg; the geometry packed at pGeom (putPoolGeometry).
 */
export function maxPoolCall(pGeom: number, p0: number, p1: number, pX: number, pOut: number, pArg: number): Call {
  return call(MAX_POOL, { pX, p0, p1, pGeom, pOut, pArg });
}

/** The backward call for image n: dx[n] = the scatter of dout[n] through the recorded maxima. */
export function maxPoolBackwardCall(g: PoolGeometry, n: number, pDout: number, pArg: number, pDx: number): Call {
  const outs = g.C * g.Ho * g.Wo, ins = g.C * g.H * g.W;
  return call(MAX_POOL_BACKWARD, { pDout, pArg, o0: n * outs, o1: (n + 1) * outs, pDx, x0: n * ins, x1: (n + 1) * ins });
}

/**
 * Forward pass of max-pooling (float32).
 * Inputs: x [N, C, H, W], { size, stride }. Returns [out [N, C, Ho, Wo], cache].
 */
export function maxPool2dForward(x: Tensor, params: PoolParams): [Tensor, FastMaxPool2dCache] {
  const { size, stride, outShape, geometry: g } = checkMaxPool2dForward(x, params);
  const xs = float32Data("maxPool2dForward", x);
  const n = g.N * g.C * g.Ho * g.Wo;
  const e = kernelEngine();
  const [out, argmax] = withEngineMemory(e, () => {
    const pX = pointer(e, xs);
    const pOut = e.alloc(4 * n);
    const pArg = e.alloc(4 * n);
    const pGeom = putPoolGeometry(e, g);
    const planes: [number, number][] = xs.length >= MIN_PARALLEL_ELEMENTS ? workItems(e, g.N * g.C) : [[0, g.N * g.C]];
    e.execute({ phases: [planes.map(([p0, p1]) => [maxPoolCall(pGeom, p0, p1, pX, pOut, pArg)])], threadStride: 0 });
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
  const g = checkMaxPool2dBackwardGeometry(dout, cache);
  const gs = float32Data("maxPool2dBackward", dout);
  if (!hasArgmax(cache, gs.length)) throw new Error("maxPool2dBackward: the fast path needs the cache of the fast maxPool2dForward");
  const { x, argmax } = cache;
  const e = kernelEngine();
  const dx = withEngineMemory(e, () => {
    const pDout = put(e, gs);
    const pArg = e.alloc(4 * argmax.length);
    new Int32Array(e.f32().buffer, pArg, argmax.length).set(argmax);
    const pDx = e.alloc(4 * x.size);
    e.execute({ phases: [Array.from({ length: g.N }, (_, n) => [maxPoolBackwardCall(g, n, pDout, pArg, pDx)])], threadStride: 0 });
    return take(e, pDx, x.size);
  });
  return new Tensor(dx, x.shape);
}
