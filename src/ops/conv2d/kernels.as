// Convolution of a batch as im2col + GEMM per image. Every thread that takes part calls these with
// its own scratch (col, dcol, GEMM work) and the same counter at pNext: each image goes to whichever
// thread claims it first (atomic increment), so a thread that starts late simply claims fewer.
//
// Shapes (float32, row-major): x [N, C, H, W], w [F, C, KH, KW], b [F], out/dout [N, F, Ho, Wo].
import { gemm } from "../../engine/assembly/gemm";
import { im2col, col2im } from "./im2col";

/** out[n] = w · im2col(x[n]) + b for the images n < N claimed at pNext; pCol holds C·KH·KW·Ho·Wo floats of scratch. */
export function convForwardRange(
  pNext: usize, N: i32, pX: usize, pW: usize, pB: usize, pOut: usize,
  C: i32, H: i32, W: i32, F: i32, KH: i32, KW: i32, stride: i32, pad: i32, Ho: i32, Wo: i32,
  pCol: usize, work: usize,
): void {
  const K = C * KH * KW;
  const P = Ho * Wo;
  for (let n = atomic.add<i32>(pNext, 1); n < N; n = atomic.add<i32>(pNext, 1)) {
    const x = pX + ((<usize>(n * C * H * W)) << 2);
    const out = pOut + ((<usize>(n * F * P)) << 2);
    im2col(x, C, H, W, KH, KW, stride, pad, Ho, Wo, pCol);
    for (let f = 0; f < F; f++) {
      const bias = load<f32>(pB + ((<usize>f) << 2));
      const row = out + ((<usize>(f * P)) << 2);
      for (let p = 0; p < P; p++) store<f32>(row + ((<usize>p) << 2), bias);
    }
    gemm(F, P, K, pW, K, 1, pCol, P, 1, out, P, 1, work);
  }
}

/**
 * For the images n < N claimed at pNext: dw [F, C·KH·KW] += dout[n] · im2col(x[n])ᵀ (dw is this
 * thread's own accumulator) and, when needDx ≠ 0, dx[n] = col2im(wᵀ · dout[n]).
 * pCol and pDcol hold C·KH·KW·Ho·Wo floats of scratch each.
 */
export function convBackwardRange(
  pNext: usize, N: i32, pX: usize, pW: usize, pDout: usize, pDx: usize, pDw: usize,
  C: i32, H: i32, W: i32, F: i32, KH: i32, KW: i32, stride: i32, pad: i32, Ho: i32, Wo: i32,
  pCol: usize, pDcol: usize, work: usize, needDx: i32,
): void {
  const K = C * KH * KW;
  const P = Ho * Wo;
  for (let n = atomic.add<i32>(pNext, 1); n < N; n = atomic.add<i32>(pNext, 1)) {
    const x = pX + ((<usize>(n * C * H * W)) << 2);
    const dout = pDout + ((<usize>(n * F * P)) << 2);
    im2col(x, C, H, W, KH, KW, stride, pad, Ho, Wo, pCol);
    gemm(F, K, P, dout, P, 1, pCol, 1, P, pDw, K, 1, work);
    if (needDx !== 0) {
      gemm(K, P, F, pW, 1, K, dout, P, 1, pDcol, P, 0, work);
      col2im(pDcol, C, H, W, KH, KW, stride, pad, Ho, Wo, pDx + ((<usize>(n * C * H * W)) << 2));
    }
  }
}
