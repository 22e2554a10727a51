// Winograd F(2×2, 5×5) for a stride-1 5×5 convolution with padding 2 over an image of even height
// and width: each 2×2 block of outputs ("tile") comes from a 6×6 block of the padded input through
// Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A, with 36 products per tile and channel pair where the direct
// convolution has 100. Interpolation points 0, ±1, ±2, ∞; Bᵀ's rows are scaled to integers and G's
// by the inverse factors (4, 6, 6, 24, 24, 1), which leaves the product unchanged:
//   Bᵀ = [4 0 −5 0 1 0; 0 4 4 −1 −1 0; 0 −4 4 1 −1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
//   G  = [1/4 0 0 0 0; 1/6 1/6 1/6 1/6 1/6; 1/6 −1/6 1/6 −1/6 1/6; 1/24 1/12 1/6 1/3 2/3;
//         1/24 −1/12 1/6 −1/3 2/3; 0 0 0 0 1]
//   Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 1]
// The 36 products of all tiles become 36 GEMMs, U_ξ [Cout × Cin] · V_ξ [Cin × tiles], on the
// engine's GEMM. The weight gradient is this map's adjoint: dU_ξ [Cin × Cout] = Σ over tiles of
// V_ξ [Cin × tiles] · (A dY Aᵀ)_ξ [tiles × Cout], then dw = Gᵀ dU G per filter. Layouts (floats):
// U [36][Cout][Cin], V [36][Cin][TP], M [36][Cout][TP] (the gradient's: [36][TP][Cout rounded up
// to 4]), dU [36][Cin][Cout]; tiles t = ty·TW + tx with TH = H/2 rows of TW = W/2 rounded up to 4 (the extra tiles read zeros and
// are not written out), TP = TH·TW. Sizes of the scratch: ./winograd.ts (winogradSizes).
import { gemm } from "../../engine/assembly/gemm";

const G0: f32 = 1.0 / 4.0;
const G1: f32 = 1.0 / 6.0;
const G3: f32 = 1.0 / 24.0;

/** Row r of G times the 5 values v0..v4 (a column or a row of a 5×5 filter). */
@inline function gRow(r: i32, v0: f32, v1: f32, v2: f32, v3: f32, v4: f32): f32 {
  switch (r) {
    case 0: return G0 * v0;
    case 1: return G1 * (v0 + v1 + v2 + v3 + v4);
    case 2: return G1 * (v0 - v1 + v2 - v3 + v4);
    case 3: return G3 * (v0 + 2 * v1 + 4 * v2 + 8 * v3 + 16 * v4);
    case 4: return G3 * (v0 - 2 * v1 + 4 * v2 - 8 * v3 + 16 * v4);
    default: return v4;
  }
}

/**
 * U [36][Cout][Cin] at pU = G g Gᵀ of every filter of w [F, C, 5, 5] at pW. Forward (backward = 0):
 * Cout = F, Cin = C, g = w[f, c]. For the input gradient (backward ≠ 0, a convolution of dout with
 * the filters turned by 180°): Cout = C, Cin = F, g = w[f, c] turned.
 */
export function winogradFilters(pW: usize, F: i32, C: i32, backward: i32, pU: usize): void {
  const cout = backward ? C : F, cin = backward ? F : C;
  for (let f = 0; f < F; f++) {
    for (let c = 0; c < C; c++) {
      const g = pW + ((<usize>((f * C + c) * 25)) << 2);
      const row = backward ? c : f, column = backward ? f : c;
      for (let r = 0; r < 6; r++) {
        // Row r of G g: G's row r down each column of the filter.
        const t0 = gColumn(g, r, 0, backward), t1 = gColumn(g, r, 1, backward), t2 = gColumn(g, r, 2, backward);
        const t3 = gColumn(g, r, 3, backward), t4 = gColumn(g, r, 4, backward);
        for (let s = 0; s < 6; s++) {
          store<f32>(pU + ((<usize>(((r * 6 + s) * cout + row) * cin + column)) << 2), gRow(s, t0, t1, t2, t3, t4));
        }
      }
    }
  }
}

/** Row r of G times column `col` of the 5×5 filter at g (turned by 180° when `turned`). */
@inline function gColumn(g: usize, r: i32, col: i32, turned: i32): f32 {
  return gRow(r, tap(g, 0, col, turned), tap(g, 1, col, turned), tap(g, 2, col, turned), tap(g, 3, col, turned), tap(g, 4, col, turned));
}

/** The filter at g at (kh, kw), or at (4 − kh, 4 − kw) when `turned`. */
@inline function tap(g: usize, kh: i32, kw: i32, turned: i32): f32 {
  return load<f32>(g + ((<usize>(turned ? (4 - kh) * 5 + 4 - kw : kh * 5 + kw)) << 2));
}

/** Bᵀ d for six vectors d0..d5 (lane-wise), written as six vectors at out, 16 bytes apart times `step`. */
@inline function bt(d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, out: usize, step: usize): void {
  const four = f32x4.splat(4), five = f32x4.splat(5), two = f32x4.splat(2);
  v128.store(out, f32x4.add(f32x4.sub(f32x4.mul(four, d0), f32x4.mul(five, d2)), d4));
  v128.store(out + step, f32x4.sub(f32x4.mul(four, f32x4.add(d1, d2)), f32x4.add(d3, d4)));
  v128.store(out + 2 * step, f32x4.add(f32x4.mul(four, f32x4.sub(d2, d1)), f32x4.sub(d3, d4)));
  v128.store(out + 3 * step, f32x4.add(f32x4.mul(two, f32x4.sub(d3, d1)), f32x4.sub(d4, d2)));
  v128.store(out + 4 * step, f32x4.add(f32x4.mul(two, f32x4.sub(d1, d3)), f32x4.sub(d4, d2)));
  v128.store(out + 5 * step, f32x4.add(f32x4.sub(f32x4.mul(four, d1), f32x4.mul(five, d3)), d5));
}

/**
 * V [36][Cin][TP] at pV = Bᵀ d B of every tile of x [Cin, H, W] at pX, through the zero-padded
 * copy at pXp: Cin planes of (H + 4) × WP floats (WP = 2·TW + 8), then 6 rows of WP floats (one
 * tile row down the columns: its even columns, then its odd ones) and 48 floats.
 */
function inputTiles(pX: usize, Cin: i32, H: i32, W: i32, TW: i32, pXp: usize, pV: usize): void {
  const WP = 2 * TW + 8, HP = H + 4, TP = (H >> 1) * TW;
  const rowBytes = (<usize>WP) << 2;
  memory.fill(pXp, 0, (<usize>(Cin * HP)) * rowBytes);
  for (let c = 0; c < Cin; c++) {
    for (let r = 0; r < H; r++) {
      memory.copy(pXp + (<usize>(c * HP + r + 2)) * rowBytes + 8, pX + ((<usize>((c * H + r) * W)) << 2), (<usize>W) << 2);
    }
  }
  const z = pXp + (<usize>(Cin * HP)) * rowBytes; // 6 rows: even columns, then odd columns
  const tmp = z + 6 * rowBytes; // 6 rows of 8 floats
  const half = (<usize>(WP >> 1)) << 2;
  const vStep = (<usize>(Cin * TP)) << 2; // from V_ξ to V_ξ+1
  for (let c = 0; c < Cin; c++) {
    for (let ty = 0; ty < (H >> 1); ty++) {
      const r0 = pXp + (<usize>(c * HP + 2 * ty)) * rowBytes;
      // Down the columns: Bᵀ over the 6 rows, 8 columns at a time, split into even and odd columns.
      for (let col = 0; col < WP; col += 8) {
        const off = (<usize>col) << 2;
        for (let half8 = 0; half8 < 2; half8++) {
          const o = off + ((<usize>half8) << 4);
          bt(v128.load(r0 + o), v128.load(r0 + rowBytes + o), v128.load(r0 + 2 * rowBytes + o),
            v128.load(r0 + 3 * rowBytes + o), v128.load(r0 + 4 * rowBytes + o), v128.load(r0 + 5 * rowBytes + o),
            tmp + ((<usize>half8) << 4), 32);
        }
        for (let i = 0; i < 6; i++) {
          const p = tmp + (<usize>i) * 32;
          const a = v128.load(p), b = v128.load(p, 16);
          v128.store(z + (<usize>i) * rowBytes + ((<usize>col) << 1), v128.shuffle<f32>(a, b, 0, 2, 4, 6));
          v128.store(z + (<usize>i) * rowBytes + half + ((<usize>col) << 1), v128.shuffle<f32>(a, b, 1, 3, 5, 7));
        }
      }
      // Along the rows: Bᵀ over columns 2tx … 2tx + 5 of each of the 6 rows, four tiles at a time.
      for (let tx = 0; tx < TW; tx += 4) {
        const t = ty * TW + tx;
        for (let i = 0; i < 6; i++) {
          const e = z + (<usize>i) * rowBytes + ((<usize>tx) << 2), o = e + half;
          const out = pV + ((<usize>(c * TP + t)) << 2) + (<usize>(i * 6)) * vStep;
          bt(v128.load(e), v128.load(o), v128.load(e, 4), v128.load(o, 4), v128.load(e, 8), v128.load(o, 8), out, vStep);
        }
      }
    }
  }
}

/** Store the 2·n floats of a and b interleaved (a0 b0 a1 b1 …) at p, n ≤ 4. */
@inline function storePairs(p: usize, a: v128, b: v128, n: i32): void {
  const lo = v128.shuffle<f32>(a, b, 0, 4, 1, 5), hi = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
  if (n >= 2) v128.store(p, lo);
  else v128.store64_lane(p, lo, 0);
  if (n === 4) v128.store(p, hi, 16);
  else if (n === 3) v128.store64_lane(p, hi, 0, 16);
}

/** Row i of M times A's first column (Aᵀ's row 0) for four tiles: m_0 + … + m_4, the m_j at r + j·step. */
@inline function maFirst(r: usize, step: usize): v128 {
  return f32x4.add(f32x4.add(f32x4.add(v128.load(r), v128.load(r + step)), f32x4.add(v128.load(r + 2 * step), v128.load(r + 3 * step))), v128.load(r + 4 * step));
}

/** Row i of M times A's second column: m_1 − m_2 + 2(m_3 − m_4) + m_5. */
@inline function maSecond(r: usize, step: usize): v128 {
  const d = f32x4.sub(v128.load(r + 3 * step), v128.load(r + 4 * step));
  return f32x4.add(f32x4.add(f32x4.sub(v128.load(r + step), v128.load(r + 2 * step)), f32x4.add(d, d)), v128.load(r + 5 * step));
}

/** out [Cout, H, W] at pOut = Aᵀ M A of every tile of M [36][Cout][TP] at pM, plus b [Cout] at pB (none when pB = 0). */
function outputTiles(pM: usize, pB: usize, pOut: usize, Cout: i32, H: i32, W: i32, TW: i32): void {
  const TP = (H >> 1) * TW;
  const mStep = (<usize>(Cout * TP)) << 2;
  const two = f32x4.splat(2);
  for (let f = 0; f < Cout; f++) {
    const bias = f32x4.splat(pB ? load<f32>(pB + ((<usize>f) << 2)) : 0);
    for (let ty = 0; ty < (H >> 1); ty++) {
      for (let tx = 0; tx < (W >> 1); tx += 4) {
        const m = pM + ((<usize>(f * TP + ty * TW + tx)) << 2);
        // (M A) row by row: a_i its first column, b_i its second.
        const a0 = maFirst(m, mStep), b0 = maSecond(m, mStep);
        const a1 = maFirst(m + 6 * mStep, mStep), b1 = maSecond(m + 6 * mStep, mStep);
        const a2 = maFirst(m + 12 * mStep, mStep), b2 = maSecond(m + 12 * mStep, mStep);
        const a3 = maFirst(m + 18 * mStep, mStep), b3 = maSecond(m + 18 * mStep, mStep);
        const a4 = maFirst(m + 24 * mStep, mStep), b4 = maSecond(m + 24 * mStep, mStep);
        const a5 = maFirst(m + 30 * mStep, mStep), b5 = maSecond(m + 30 * mStep, mStep);
        const y00 = f32x4.add(f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), a4), bias);
        const y01 = f32x4.add(f32x4.add(f32x4.add(f32x4.add(b0, b1), f32x4.add(b2, b3)), b4), bias);
        const y10 = f32x4.add(f32x4.add(f32x4.add(f32x4.sub(a1, a2), f32x4.mul(two, f32x4.sub(a3, a4))), a5), bias);
        const y11 = f32x4.add(f32x4.add(f32x4.add(f32x4.sub(b1, b2), f32x4.mul(two, f32x4.sub(b3, b4))), b5), bias);
        const n = min(4, (W >> 1) - tx);
        const row = pOut + ((<usize>((f * H + 2 * ty) * W + 2 * tx)) << 2);
        storePairs(row, y00, y01, n);
        storePairs(row + ((<usize>W) << 2), y10, y11, n);
      }
    }
  }
}

/**
 * out [Cout, H, W] = the 5×5, padding 2 convolution of x [Cin, H, W] (H, W even) with the filters
 * transformed into U by winogradFilters, plus b [Cout] (none when pB = 0). Scratch: pXp, pV, pM and
 * the GEMM's work (sizes: ./winograd.ts).
 */
export function winogradConv(pX: usize, pU: usize, pB: usize, pOut: usize, Cin: i32, Cout: i32, H: i32, W: i32, pXp: usize, pV: usize, pM: usize, work: usize): void {
  const TW = (((W >> 1) + 3) >> 2) << 2, TP = (H >> 1) * TW;
  inputTiles(pX, Cin, H, W, TW, pXp, pV);
  for (let xi = 0; xi < 36; xi++) {
    gemm(Cout, TP, Cin, pU + ((<usize>(xi * Cout * Cin)) << 2), Cin, 1, pV + ((<usize>(xi * Cin * TP)) << 2), TP, 1, pM + ((<usize>(xi * Cout * TP)) << 2), TP, 0, work);
  }
  outputTiles(pM, pB, pOut, Cout, H, W, TW);
}

/**
 * Mg [36][TP][FP] at pM (FP = Cout rounded up to 4; the extra channels and the tiles past the
 * image's width are 0) = A dY Aᵀ of every 2×2 tile dY of dout [Cout, H, W] at pDout, four channels
 * at a time. A dY Aᵀ takes (y0, y1) along each axis to (y0, y0 + y1, y0 − y1, y0 + 2y1, y0 − 2y1, y1).
 */
function gradientTiles(pDout: usize, Cout: i32, H: i32, W: i32, TW: i32, pM: usize): void {
  const TP = (H >> 1) * TW, FP = (Cout + 3) & ~3, P = H * W;
  const mStep = (<usize>(TP * FP)) << 2;
  const two = f32x4.splat(2), zero = f32x4.splat(0);
  for (let ty = 0; ty < (H >> 1); ty++) {
    for (let tx = 0; tx < TW; tx++) {
      const t = ty * TW + tx;
      for (let f = 0; f < FP; f += 4) {
        const out = pM + ((<usize>(t * FP + f)) << 2);
        if (tx >= (W >> 1)) {
          for (let xi = 0; xi < 36; xi++) v128.store(out + (<usize>xi) * mStep, zero);
          continue;
        }
        const at = pDout + ((<usize>(f * P + 2 * ty * W + 2 * tx)) << 2);
        const n = min(4, Cout - f);
        const y00 = channels(at, P, n), y01 = channels(at + 4, P, n);
        const y10 = channels(at + ((<usize>W) << 2), P, n), y11 = channels(at + ((<usize>W) << 2) + 4, P, n);
        // Down: rows i of A dY from (y0j, y1j); then along each row.
        spread(y00, y01, out, mStep);
        spread(f32x4.add(y00, y10), f32x4.add(y01, y11), out + 6 * mStep, mStep);
        spread(f32x4.sub(y00, y10), f32x4.sub(y01, y11), out + 12 * mStep, mStep);
        spread(f32x4.add(y00, f32x4.mul(two, y10)), f32x4.add(y01, f32x4.mul(two, y11)), out + 18 * mStep, mStep);
        spread(f32x4.sub(y00, f32x4.mul(two, y10)), f32x4.sub(y01, f32x4.mul(two, y11)), out + 24 * mStep, mStep);
        spread(y10, y11, out + 30 * mStep, mStep);
      }
    }
  }
}

/** Lanes k < n: the float at p + k·P floats (the same place in n consecutive channel planes of P floats); the other lanes 0. */
@inline function channels(p: usize, P: i32, n: i32): v128 {
  const plane = (<usize>P) << 2;
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, n > 1 ? load<f32>(p + plane) : 0);
  v = f32x4.replace_lane(v, 2, n > 2 ? load<f32>(p + 2 * plane) : 0);
  return f32x4.replace_lane(v, 3, n > 3 ? load<f32>(p + 3 * plane) : 0);
}

/** (y0, y0 + y1, y0 − y1, y0 + 2y1, y0 − 2y1, y1) at out, out + step, …, out + 5·step. */
@inline function spread(y0: v128, y1: v128, out: usize, step: usize): void {
  const y2 = f32x4.add(y1, y1);
  v128.store(out, y0);
  v128.store(out + step, f32x4.add(y0, y1));
  v128.store(out + 2 * step, f32x4.sub(y0, y1));
  v128.store(out + 3 * step, f32x4.add(y0, y2));
  v128.store(out + 4 * step, f32x4.sub(y0, y2));
  v128.store(out + 5 * step, y1);
}

/**
 * For one image x [Cin, H, W] with dout [Cout, H, W]: dU [36][Cin][Cout] at pDU += the Winograd
 * weight gradient (winogradFilterGradient makes dw of it) and db [Cout] at pDb += dout's row sums
 * (the accumulators of the image's group). Scratch as winogradConv's.
 */
export function winogradConvWeights(pX: usize, pDout: usize, pDU: usize, pDb: usize, Cin: i32, Cout: i32, H: i32, W: i32, pXp: usize, pV: usize, pM: usize, work: usize): void {
  const P = H * W;
  for (let f = 0; f < Cout; f++) {
    const row = pDout + ((<usize>(f * P)) << 2);
    let s = f32x4.splat(0);
    let p = 0;
    for (; p + 4 <= P; p += 4) s = f32x4.add(s, v128.load(row + ((<usize>p) << 2)));
    let t = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
    for (; p < P; p++) t += load<f32>(row + ((<usize>p) << 2));
    const d = pDb + ((<usize>f) << 2);
    store<f32>(d, load<f32>(d) + t);
  }
  const TW = (((W >> 1) + 3) >> 2) << 2, TP = (H >> 1) * TW;
  inputTiles(pX, Cin, H, W, TW, pXp, pV);
  gradientTiles(pDout, Cout, H, W, TW, pM);
  const FP = (Cout + 3) & ~3;
  for (let xi = 0; xi < 36; xi++) {
    gemm(Cin, Cout, TP, pV + ((<usize>(xi * Cin * TP)) << 2), TP, 1, pM + ((<usize>(xi * TP * FP)) << 2), FP, 1, pDU + ((<usize>(xi * Cin * Cout)) << 2), Cout, 1, work);
  }
}

/** Column k of G (G's rows r = 0..5 at k) times the 6 values v0..v5: Σ_r G[r][k]·v_r. */
@inline function gColumnDot(k: i32, v0: f32, v1: f32, v2: f32, v3: f32, v4: f32, v5: f32): f32 {
  switch (k) {
    case 0: return G0 * v0 + G1 * (v1 + v2) + G3 * (v3 + v4);
    case 1: return G1 * (v1 - v2) + G3 * 2 * (v3 - v4);
    case 2: return G1 * (v1 + v2) + G3 * 4 * (v3 + v4);
    case 3: return G1 * (v1 - v2) + G3 * 8 * (v3 - v4);
    default: return G1 * (v1 + v2) + G3 * 16 * (v3 + v4) + v5;
  }
}

/** dw [F, C, 5, 5] at pDw = Gᵀ dU G of every filter's dU [36][C][F] at pDU (added to what is there when accumulate ≠ 0). */
export function winogradFilterGradient(pDU: usize, F: i32, C: i32, pDw: usize, accumulate: i32): void {
  const step = (<usize>(F * C)) << 2;
  for (let f = 0; f < F; f++) {
    for (let c = 0; c < C; c++) {
      const u = pDU + ((<usize>(c * F + f)) << 2);
      const w = pDw + ((<usize>((f * C + c) * 25)) << 2);
      for (let kw = 0; kw < 5; kw++) {
        // Column kw of dU G: row r of dU times G's column kw, for r = 0..5.
        const t0 = rowDot(u, step, 0, kw), t1 = rowDot(u, step, 1, kw), t2 = rowDot(u, step, 2, kw);
        const t3 = rowDot(u, step, 3, kw), t4 = rowDot(u, step, 4, kw), t5 = rowDot(u, step, 5, kw);
        for (let kh = 0; kh < 5; kh++) {
          const at = w + ((<usize>(kh * 5 + kw)) << 2);
          const v = gColumnDot(kh, t0, t1, t2, t3, t4, t5);
          store<f32>(at, accumulate ? load<f32>(at) + v : v);
        }
      }
    }
  }
}

/** Row r of one filter's dU (its 36 values `step` bytes apart from u) times G's column k. */
@inline function rowDot(u: usize, step: usize, r: i32, k: i32): f32 {
  const at = u + (<usize>(r * 6)) * step;
  return gColumnDot(k, load<f32>(at), load<f32>(at + step), load<f32>(at + 2 * step), load<f32>(at + 3 * step), load<f32>(at + 4 * step), load<f32>(at + 5 * step));
}
