// im2col / col2im for one image: the patches a convolution sees, laid out as the columns of a
// matrix so that the convolution becomes one GEMM.
//
// x is [C, H, W]; col is [C·KH·KW, Ho·Wo] with row r = (c·KH + kh)·KW + kw and column p = oh·Wo + ow,
// col[r, p] = x[c, oh·stride − pad + kh, ow·stride − pad + kw] (0 outside the image). The sizes
// are the convolution's geometry, packed at pGeom (./geometry.as).
import { gC, gH, gHo, gKH, gKW, gPad, gStride, gW, gWo } from "./geometry";

@inline function floorDiv(a: i32, b: i32): i32 {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/** First output column ow whose input column ow·stride − pad + kw is ≥ 0. */
@inline function firstValid(kw: i32, stride: i32, pad: i32): i32 {
  return max(0, -floorDiv(kw - pad, stride));
}

/** One past the last output column whose input column is < W. */
@inline function lastValid(W: i32, Wo: i32, kw: i32, stride: i32, pad: i32): i32 {
  return min(Wo, floorDiv(W - 1 + pad - kw, stride) + 1);
}

/** Fill col [C·KH·KW, Ho·Wo] at pCol from the image x [C, H, W] at pX. */
export function im2col(pX: usize, pGeom: usize, pCol: usize): void {
  const C = gC(pGeom), H = gH(pGeom), W = gW(pGeom), KH = gKH(pGeom), KW = gKW(pGeom);
  const stride = gStride(pGeom), pad = gPad(pGeom), Ho = gHo(pGeom), Wo = gWo(pGeom);
  if (stride === 1 && Wo === W) {
    im2colSameWidth(pX, C, H, W, KH, KW, pad, Ho, pCol);
    return;
  }
  let dst = pCol;
  for (let c = 0; c < C; c++) {
    const plane = pX + ((<usize>(c * H * W)) << 2);
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const lo = firstValid(kw, stride, pad);
        const hi = max(lo, lastValid(W, Wo, kw, stride, pad));
        for (let oh = 0; oh < Ho; oh++) {
          const ih = oh * stride - pad + kh;
          if (ih < 0 || ih >= H) {
            zero(dst, 0, Wo);
          } else {
            zero(dst, 0, lo);
            const src = plane + ((<usize>(ih * W + lo * stride - pad + kw)) << 2);
            if (stride === 1) {
              copy(dst + ((<usize>lo) << 2), src, hi - lo);
            } else {
              for (let ow = lo; ow < hi; ow++) {
                store<f32>(dst + ((<usize>ow) << 2), load<f32>(src + ((<usize>((ow - lo) * stride)) << 2)));
              }
            }
            zero(dst, hi, Wo);
          }
          dst += (<usize>Wo) << 2;
        }
      }
    }
  }
}

/**
 * A stride-1 convolution whose output rows are as wide as the input's (KW = 2·pad + 1: "same"
 * padding, LeNet-5's 5×5 with pad 2, VGG's 3×3 with pad 1). Row r = (c, kh, kw) of col is then
 * the plane x[c] read from offset (kh − pad)·W + (kw − pad) on, all its valid output rows in one
 * run; what the run takes from the row above or below (|kw − pad| columns at one edge of each
 * row) and the output rows above or below the image are then set to 0.
 */
function im2colSameWidth(pX: usize, C: i32, H: i32, W: i32, KH: i32, KW: i32, pad: i32, Ho: i32, pCol: usize): void {
  const P = Ho * W;
  let dst = pCol;
  for (let c = 0; c < C; c++) {
    const plane = pX + ((<usize>(c * H * W)) << 2);
    for (let kh = 0; kh < KH; kh++) {
      const oh0 = max(0, pad - kh), oh1 = max(oh0, min(Ho, H + pad - kh)); // output rows whose input row is in the image
      for (let kw = 0; kw < KW; kw++) {
        const shift = kw - pad;
        const d = (kh - pad) * W + shift; // output p = oh·W + ow reads input p + d
        // The run: outputs [oh0·W, oh1·W), kept to inputs inside the plane.
        const from = max(oh0 * W, -d), to = max(from, min(oh1 * W, H * W - d));
        zero(dst, 0, from);
        copy(dst + ((<usize>from) << 2), plane + ((<usize>(from + d)) << 2), to - from);
        zero(dst, to, P);
        zeroWrapped(dst, W, oh0, oh1, shift);
        dst += (<usize>P) << 2;
      }
    }
  }
}

/**
 * col2im for the convolutions of im2colSameWidth: row r of col is added to the plane in one run,
 * once its entries that belong to the neighbouring input rows are set to 0 (col is scratch).
 */
function col2imSameWidth(pCol: usize, C: i32, H: i32, W: i32, KH: i32, KW: i32, pad: i32, Ho: i32, pX: usize): void {
  const P = Ho * W;
  let src = pCol;
  for (let c = 0; c < C; c++) {
    const plane = pX + ((<usize>(c * H * W)) << 2);
    for (let kh = 0; kh < KH; kh++) {
      const oh0 = max(0, pad - kh), oh1 = max(oh0, min(Ho, H + pad - kh));
      for (let kw = 0; kw < KW; kw++) {
        const shift = kw - pad;
        const d = (kh - pad) * W + shift;
        const from = max(oh0 * W, -d), to = max(from, min(oh1 * W, H * W - d));
        zeroWrapped(src, W, oh0, oh1, shift);
        addTo(plane + ((<usize>(from + d)) << 2), src + ((<usize>from) << 2), to - from);
        src += (<usize>P) << 2;
      }
    }
  }
}

/** In rows [oh0, oh1) of W floats at p, set to 0 the |shift| columns a run shifted by `shift` takes from the neighbouring row. */
@inline function zeroWrapped(p: usize, W: i32, oh0: i32, oh1: i32, shift: i32): void {
  for (let oh = oh0; oh < oh1; oh++) {
    const row = p + ((<usize>(oh * W)) << 2);
    if (shift < 0) zero(row, 0, min(W, -shift));
    else zero(row, max(0, W - shift), W);
  }
}

// Rows of an image are short (tens of floats): plain loops beat memory.copy / memory.fill calls.

/** Zero floats [from, to) of the row at p. */
@inline function zero(p: usize, from: i32, to: i32): void {
  for (let i = from; i < to; i++) store<f32>(p + ((<usize>i) << 2), 0);
}

/** Copy n floats from src to dst, four at a time while it can. */
@inline function copy(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + ((<usize>i) << 2), v128.load(src + ((<usize>i) << 2)));
  for (; i < n; i++) store<f32>(dst + ((<usize>i) << 2), load<f32>(src + ((<usize>i) << 2)));
}

/** dst[i] += src[i] for n floats, four at a time while it can. */
@inline function addTo(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const d = dst + ((<usize>i) << 2);
    v128.store(d, f32x4.add(v128.load(d), v128.load(src + ((<usize>i) << 2))));
  }
  for (; i < n; i++) {
    const d = dst + ((<usize>i) << 2);
    store<f32>(d, load<f32>(d) + load<f32>(src + ((<usize>i) << 2)));
  }
}

/** dx [C, H, W] at pX = the adjoint of im2col applied to col [C·KH·KW, Ho·Wo] at pCol (overwrites dx). */
export function col2im(pCol: usize, pGeom: usize, pX: usize): void {
  const C = gC(pGeom), H = gH(pGeom), W = gW(pGeom), KH = gKH(pGeom), KW = gKW(pGeom);
  const stride = gStride(pGeom), pad = gPad(pGeom), Ho = gHo(pGeom), Wo = gWo(pGeom);
  memory.fill(pX, 0, (<usize>(C * H * W)) << 2);
  if (stride === 1 && Wo === W) {
    col2imSameWidth(pCol, C, H, W, KH, KW, pad, Ho, pX);
    return;
  }
  let src = pCol;
  for (let c = 0; c < C; c++) {
    const plane = pX + ((<usize>(c * H * W)) << 2);
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const lo = firstValid(kw, stride, pad);
        const hi = max(lo, lastValid(W, Wo, kw, stride, pad));
        for (let oh = 0; oh < Ho; oh++) {
          const ih = oh * stride - pad + kh;
          if (ih >= 0 && ih < H) {
            const dst = plane + ((<usize>(ih * W + lo * stride - pad + kw)) << 2);
            if (stride === 1) {
              addTo(dst, src + ((<usize>lo) << 2), hi - lo);
            } else {
              for (let ow = lo; ow < hi; ow++) {
                const d = dst + ((<usize>((ow - lo) * stride)) << 2);
                store<f32>(d, load<f32>(d) + load<f32>(src + ((<usize>ow) << 2)));
              }
            }
          }
          src += (<usize>Wo) << 2;
        }
      }
    }
  }
}
