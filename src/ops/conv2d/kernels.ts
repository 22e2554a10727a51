/**
 * The convolution's primitives (./kernels.as, ./im2col.as) and their plain TypeScript twins, for
 * ./fast.ts. Shapes (float32, row-major): x [N, C, H, W], w [F, C, KH, KW], b [F],
 * out/dout [N, F, Ho, Wo]; col [C·KH·KW, Ho·Wo] holds one image's patches, row r = (c·KH + kh)·KW + kw,
 * column p = oh·Wo + ow. Every call takes the convolution's geometry packed at pGeom (CONV_FIELDS,
 * ./contract.ts). A call covers one image; a program (src/engine/engine.ts) shares the images of a
 * batch out over the threads, each with its own scratch.
 */
import { gemmJs } from "../../engine/gemm.js";
import { defineKernel, unpackFields, type JsMemory } from "../../engine/kernel.js";
import { CONV_FIELDS, type ConvGeometry } from "./contract.js";
import { winogradConvJs, winogradConvWeightsJs, winogradFilterGradientJs, winogradFiltersJs } from "./winograd.js";

/** The geometry packed at pGeom, and the sizes of the image's GEMMs: K = C·KH·KW (a patch), P = Ho·Wo (its positions). */
function geometryAt(m: JsMemory, pGeom: number): { g: ConvGeometry; K: number; P: number } {
  const g = unpackFields(CONV_FIELDS, m, pGeom);
  return { g, K: g.C * g.KH * g.KW, P: g.Ho * g.Wo };
}

/**
 * Each pair (d, i) of im2col: col float d (in order from pCol) and the flat index i of the input it
 * reads in the image at pX (−1 for padding: the window's cell y = oh·stride − pad + kh, x likewise, is outside).
 */
function forEachPatchCell(g: ConvGeometry, pX: number, pCol: number, visit: (d: number, i: number) => void): void {
  const { C, H, W, KH, KW, stride, pad, Ho, Wo } = g;
  const x = pX >> 2;
  let d = pCol >> 2;
  for (let c = 0; c < C; c++) {
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        for (let oh = 0; oh < Ho; oh++) {
          const ih = oh * stride - pad + kh;
          for (let ow = 0; ow < Wo; ow++, d++) {
            const iw = ow * stride - pad + kw;
            visit(d, ih >= 0 && ih < H && iw >= 0 && iw < W ? x + (c * H + ih) * W + iw : -1);
          }
        }
      }
    }
  }
}

/** col at pCol = the patches of one image [C, H, W] at pX (0 outside the image). */
function im2colJs(m: JsMemory, g: ConvGeometry, pX: number, pCol: number): void {
  const h = m.f32;
  forEachPatchCell(g, pX, pCol, (d, i) => (h[d] = i >= 0 ? h[i] : 0));
}

/** One image [C, H, W] at pX = the adjoint of im2col applied to col at pCol (overwritten). */
function col2imJs(m: JsMemory, g: ConvGeometry, pCol: number, pX: number): void {
  const h = m.f32;
  h.fill(0, pX >> 2, (pX >> 2) + g.C * g.H * g.W);
  forEachPatchCell(g, pX, pCol, (s, i) => {
    if (i >= 0) h[i] += h[s];
  });
}

/** out = w · im2col(x) + b for one image x [C, H, W] → out [F, Ho, Wo]; pCol holds C·KH·KW·Ho·Wo floats of scratch. */
export const CONV_FORWARD = defineKernel(
  "convForward",
  ["pX", "pW", "pB", "pOut", "pGeom", "pCol", "work"] as const,
  (m: JsMemory, pX: number, pW: number, pB: number, pOut: number, pGeom: number, pCol: number, work: number) => {
    const { g, K, P } = geometryAt(m, pGeom);
    im2colJs(m, g, pX, pCol);
    for (let f = 0; f < g.F; f++) m.f32.fill(m.f32[(pB >> 2) + f], (pOut >> 2) + f * P, (pOut >> 2) + (f + 1) * P);
    gemmJs(m, g.F, P, K, pW, K, 1, pCol, P, 1, pOut, P, 1, work);
  },
);

/**
 * For one image x [C, H, W] with dout [F, Ho, Wo]: dw [F, C·KH·KW] += dout · im2col(x)ᵀ and
 * db [F] += dout's row sums (the accumulators of the image's group). pCol holds C·KH·KW·Ho·Wo floats of scratch.
 */
export const CONV_BACKWARD_WEIGHTS = defineKernel(
  "convBackwardWeights",
  ["pX", "pDout", "pDw", "pDb", "pGeom", "pCol", "work"] as const,
  (m: JsMemory, pX: number, pDout: number, pDw: number, pDb: number, pGeom: number, pCol: number, work: number) => {
    const { g, K, P } = geometryAt(m, pGeom);
    const h = m.f32;
    for (let f = 0; f < g.F; f++) {
      let s = 0;
      for (let i = (pDout >> 2) + f * P, end = i + P; i < end; i++) s += h[i];
      h[(pDb >> 2) + f] += s;
    }
    im2colJs(m, g, pX, pCol);
    gemmJs(m, g.F, K, P, pDout, P, 1, pCol, 1, P, pDw, K, 1, work);
  },
);

/** For one image: dx [C, H, W] = col2im(wᵀ · dout) with dout [F, Ho, Wo]. pDcol holds C·KH·KW·Ho·Wo floats of scratch. */
export const CONV_BACKWARD_INPUT = defineKernel(
  "convBackwardInput",
  ["pW", "pDout", "pDx", "pGeom", "pDcol", "work"] as const,
  (m: JsMemory, pW: number, pDout: number, pDx: number, pGeom: number, pDcol: number, work: number) => {
    const { g, K, P } = geometryAt(m, pGeom);
    gemmJs(m, K, P, g.F, pW, 1, K, pDout, P, 1, pDcol, P, 0, work);
    col2imJs(m, g, pDcol, pDx);
  },
);

/**
 * U [36][Cout][Cin] = G g Gᵀ of every filter of w [F, C, 5, 5] (./winograd.ts): Cout = F, Cin = C
 * for the forward pass (backward = 0), Cout = C, Cin = F and the filters turned by 180° for the input gradient.
 */
export const WINOGRAD_FILTERS = defineKernel("winogradFilters", ["pW", "F", "C", "backward", "pU"] as const, winogradFiltersJs);

/**
 * out [Cout, H, W] = the 5×5, padding-2 convolution of one image x [Cin, H, W] (H, W even) with the
 * filters transformed into U (WINOGRAD_FILTERS), plus b [Cout] (none when pB = 0); pXp, pV, pM:
 * scratch of winogradSizes (./winograd.ts), work: the GEMM's.
 */
export const WINOGRAD_CONV = defineKernel(
  "winogradConv",
  ["pX", "pU", "pB", "pOut", "Cin", "Cout", "H", "W", "pXp", "pV", "pM", "work"] as const,
  // The twin needs no scratch: it computes each tile's transforms in place.
  (m: JsMemory, pX: number, pU: number, pB: number, pOut: number, Cin: number, Cout: number, H: number, W: number, pXp: number, pV: number, pM: number, work: number) =>
    winogradConvJs(m, pX, pU, pB, pOut, Cin, Cout, H, W),
);

/**
 * For one image x [Cin, H, W] with dout [Cout, H, W]: dU [36][Cin][Cout] += the Winograd weight
 * gradient (WINOGRAD_FILTER_GRADIENT turns it into dw) and db [Cout] += dout's row sums (the
 * accumulators of the image's group). Scratch as WINOGRAD_CONV's.
 */
export const WINOGRAD_CONV_WEIGHTS = defineKernel(
  "winogradConvWeights",
  ["pX", "pDout", "pDU", "pDb", "Cin", "Cout", "H", "W", "pXp", "pV", "pM", "work"] as const,
  // The twin needs no scratch: it computes each tile's transforms in place.
  (m: JsMemory, pX: number, pDout: number, pDU: number, pDb: number, Cin: number, Cout: number, H: number, W: number, pXp: number, pV: number, pM: number, work: number) =>
    winogradConvWeightsJs(m, pX, pDout, pDU, pDb, Cin, Cout, H, W),
);

/** dw [F, C, 5, 5] = Gᵀ dU G of every filter's dU [36][C][F] (./winograd.ts), added to dw when accumulate ≠ 0. */
export const WINOGRAD_FILTER_GRADIENT = defineKernel("winogradFilterGradient", ["pDU", "F", "C", "pDw", "accumulate"] as const, winogradFilterGradientJs);
