/**
 * Fast 2-D convolution for float32: im2col + GEMM per image on the kernel engine, the batch split over
 * threads. Same contract, cache and results (up to float32 rounding) as the reference
 * conv2dForward / conv2dBackward in ../layers/conv2d.ts; other dtypes are passed on to the reference.
 */
import { Tensor } from "../tensor.js";
import {
  checkConv2dInputs,
  conv2dBackward as referenceBackward,
  conv2dForward as referenceForward,
  type Conv2dCache,
  type ConvParams,
} from "../layers/conv2d.js";
import { checkCache, checkUpstream } from "../layers/shapes.js";
import { kernelEngine } from "./backend.js";
import { counter, perThread, pointer, put, take, withEngineMemory } from "./engine.js";

function allFloat32(...ts: Tensor[]): boolean {
  return ts.every((t) => t.data instanceof Float32Array);
}

/**
 * Forward pass of a 2-D convolution (fast path for float32).
 * Inputs: x [N, C, H, W], w [F, C, KH, KW], b [F], { stride, pad }. Returns [out [N, F, Ho, Wo], cache].
 */
export function conv2dForward(x: Tensor, w: Tensor, b: Tensor, params: ConvParams = {}): [Tensor, Conv2dCache] {
  const { stride = 1, pad = 0 } = params;
  const [N, F, Ho, Wo] = checkConv2dInputs("conv2dForward", x, w, b, stride, pad);
  if (!allFloat32(x, w, b)) return referenceForward(x, w, b, params);
  // BEGIN SOLUTION
  const [, C, H, W] = x.shape;
  const [, , KH, KW] = w.shape;
  const colBytes = 4 * C * KH * KW * Ho * Wo;
  const e = kernelEngine();
  const out = withEngineMemory(e, () => {
    const pX = put(e, x.data as Float32Array);
    const pW = pointer(e, w.data as Float32Array);
    const pB = pointer(e, b.data as Float32Array);
    const pOut = e.alloc(4 * N * F * Ho * Wo);
    const next = counter(e);
    const argLists = perThread(e, N, () => [
      next, N, pX, pW, pB, pOut, C, H, W, F, KH, KW, stride, pad, Ho, Wo, e.alloc(colBytes), e.alloc(e.gemmWorkBytes()),
    ]);
    e.parallel("convForwardRange", argLists);
    return take(e, pOut, N * F * Ho * Wo);
  });
  return [new Tensor(out, [N, F, Ho, Wo]), { x, w, b, stride, pad }];
  // END SOLUTION
}

/**
 * Backward pass of a 2-D convolution (fast path for float32).
 * Inputs: dout [N, F, Ho, Wo], cache from conv2dForward. Returns { dx [N, C, H, W], dw [F, C, KH, KW], db [F] }.
 */
export function conv2dBackward(dout: Tensor, cache: Conv2dCache): { dx: Tensor; dw: Tensor; db: Tensor } {
  const fn = "conv2dBackward";
  checkCache(fn, cache, ["x", "w", "b"]);
  const { x, w, b, stride, pad } = cache;
  const [N, F, Ho, Wo] = checkConv2dInputs(fn, x, w, b, stride, pad);
  checkUpstream(fn, dout, [N, F, Ho, Wo]);
  if (!allFloat32(x, w, b, dout)) return referenceBackward(dout, cache);
  // BEGIN SOLUTION
  const [, C, H, W] = x.shape;
  const [, , KH, KW] = w.shape;
  const K = C * KH * KW;
  const P = Ho * Wo;
  const db = new Float32Array(F);
  const g = dout.data;
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      let s = 0;
      for (let i = (n * F + f) * P, end = i + P; i < end; i++) s += g[i];
      db[f] += s;
    }
  }
  const e = kernelEngine();
  return withEngineMemory(e, () => {
    const pX = put(e, x.data as Float32Array);
    const pW = pointer(e, w.data as Float32Array);
    const pDout = put(e, g as Float32Array);
    const pDx = e.alloc(4 * x.size);
    const next = counter(e);
    const partials = perThread(e, N, () => [e.alloc(4 * F * K)]).map(([p]) => p); // one dw accumulator per thread
    const heap = e.f32();
    for (const p of partials) heap.fill(0, p >> 2, (p >> 2) + F * K);
    const argLists = partials.map((dwPartial) => [
      next, N, pX, pW, pDout, pDx, dwPartial, C, H, W, F, KH, KW, stride, pad, Ho, Wo,
      e.alloc(4 * K * P), e.alloc(4 * K * P), e.alloc(e.gemmWorkBytes()), 1,
    ]);
    e.parallel("convBackwardRange", argLists);
    const dw = take(e, partials[0], F * K);
    const h = e.f32();
    for (let t = 1; t < partials.length; t++) {
      const p = partials[t] >> 2;
      for (let i = 0; i < dw.length; i++) dw[i] += h[p + i];
    }
    return {
      dx: new Tensor(take(e, pDx, x.size), x.shape),
      dw: new Tensor(dw, w.shape),
      db: new Tensor(db, b.shape),
    };
  });
  // END SOLUTION
}
