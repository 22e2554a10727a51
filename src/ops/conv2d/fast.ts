/**
 * Fast 2-D convolution for float32: im2col + GEMM per image on the kernel engine (Winograd
 * F(2×2, 5×5) where it fits, ./winograd.ts: all three passes of 5×5 "same" convolutions with
 * enough channels), the images of a batch shared out over the threads. Same contract
 * (./contract.ts), cache and results (up to float32 rounding) as the reference in
 * src/layers/conv2d.ts; ../fast.ts sends only float32 inputs here. The calls below are also what
 * a whole model's program (../sequential/) runs for this layer.
 */
import { Tensor } from "../../tensor.js";
import { kernelEngine } from "../../engine/index.js";
import { call, pointer, put, putInt32, splitRange, take, ThreadScratch, withEngineMemory, type Call, type Engine } from "../../engine/engine.js";
import { ADD_PARTS } from "../../engine/arrays.js";
import { packFields } from "../../engine/kernel.js";
import { float32Data } from "../dispatch.js";
import { checkConv2dBackwardGeometry, checkConv2dForward, CONV_FIELDS, type Conv2dCache, type ConvGeometry, type ConvParams } from "./contract.js";
import { CONV_BACKWARD_INPUT, CONV_BACKWARD_WEIGHTS, CONV_FORWARD, WINOGRAD_CONV, WINOGRAD_CONV_WEIGHTS, WINOGRAD_FILTER_GRADIENT, WINOGRAD_FILTERS } from "./kernels.js";
import { winogradFits, winogradSizes } from "./winograd.js";

export type { ConvGeometry };

/**
 * Where a convolution's arrays are in engine memory (whole batches; gradients dw, db are summed in
 * ConvPartials), and its geometry, packed (putConvGeometry).
 */
export interface ConvPointers {
  pX: number; pW: number; pB: number; pOut: number;
  pDout: number; pDx: number; pGeom: number;
  /** The Winograd-transformed filters of the forward pass and of the input gradient (0: that pass runs im2col + GEMM). */
  pU: number; pUt: number;
}

/**
 * Allocate the Winograd-transformed filters of the convolution `g` where they are used: the
 * forward pass's when `forward`, the input gradient's when `inputGradient` (0 for a pass that runs
 * im2col + GEMM). convFilterItems fills them.
 */
export function allocWinogradFilters(e: Engine, g: ConvGeometry, forward: boolean, inputGradient: boolean): { pU: number; pUt: number } {
  const bytes = 4 * winogradSizes(g).filters;
  return { pU: forward && winogradFits(g, g.C) ? e.alloc(bytes) : 0, pUt: inputGradient && winogradFits(g, g.F) ? e.alloc(bytes) : 0 };
}

/** The items that transform the filters w into the pU and pUt of `p` (none where 0): after every change of w, before the calls that read them. */
export function convFilterItems(g: ConvGeometry, p: ConvPointers): Call[][] {
  const items: Call[][] = [];
  if (p.pU) items.push([call(WINOGRAD_FILTERS, { pW: p.pW, F: g.F, C: g.C, backward: 0, pU: p.pU })]);
  if (p.pUt) items.push([call(WINOGRAD_FILTERS, { pW: p.pW, F: g.F, C: g.C, backward: 1, pU: p.pUt })]);
  return items;
}

/** Put the geometry `g` into engine memory, packed as the kernels read it (CONV_FIELDS); returns its pointer. */
export function putConvGeometry(e: Engine, g: ConvGeometry): number {
  return putInt32(e, packFields(CONV_FIELDS, g));
}

/** Pointers into thread 0's part of the per-thread scratch (ThreadScratch) of the convolution's calls. */
export interface ConvScratch {
  col: number; dcol: number; work: number;
  /** Winograd's padded image, transformed tiles and products (0 when no pass of the convolution runs it). */
  xp: number; v: number; m: number;
}

/** Bytes of one thread's scratch for the convolution `g` (backward too when `backward`), by ConvScratch field (work: the GEMM's). */
export function convScratchBytes(g: ConvGeometry, backward: boolean): Omit<ConvScratch, "work"> {
  const colBytes = 4 * g.C * g.KH * g.KW * g.Ho * g.Wo;
  const winograd = winogradFits(g, g.C) || (backward && winogradFits(g, g.F));
  const w = winogradSizes(g);
  return { col: colBytes, dcol: backward ? colBytes : 0, xp: winograd ? 4 * w.padded : 0, v: winograd ? 4 * w.tiles : 0, m: winograd ? 4 * w.products : 0 };
}

/**
 * The backward pass sums dw and db over a batch's images in at most GRADIENT_GROUPS groups of
 * consecutive images: each group in image order into partial sums of its own, then the groups'
 * sums in group order. The grouping depends on the batch size only, so the gradients — and a
 * seeded training run — are the same, bit for bit, on any number of threads and whichever thread
 * takes which group (sums per thread would depend on which images each thread happened to take).
 */
export const GRADIENT_GROUPS = 16;

/** [start, end) image ranges of the groups of a batch of N images (see GRADIENT_GROUPS). */
export function imageGroups(N: number): [number, number][] {
  return splitRange(N, GRADIENT_GROUPS);
}

/**
 * Where the groups' partial sums of dw [F, C·KH·KW] and db [F] are: group 0's at dw and db, group j's
 * `stride` bytes × j further. Zero between backward passes. Where the weight gradient runs as
 * Winograd (winogradWeights), the partial sums at dw are of dU [36][C][F], summed into `du` (else 0).
 */
export interface ConvPartials {
  dw: number; db: number; stride: number; du: number;
}

/** Whether the weight gradient of the convolution `g` runs as Winograd (as its forward pass does). */
const winogradWeights = (g: ConvGeometry) => winogradFits(g, g.C);

/**
 * Allocate zeroed partial sums for the convolution `g`: as many groups as a batch of up to g.N
 * images can have, min(g.N, GRADIENT_GROUPS) (valid until release() of an earlier mark).
 */
export function allocConvPartials(e: Engine, g: ConvGeometry): ConvPartials {
  const dwFloats = winogradWeights(g) ? winogradSizes(g).filters : g.F * g.C * g.KH * g.KW;
  const dwBytes = Math.ceil((4 * dwFloats) / 64) * 64;
  const stride = dwBytes + Math.ceil((4 * g.F) / 64) * 64;
  const bytes = stride * Math.min(g.N, GRADIENT_GROUPS);
  const base = e.alloc(bytes);
  e.f32().fill(0, base >> 2, (base + bytes) >> 2);
  return { dw: base, db: base + dwBytes, stride, du: winogradWeights(g) ? e.alloc(4 * dwFloats) : 0 };
}

/** Reserve in `scratch` what one thread needs for the convolution's calls (forward, and backward when `backward`); offsets. */
export function reserveConvScratch(e: Engine, g: ConvGeometry, scratch: ThreadScratch, backward: boolean): ConvScratch {
  const b = convScratchBytes(g, backward);
  return { col: scratch.add(b.col), work: scratch.add(e.gemmWorkBytes()), dcol: scratch.add(b.dcol), xp: scratch.add(b.xp), v: scratch.add(b.v), m: scratch.add(b.m) };
}

/** `s`'s offsets as pointers into the scratch allocated at `base`. */
export function atBase(s: ConvScratch, base: number): ConvScratch {
  return { col: base + s.col, dcol: base + s.dcol, work: base + s.work, xp: base + s.xp, v: base + s.v, m: base + s.m };
}

const imageBytes = (g: ConvGeometry) => 4 * g.C * g.H * g.W;
const outBytes = (g: ConvGeometry) => 4 * g.F * g.Ho * g.Wo;

/** The forward call for image n: out[n] = w · im2col(x[n]) + b, or its Winograd form where p.pU is set. */
export function convForwardCall(g: ConvGeometry, n: number, p: ConvPointers, s: ConvScratch): Call {
  if (p.pU) return winogradCall(g, p.pX + n * imageBytes(g), p.pU, p.pB, p.pOut + n * outBytes(g), g.C, g.F, s);
  return call(CONV_FORWARD, {
    pX: p.pX + n * imageBytes(g), pW: p.pW, pB: p.pB, pOut: p.pOut + n * outBytes(g), pGeom: p.pGeom, pCol: s.col, work: s.work,
  }, ["pCol", "work"]);
}

/** Images start to end - 1. */
export const imageRange = (start: number, end: number) => Array.from({ length: end - start }, (_, i) => start + i);
const images = (N: number) => imageRange(0, N);

/** The backward call for image n of group `group` that adds image n's dw and db to the group's partial sums. */
export function convWeightsCall(g: ConvGeometry, n: number, group: number, p: ConvPointers, s: ConvScratch, parts: ConvPartials): Call {
  if (parts.du) {
    return call(WINOGRAD_CONV_WEIGHTS, {
      pX: p.pX + n * imageBytes(g), pDout: p.pDout + n * outBytes(g), pDU: parts.dw + group * parts.stride, pDb: parts.db + group * parts.stride,
      Cin: g.C, Cout: g.F, H: g.H, W: g.W, pXp: s.xp, pV: s.v, pM: s.m, work: s.work,
    }, ["pXp", "pV", "pM", "work"]);
  }
  return call(CONV_BACKWARD_WEIGHTS, {
    pX: p.pX + n * imageBytes(g), pDout: p.pDout + n * outBytes(g),
    pDw: parts.dw + group * parts.stride, pDb: parts.db + group * parts.stride, pGeom: p.pGeom, pCol: s.col, work: s.work,
  }, ["pCol", "work"]);
}

/** A Winograd convolution of one image (Cin channels at pX) into Cout channels at pOut, with the filters at pU and the bias at pB (0: none). */
function winogradCall(g: ConvGeometry, pX: number, pU: number, pB: number, pOut: number, Cin: number, Cout: number, s: ConvScratch): Call {
  return call(WINOGRAD_CONV, { pX, pU, pB, pOut, Cin, Cout, H: g.H, W: g.W, pXp: s.xp, pV: s.v, pM: s.m, work: s.work }, ["pXp", "pV", "pM", "work"]);
}

/** The backward call that writes dx[n], image n's input gradient (the Winograd convolution of dout[n] where p.pUt is set). */
export function convInputCall(g: ConvGeometry, n: number, p: ConvPointers, s: ConvScratch): Call {
  if (p.pUt) return winogradCall(g, p.pDout + n * outBytes(g), p.pUt, 0, p.pDx + n * imageBytes(g), g.F, g.C, s);
  return call(CONV_BACKWARD_INPUT, {
    pW: p.pW, pDout: p.pDout + n * outBytes(g), pDx: p.pDx + n * imageBytes(g), pGeom: p.pGeom, pDcol: s.dcol, work: s.work,
  }, ["pDcol", "work"]);
}

/**
 * The items of a convolution's backward pass over a batch of N images, for one program phase: one per group
 * of images (imageGroups) adding the group's images to its partial sums in image order, first, as
 * they are the longest; then, when `needDx`, one per image for its input gradient, which share out
 * over the threads what is left. `after(n)` are calls that go on from dx[n] in image n's item.
 */
export function convBackwardItems(g: ConvGeometry, N: number, p: ConvPointers, s: ConvScratch, parts: ConvPartials, needDx: boolean, after: (n: number) => Call[] = () => []): Call[][] {
  const weights = imageGroups(N).map(([n0, n1], j) => imageRange(n0, n1).map((n) => convWeightsCall(g, n, j, p, s, parts)));
  return needDx ? [...weights, ...images(N).map((n) => [convInputCall(g, n, p, s), ...after(n)])] : weights;
}

/**
 * Items that sum the partial sums of `groups` groups, in group order, into dw [F, C, KH, KW] at
 * pDw and db [F] at pDb (added to what is there when `accumulate`), and zero the partial sums.
 */
export function convGradientItems(g: ConvGeometry, parts: ConvPartials, groups: number, pDw: number, pDb: number, accumulate: boolean): Call[][] {
  const sum = { stride: parts.stride, parts: groups, accumulate: accumulate ? 1 : 0 };
  if (parts.du) {
    const du = [call(ADD_PARTS, { pParts: parts.dw, stride: parts.stride, parts: groups, accumulate: 0, pOut: parts.du, n: winogradSizes(g).filters })];
    return [
      [...du, call(WINOGRAD_FILTER_GRADIENT, { pDU: parts.du, F: g.F, C: g.C, pDw, accumulate: sum.accumulate })],
      [call(ADD_PARTS, { pParts: parts.db, ...sum, pOut: pDb, n: g.F })],
    ];
  }
  return [
    [call(ADD_PARTS, { pParts: parts.dw, ...sum, pOut: pDw, n: g.F * g.C * g.KH * g.KW })],
    [call(ADD_PARTS, { pParts: parts.db, ...sum, pOut: pDb, n: g.F })],
  ];
}

/**
 * Forward pass of a 2-D convolution (float32).
 * Inputs: x [N, C, H, W], w [F, C, KH, KW], b [F], { stride, pad }. Returns [out [N, F, Ho, Wo], cache].
 */
export function conv2dForward(x: Tensor, w: Tensor, b: Tensor, params: ConvParams = {}): [Tensor, Conv2dCache] {
  const { stride, pad, outShape, geometry: g } = checkConv2dForward(x, w, b, params);
  const fn = "conv2dForward";
  const [xs, ws, bs] = [float32Data(fn, x), float32Data(fn, w), float32Data(fn, b)];
  const e = kernelEngine();
  const out = withEngineMemory(e, () => {
    const p = { pX: pointer(e, xs), pW: pointer(e, ws), pB: pointer(e, bs), pOut: e.alloc(g.N * outBytes(g)), pDout: 0, pDx: 0, pGeom: putConvGeometry(e, g), ...allocWinogradFilters(e, g, true, false) };
    const scratch = new ThreadScratch();
    const offsets = reserveConvScratch(e, g, scratch, false);
    const { base, stride: threadStride } = scratch.allocate(e);
    const s = atBase(offsets, base);
    const filters = convFilterItems(g, p);
    e.execute({ phases: [...(filters.length ? [filters] : []), images(g.N).map((n) => [convForwardCall(g, n, p, s)])], threadStride });
    return take(e, p.pOut, g.N * g.F * g.Ho * g.Wo);
  });
  return [new Tensor(out, outShape), { x, w, b, stride, pad }];
}

/**
 * Backward pass of a 2-D convolution (float32).
 * Inputs: dout [N, F, Ho, Wo], cache from conv2dForward. Returns { dx [N, C, H, W], dw [F, C, KH, KW], db [F] }.
 */
export function conv2dBackward(dout: Tensor, cache: Conv2dCache): { dx: Tensor; dw: Tensor; db: Tensor } {
  const g = checkConv2dBackwardGeometry(dout, cache);
  const fn = "conv2dBackward";
  const { x, w, b } = cache;
  const [xs, ws, gs] = [float32Data(fn, x), float32Data(fn, w), float32Data(fn, dout)];
  const e = kernelEngine();
  return withEngineMemory(e, () => {
    const p = { pX: pointer(e, xs), pW: pointer(e, ws), pB: 0, pOut: 0, pDout: put(e, gs), pDx: e.alloc(4 * x.size), pGeom: putConvGeometry(e, g), ...allocWinogradFilters(e, g, false, true) };
    const pDw = e.alloc(4 * w.size), pDb = e.alloc(4 * g.F);
    const scratch = new ThreadScratch();
    const offsets = reserveConvScratch(e, g, scratch, true);
    const { base, stride: threadStride } = scratch.allocate(e);
    const s = atBase(offsets, base);
    const parts = allocConvPartials(e, g);
    const filters = convFilterItems(g, p);
    e.execute({
      phases: [
        ...(filters.length ? [filters] : []),
        convBackwardItems(g, g.N, p, s, parts, true),
        convGradientItems(g, parts, imageGroups(g.N).length, pDw, pDb, false),
      ],
      threadStride,
    });
    return {
      dx: new Tensor(take(e, p.pDx, x.size), x.shape),
      dw: new Tensor(take(e, pDw, w.size), w.shape),
      db: new Tensor(take(e, pDb, g.F), b.shape),
    };
  });
}
