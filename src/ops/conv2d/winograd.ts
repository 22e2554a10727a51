/**
 * Winograd F(2×2, 5×5) for the convolutions it fits (./winograd.as has the WebAssembly kernels and
 * the transforms written out): which convolutions, the sizes of its transformed filters and
 * scratch, and the kernels' plain TypeScript twins. A 5×5, stride-1, padding-2 convolution of an
 * image of even height and width takes 36 products per 2×2 output tile and channel pair where the
 * direct one takes 100; the forward pass and the input gradient (the same convolution of dout with
 * the filters turned by 180°) both run this way when they have enough input channels for the 36
 * GEMMs to pay, and the weight gradient of a convolution whose forward pass does (the adjoint of
 * the transforms).
 */
import type { JsMemory } from "../../engine/kernel.js";
import type { ConvGeometry } from "./contract.js";

/** Below this many input channels the transforms cost more than the products they save (LeNet-5's first layer: 1). */
export const WINOGRAD_MIN_CHANNELS = 8;

/** Whether the convolution `g` runs as Winograd F(2×2, 5×5) with `inChannels` input channels (g.C forward, g.F for the input gradient). */
export function winogradFits(g: ConvGeometry, inChannels: number): boolean {
  return g.KH === 5 && g.KW === 5 && g.stride === 1 && g.pad === 2 && g.H % 2 === 0 && g.W % 2 === 0 && inChannels >= WINOGRAD_MIN_CHANNELS;
}

/** Tiles per row (W/2 rounded up to 4: the kernels transform four at a time) and per image. */
function tiles(g: ConvGeometry): { TW: number; TP: number } {
  const TW = Math.ceil(g.W / 2 / 4) * 4;
  return { TW, TP: (g.H / 2) * TW };
}

/**
 * Floats of the transformed filters (36 × F × C) and of one thread's scratch for either pass of the
 * convolution `g`: the padded image (and 6 rows and 48 floats of its own), the transformed tiles, the products.
 */
export function winogradSizes(g: ConvGeometry): { filters: number; padded: number; tiles: number; products: number } {
  const { TW, TP } = tiles(g);
  const channels = Math.max(g.C, g.F);
  const WP = 2 * TW + 8;
  // The products of the weight gradient keep the channels rounded up to 4 (./winograd.as: gradientTiles).
  return { filters: 36 * g.F * g.C, padded: channels * (g.H + 4) * WP + 6 * WP + 48, tiles: 36 * channels * TP, products: 36 * Math.ceil(channels / 4) * 4 * TP };
}

const G = [
  [1 / 4, 0, 0, 0, 0],
  [1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6],
  [1 / 6, -1 / 6, 1 / 6, -1 / 6, 1 / 6],
  [1 / 24, 1 / 12, 1 / 6, 1 / 3, 2 / 3],
  [1 / 24, -1 / 12, 1 / 6, -1 / 3, 2 / 3],
  [0, 0, 0, 0, 1],
];
const BT = [
  [4, 0, -5, 0, 1, 0],
  [0, 4, 4, -1, -1, 0],
  [0, -4, 4, 1, -1, 0],
  [0, -2, -1, 2, 1, 0],
  [0, 2, -1, -2, 1, 0],
  [0, 4, 0, -5, 0, 1],
];
const AT = [
  [1, 1, 1, 1, 1, 0],
  [0, 1, -1, 2, -2, 1],
];

/** P · d · Qᵀ for small dense matrices given as rows. */
function sandwich(P: number[][], d: number[][], Q: number[][]): number[][] {
  const left = P.map((row) => d[0].map((_, j) => row.reduce((s, p, k) => s + p * d[k][j], 0)));
  return left.map((row) => Q.map((q) => row.reduce((s, v, k) => s + v * q[k], 0)));
}

/** Twin of winogradFilters (./winograd.as): U [36][Cout][Cin] = G g Gᵀ of every filter of w [F, C, 5, 5]. */
export function winogradFiltersJs(m: JsMemory, pW: number, F: number, C: number, backward: number, pU: number): void {
  const h = m.f32;
  const [cout, cin] = backward ? [C, F] : [F, C];
  for (let f = 0; f < F; f++) {
    for (let c = 0; c < C; c++) {
      const at = (pW >> 2) + (f * C + c) * 25;
      const g = [0, 1, 2, 3, 4].map((kh) => [0, 1, 2, 3, 4].map((kw) => (backward ? h[at + (4 - kh) * 5 + 4 - kw] : h[at + kh * 5 + kw])));
      const u = sandwich(G, g, G);
      const [row, column] = backward ? [c, f] : [f, c];
      for (let xi = 0; xi < 36; xi++) h[(pU >> 2) + (xi * cout + row) * cin + column] = u[Math.floor(xi / 6)][xi % 6];
    }
  }
}

/** Twin of winogradConv (./winograd.as): out [Cout, H, W] = the convolution of x [Cin, H, W] with the filters in U, plus b (none when pB = 0). */
export function winogradConvJs(m: JsMemory, pX: number, pU: number, pB: number, pOut: number, Cin: number, Cout: number, H: number, W: number): void {
  const h = m.f32;
  const x = (c: number, r: number, col: number) => (r >= 0 && r < H && col >= 0 && col < W ? h[(pX >> 2) + (c * H + r) * W + col] : 0);
  const U = (xi: number, f: number, c: number) => h[(pU >> 2) + (xi * Cout + f) * Cin + c];
  for (let ty = 0; ty < H / 2; ty++) {
    for (let tx = 0; tx < W / 2; tx++) {
      const V = Array.from({ length: Cin }, (_, c) =>
        sandwich(BT, [0, 1, 2, 3, 4, 5].map((a) => [0, 1, 2, 3, 4, 5].map((b) => x(c, 2 * ty + a - 2, 2 * tx + b - 2))), BT),
      );
      for (let f = 0; f < Cout; f++) {
        const M = [0, 1, 2, 3, 4, 5].map((i) => [0, 1, 2, 3, 4, 5].map((j) => V.reduce((s, v, c) => s + U(i * 6 + j, f, c) * v[i][j], 0)));
        const y = sandwich(AT, M, AT);
        const bias = pB ? h[(pB >> 2) + f] : 0;
        for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) h[(pOut >> 2) + (f * H + 2 * ty + a) * W + 2 * tx + b] = y[a][b] + bias;
      }
    }
  }
}

/**
 * Twin of winogradConvWeights (./winograd.as): for one image x [Cin, H, W] and dout [Cout, H, W],
 * dU [36][Cin][Cout] += Σ over tiles of (A dY Aᵀ) ⊙ (Bᵀ d B), and db [Cout] += dout's row sums.
 */
export function winogradConvWeightsJs(m: JsMemory, pX: number, pDout: number, pDU: number, pDb: number, Cin: number, Cout: number, H: number, W: number): void {
  const h = m.f32;
  const x = (c: number, r: number, col: number) => (r >= 0 && r < H && col >= 0 && col < W ? h[(pX >> 2) + (c * H + r) * W + col] : 0);
  for (let f = 0; f < Cout; f++) {
    let s = 0;
    for (let i = 0; i < H * W; i++) s += h[(pDout >> 2) + f * H * W + i];
    h[(pDb >> 2) + f] += s;
  }
  const A = AT[0].map((_, i) => [AT[0][i], AT[1][i]]);
  for (let ty = 0; ty < H / 2; ty++) {
    for (let tx = 0; tx < W / 2; tx++) {
      const V = Array.from({ length: Cin }, (_, c) =>
        sandwich(BT, [0, 1, 2, 3, 4, 5].map((a) => [0, 1, 2, 3, 4, 5].map((b) => x(c, 2 * ty + a - 2, 2 * tx + b - 2))), BT),
      );
      for (let f = 0; f < Cout; f++) {
        const dY = [0, 1].map((a) => [0, 1].map((b) => h[(pDout >> 2) + (f * H + 2 * ty + a) * W + 2 * tx + b]));
        const Mg = sandwich(A, dY, A);
        for (let xi = 0; xi < 36; xi++) {
          for (let c = 0; c < Cin; c++) h[(pDU >> 2) + (xi * Cin + c) * Cout + f] += Mg[Math.floor(xi / 6)][xi % 6] * V[c][Math.floor(xi / 6)][xi % 6];
        }
      }
    }
  }
}

/** Twin of winogradFilterGradient (./winograd.as): dw [F, C, 5, 5] = Gᵀ dU G of every filter's dU [36][C][F] (added to dw when accumulate ≠ 0). */
export function winogradFilterGradientJs(m: JsMemory, pDU: number, F: number, C: number, pDw: number, accumulate: number): void {
  const h = m.f32;
  const GT = G[0].map((_, k) => G.map((row) => row[k]));
  for (let f = 0; f < F; f++) {
    for (let c = 0; c < C; c++) {
      const dU = [0, 1, 2, 3, 4, 5].map((r) => [0, 1, 2, 3, 4, 5].map((s) => h[(pDU >> 2) + ((r * 6 + s) * C + c) * F + f]));
      const dw = sandwich(GT, dU, GT);
      for (let k = 0; k < 25; k++) {
        const at = (pDw >> 2) + (f * C + c) * 25 + k;
        h[at] = (accumulate ? h[at] : 0) + dw[Math.floor(k / 5)][k % 5];
      }
    }
  }
}
