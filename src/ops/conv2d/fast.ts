/**
 * Fast 2-D convolution for float32: im2col + GEMM per image on the kernel engine, the images of a
 * batch shared out over the threads. Same contract (./contract.ts), cache and results (up to
 * float32 rounding) as the reference in src/layers/conv2d.ts; ../fast.ts sends only float32
 * inputs here. The calls below are also what a whole model's program (../sequential/fast.ts)
 * runs for this layer.
 */
import { Tensor } from "../../tensor.js";
import { kernelEngine } from "../../engine/index.js";
import { call, pointer, put, take, ThreadScratch, withEngineMemory, type Call, type Engine } from "../../engine/engine.js";
import { ADD_PARTS } from "../../engine/arrays.js";
import { float32Data } from "../dispatch.js";
import { checkConv2dBackward, checkConv2dForward, type Conv2dCache, type ConvParams } from "./contract.js";
import { CONV_BACKWARD, CONV_FORWARD } from "./kernels.js";

/** The sizes of one convolution: x [N, C, H, W], w [F, C, KH, KW], out [N, F, Ho, Wo]. */
export interface ConvGeometry {
  N: number; C: number; H: number; W: number;
  F: number; KH: number; KW: number;
  stride: number; pad: number; Ho: number; Wo: number;
}

/** Where a convolution's arrays are in engine memory (whole batches; gradients dw, db are per-thread partial sums). */
export interface ConvPointers {
  pX: number; pW: number; pB: number; pOut: number;
  pDout: number; pDx: number;
}

/** Pointers into thread 0's part of the per-thread scratch (ThreadScratch) of the convolution's calls. */
export interface ConvScratch {
  col: number; dcol: number; work: number;
  /** This thread's partial sums of dw [F, C·KH·KW] and db [F] (zero before the first backward call; addParts leaves them zero). */
  dw: number; db: number;
}

/** The geometry of the convolution of x [N, C, H, W] with w [F, C, KH, KW]. */
export function convGeometry(xShape: readonly number[], wShape: readonly number[], stride: number, pad: number, Ho: number, Wo: number): ConvGeometry {
  const [N, C, H, W] = xShape;
  const [F, , KH, KW] = wShape;
  return { N, C, H, W, F, KH, KW, stride, pad, Ho, Wo };
}

/** Reserve in `scratch` what one thread needs for the convolution's calls (forward, and backward when `backward`); offsets. */
export function reserveConvScratch(e: Engine, g: ConvGeometry, scratch: ThreadScratch, backward: boolean): ConvScratch {
  const colBytes = 4 * g.C * g.KH * g.KW * g.Ho * g.Wo;
  return {
    col: scratch.add(colBytes),
    work: scratch.add(e.gemmWorkBytes()),
    dcol: backward ? scratch.add(colBytes) : 0,
    dw: backward ? scratch.add(4 * g.F * g.C * g.KH * g.KW) : 0,
    db: backward ? scratch.add(4 * g.F) : 0,
  };
}

/** `s`'s offsets as pointers into the scratch allocated at `base`. */
export function atBase(s: ConvScratch, base: number): ConvScratch {
  return { col: base + s.col, dcol: base + s.dcol, work: base + s.work, dw: base + s.dw, db: base + s.db };
}

const imageBytes = (g: ConvGeometry) => 4 * g.C * g.H * g.W;
const outBytes = (g: ConvGeometry) => 4 * g.F * g.Ho * g.Wo;
const dims = (g: ConvGeometry) => ({ C: g.C, H: g.H, W: g.W, F: g.F, KH: g.KH, KW: g.KW, stride: g.stride, pad: g.pad, Ho: g.Ho, Wo: g.Wo });

/** The forward call for image n: out[n] = w · im2col(x[n]) + b. */
export function convForwardCall(g: ConvGeometry, n: number, p: ConvPointers, s: ConvScratch): Call {
  return call(CONV_FORWARD, {
    pX: p.pX + n * imageBytes(g), pW: p.pW, pB: p.pB, pOut: p.pOut + n * outBytes(g), ...dims(g), pCol: s.col, work: s.work,
  }, ["pCol", "work"]);
}

/** The backward call for image n: this thread's dw and db partial sums += image n's, and dx[n] when `needDx`. */
export function convBackwardCall(g: ConvGeometry, n: number, p: ConvPointers, s: ConvScratch, needDx: boolean): Call {
  return call(CONV_BACKWARD, {
    pX: p.pX + n * imageBytes(g), pW: p.pW, pDout: p.pDout + n * outBytes(g), pDx: needDx ? p.pDx + n * imageBytes(g) : 0,
    pDw: s.dw, pDb: s.db, ...dims(g), pCol: s.col, pDcol: s.dcol, work: s.work, needDx: needDx ? 1 : 0,
  }, ["pCol", "pDcol", "work", "pDw", "pDb"]);
}

/**
 * Items that sum the threads' dw and db partial sums into dw [F, C, KH, KW] at pDw and db [F] at
 * pDb (added to what is there when `accumulate`), and zero the partial sums.
 */
export function convGradientItems(e: Engine, g: ConvGeometry, s: ConvScratch, threadStride: number, pDw: number, pDb: number, accumulate: boolean): Call[][] {
  const parts = { stride: threadStride, parts: e.threads, accumulate: accumulate ? 1 : 0 };
  return [
    [call(ADD_PARTS, { pParts: s.dw, ...parts, pOut: pDw, n: g.F * g.C * g.KH * g.KW })],
    [call(ADD_PARTS, { pParts: s.db, ...parts, pOut: pDb, n: g.F })],
  ];
}

/** Zero every thread's dw and db partial sums of a freshly allocated scratch. */
export function zeroConvPartials(e: Engine, g: ConvGeometry, s: ConvScratch, threadStride: number): void {
  const h = e.f32();
  for (let t = 0; t < e.threads; t++) {
    const dw = (s.dw + t * threadStride) >> 2, db = (s.db + t * threadStride) >> 2;
    h.fill(0, dw, dw + g.F * g.C * g.KH * g.KW);
    h.fill(0, db, db + g.F);
  }
}

const images = (N: number) => Array.from({ length: N }, (_, n) => n);

/**
 * Forward pass of a 2-D convolution (float32).
 * Inputs: x [N, C, H, W], w [F, C, KH, KW], b [F], { stride, pad }. Returns [out [N, F, Ho, Wo], cache].
 */
export function conv2dForward(x: Tensor, w: Tensor, b: Tensor, params: ConvParams = {}): [Tensor, Conv2dCache] {
  const { stride, pad, outShape } = checkConv2dForward(x, w, b, params);
  const fn = "conv2dForward";
  const [xs, ws, bs] = [float32Data(fn, x), float32Data(fn, w), float32Data(fn, b)];
  const g = convGeometry(x.shape, w.shape, stride, pad, outShape[2], outShape[3]);
  const e = kernelEngine();
  const out = withEngineMemory(e, () => {
    const p = { pX: pointer(e, xs), pW: pointer(e, ws), pB: pointer(e, bs), pOut: e.alloc(g.N * outBytes(g)), pDout: 0, pDx: 0 };
    const scratch = new ThreadScratch();
    const offsets = reserveConvScratch(e, g, scratch, false);
    const { base, stride: threadStride } = scratch.allocate(e);
    const s = atBase(offsets, base);
    e.execute({ phases: [images(g.N).map((n) => [convForwardCall(g, n, p, s)])], threadStride });
    return take(e, p.pOut, g.N * g.F * g.Ho * g.Wo);
  });
  return [new Tensor(out, outShape), { x, w, b, stride, pad }];
}

/**
 * Backward pass of a 2-D convolution (float32).
 * Inputs: dout [N, F, Ho, Wo], cache from conv2dForward. Returns { dx [N, C, H, W], dw [F, C, KH, KW], db [F] }.
 */
export function conv2dBackward(dout: Tensor, cache: Conv2dCache): { dx: Tensor; dw: Tensor; db: Tensor } {
  const [, , Ho, Wo] = checkConv2dBackward(dout, cache);
  const fn = "conv2dBackward";
  const { x, w, b, stride, pad } = cache;
  const [xs, ws, gs] = [float32Data(fn, x), float32Data(fn, w), float32Data(fn, dout)];
  const g = convGeometry(x.shape, w.shape, stride, pad, Ho, Wo);
  const e = kernelEngine();
  return withEngineMemory(e, () => {
    const p = { pX: pointer(e, xs), pW: pointer(e, ws), pB: 0, pOut: 0, pDout: put(e, gs), pDx: e.alloc(4 * x.size) };
    const pDw = e.alloc(4 * w.size), pDb = e.alloc(4 * g.F);
    const scratch = new ThreadScratch();
    const offsets = reserveConvScratch(e, g, scratch, true);
    const { base, stride: threadStride } = scratch.allocate(e);
    const s = atBase(offsets, base);
    zeroConvPartials(e, g, s, threadStride);
    e.execute({
      phases: [images(g.N).map((n) => [convBackwardCall(g, n, p, s, true)]), convGradientItems(e, g, s, threadStride, pDw, pDb, false)],
      threadStride,
    });
    return {
      dx: new Tensor(take(e, p.pDx, x.size), x.shape),
      dw: new Tensor(take(e, pDw, w.size), w.shape),
      db: new Tensor(take(e, pDb, g.F), b.shape),
    };
  });
}
