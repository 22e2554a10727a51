// im2col / col2im for one image: the patches a convolution sees, laid out as the columns of a
// matrix so that the convolution becomes one GEMM.
//
// x is [C, H, W]; col is [C·KH·KW, Ho·Wo] with row r = (c·KH + kh)·KW + kw and column p = oh·Wo + ow,
// col[r, p] = x[c, oh·stride − pad + kh, ow·stride − pad + kw] (0 outside the image).

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
export function im2col(
  pX: usize, C: i32, H: i32, W: i32, KH: i32, KW: i32, stride: i32, pad: i32, Ho: i32, Wo: i32, pCol: usize,
): void {
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
            memory.fill(dst, 0, (<usize>Wo) << 2);
          } else {
            if (lo > 0) memory.fill(dst, 0, (<usize>lo) << 2);
            const src = plane + ((<usize>(ih * W + lo * stride - pad + kw)) << 2);
            if (stride === 1) {
              memory.copy(dst + ((<usize>lo) << 2), src, (<usize>(hi - lo)) << 2);
            } else {
              for (let ow = lo; ow < hi; ow++) {
                store<f32>(dst + ((<usize>ow) << 2), load<f32>(src + ((<usize>((ow - lo) * stride)) << 2)));
              }
            }
            if (hi < Wo) memory.fill(dst + ((<usize>hi) << 2), 0, (<usize>(Wo - hi)) << 2);
          }
          dst += (<usize>Wo) << 2;
        }
      }
    }
  }
}

/** dx [C, H, W] at pX = the adjoint of im2col applied to col [C·KH·KW, Ho·Wo] at pCol (overwrites dx). */
export function col2im(
  pCol: usize, C: i32, H: i32, W: i32, KH: i32, KW: i32, stride: i32, pad: i32, Ho: i32, Wo: i32, pX: usize,
): void {
  memory.fill(pX, 0, (<usize>(C * H * W)) << 2);
  // BEGIN SOLUTION
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
            for (let ow = lo; ow < hi; ow++) {
              const d = dst + ((<usize>((ow - lo) * stride)) << 2);
              store<f32>(d, load<f32>(d) + load<f32>(src + ((<usize>ow) << 2)));
            }
          }
          src += (<usize>Wo) << 2;
        }
      }
    }
  }
  // END SOLUTION
}
