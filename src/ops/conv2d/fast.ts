/**
 * Fast 2-D convolution for float32: im2col + GEMM per image on the kernel engine, the batch split
 * over threads. Same contract (./contract.ts), cache and results (up to float32 rounding) as the
 * reference in src/layers/conv2d.ts; ../fast.ts sends only float32 inputs here.
 */
import { Tensor } from "../../tensor.js";
import { kernelEngine } from "../../engine/index.js";
import { counter, perThread, pointer, put, take, withEngineMemory } from "../../engine/engine.js";
import { float32Data } from "../dispatch.js";
import { checkConv2dBackward, checkConv2dForward, type Conv2dCache, type ConvParams } from "./contract.js";
import { CONV_BACKWARD, CONV_FORWARD } from "./kernels.js";

/**
 * Forward pass of a 2-D convolution (float32).
 * Inputs: x [N, C, H, W], w [F, C, KH, KW], b [F], { stride, pad }. Returns [out [N, F, Ho, Wo], cache].
 */
export function conv2dForward(x: Tensor, w: Tensor, b: Tensor, params: ConvParams = {}): [Tensor, Conv2dCache] {
  const { stride, pad, outShape } = checkConv2dForward(x, w, b, params);
  const fn = "conv2dForward";
  const [xs, ws, bs] = [float32Data(fn, x), float32Data(fn, w), float32Data(fn, b)];
  const [N, F, Ho, Wo] = outShape;
  const [, C, H, W] = x.shape;
  const [, , KH, KW] = w.shape;
  const colBytes = 4 * C * KH * KW * Ho * Wo;
  const e = kernelEngine();
  const out = withEngineMemory(e, () => {
    const pX = put(e, xs);
    const pW = pointer(e, ws);
    const pB = pointer(e, bs);
    const pOut = e.alloc(4 * N * F * Ho * Wo);
    const pNext = counter(e);
    const items = perThread(e, N, () => ({
      pNext, N, pX, pW, pB, pOut, C, H, W, F, KH, KW, stride, pad, Ho, Wo,
      pCol: e.alloc(colBytes), work: e.alloc(e.gemmWorkBytes()),
    }));
    e.run(CONV_FORWARD, items);
    return take(e, pOut, N * F * Ho * Wo);
  });
  return [new Tensor(out, outShape), { x, w, b, stride, pad }];
}

/**
 * Backward pass of a 2-D convolution (float32).
 * Inputs: dout [N, F, Ho, Wo], cache from conv2dForward. Returns { dx [N, C, H, W], dw [F, C, KH, KW], db [F] }.
 */
export function conv2dBackward(dout: Tensor, cache: Conv2dCache): { dx: Tensor; dw: Tensor; db: Tensor } {
  const [N, F, Ho, Wo] = checkConv2dBackward(dout, cache);
  const fn = "conv2dBackward";
  const { x, w, b, stride, pad } = cache;
  const [xs, ws, g] = [float32Data(fn, x), float32Data(fn, w), float32Data(fn, dout)];
  const [, C, H, W] = x.shape;
  const [, , KH, KW] = w.shape;
  const K = C * KH * KW;
  const P = Ho * Wo;
  const db = new Float32Array(F);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      let s = 0;
      for (let i = (n * F + f) * P, end = i + P; i < end; i++) s += g[i];
      db[f] += s;
    }
  }
  const e = kernelEngine();
  return withEngineMemory(e, () => {
    const pX = put(e, xs);
    const pW = pointer(e, ws);
    const pDout = put(e, g);
    const pDx = e.alloc(4 * x.size);
    const pNext = counter(e);
    const partials = perThread(e, N, () => e.alloc(4 * F * K)); // one dw accumulator per thread
    const heap = e.f32();
    for (const p of partials) heap.fill(0, p >> 2, (p >> 2) + F * K);
    const items = partials.map((pDw) => ({
      pNext, N, pX, pW, pDout, pDx, pDw, C, H, W, F, KH, KW, stride, pad, Ho, Wo,
      pCol: e.alloc(4 * K * P), pDcol: e.alloc(4 * K * P), work: e.alloc(e.gemmWorkBytes()), needDx: 1,
    }));
    e.run(CONV_BACKWARD, items);
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
}
