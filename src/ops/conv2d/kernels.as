// Convolution of one image as im2col + GEMM. A program (src/engine/engine.ts) runs one call per
// image, each thread with its own scratch (col, dcol, GEMM work), so the images of a batch are
// shared out over the threads. The backward pass is two calls: the weights' gradients, summed in
// image order per group of images, and the input's gradient, one image on its own.
//
// Shapes (float32, row-major): x [C, H, W], w [F, C, KH, KW], b [F], out/dout [F, Ho, Wo]. Every
// call takes the convolution's geometry packed at pGeom (./geometry.as).
import { gemm } from "../../engine/assembly/gemm";
import { im2col, col2im } from "./im2col";
import { gC, gF, gHo, gKH, gKW, gWo } from "./geometry";

/** out = w · im2col(x) + b for one image; pCol holds C·KH·KW·Ho·Wo floats of scratch. */
export function convForward(pX: usize, pW: usize, pB: usize, pOut: usize, pGeom: usize, pCol: usize, work: usize): void {
  const F = gF(pGeom);
  const K = gC(pGeom) * gKH(pGeom) * gKW(pGeom);
  const P = gHo(pGeom) * gWo(pGeom);
  im2col(pX, pGeom, pCol);
  for (let f = 0; f < F; f++) {
    const bias = f32x4.splat(load<f32>(pB + ((<usize>f) << 2)));
    const row = pOut + ((<usize>(f * P)) << 2);
    let p = 0;
    for (; p + 4 <= P; p += 4) v128.store(row + ((<usize>p) << 2), bias);
    for (; p < P; p++) store<f32>(row + ((<usize>p) << 2), f32x4.extract_lane(bias, 0));
  }
  gemm(F, P, K, pW, K, 1, pCol, P, 1, pOut, P, 1, work);
}

/**
 * For one image: dw [F, C·KH·KW] += dout · im2col(x)ᵀ and db [F] += dout's row sums (the
 * accumulators of the image's group). pCol holds C·KH·KW·Ho·Wo floats of scratch.
 */
export function convBackwardWeights(pX: usize, pDout: usize, pDw: usize, pDb: usize, pGeom: usize, pCol: usize, work: usize): void {
  const F = gF(pGeom);
  const K = gC(pGeom) * gKH(pGeom) * gKW(pGeom);
  const P = gHo(pGeom) * gWo(pGeom);
  for (let f = 0; f < F; f++) {
    const row = pDout + ((<usize>(f * P)) << 2);
    let s = f32x4.splat(0);
    let p = 0;
    for (; p + 4 <= P; p += 4) s = f32x4.add(s, v128.load(row + ((<usize>p) << 2)));
    let t = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
    for (; p < P; p++) t += load<f32>(row + ((<usize>p) << 2));
    const d = pDb + ((<usize>f) << 2);
    store<f32>(d, load<f32>(d) + t);
  }
  im2col(pX, pGeom, pCol);
  gemm(F, K, P, pDout, P, 1, pCol, 1, P, pDw, K, 1, work);
}

/** For one image: dx [C, H, W] = col2im(wᵀ · dout). pDcol holds C·KH·KW·Ho·Wo floats of scratch. */
export function convBackwardInput(pW: usize, pDout: usize, pDx: usize, pGeom: usize, pDcol: usize, work: usize): void {
  const F = gF(pGeom);
  const K = gC(pGeom) * gKH(pGeom) * gKW(pGeom);
  const P = gHo(pGeom) * gWo(pGeom);
  gemm(K, P, F, pW, 1, K, pDout, P, 1, pDcol, P, 0, work);
  col2im(pDcol, pGeom, pDx);
}
export { winogradFilters, winogradConv, winogradConvWeights, winogradFilterGradient } from "./winograd";
