// ReLU and max-pooling over float32 arrays, branch-free: on random signs a compare-and-branch
// mispredicts half the time, which costs more than the arithmetic.

/** out[i] = max(0, x[i]) for n floats (NaN → 0, as x > 0 ? x : 0). */
export function relu(pX: usize, pOut: usize, n: i32): void {
  // BEGIN SOLUTION
  const zero = f32x4.splat(0);
  const vecEnd = pX + ((<usize>(n & ~3)) << 2);
  let x = pX, o = pOut;
  for (; x < vecEnd; x += 16, o += 16) v128.store(o, f32x4.pmax(zero, v128.load(x)));
  for (; x < pX + ((<usize>n) << 2); x += 4, o += 4) {
    const v = load<f32>(x);
    store<f32>(o, select<f32>(v, 0, v > 0));
  }
  // END SOLUTION
}

/** dx[i] = dout[i] where x[i] > 0, else 0, for n floats. */
export function reluGrad(pX: usize, pDout: usize, pDx: usize, n: i32): void {
  // BEGIN SOLUTION
  const zero = f32x4.splat(0);
  const vecEnd = pX + ((<usize>(n & ~3)) << 2);
  let x = pX, g = pDout, d = pDx;
  for (; x < vecEnd; x += 16, g += 16, d += 16) v128.store(d, v128.and(v128.load(g), f32x4.gt(v128.load(x), zero)));
  for (; x < pX + ((<usize>n) << 2); x += 4, g += 4, d += 4) {
    store<f32>(d, select<f32>(load<f32>(g), 0, load<f32>(x) > 0));
  }
  // END SOLUTION
}

/**
 * Max-pooling of planes [p0, p1) of x (planes [H, W], at pX) with size×size windows `stride` apart:
 * out [planes, Ho, Wo] at pOut, and at pArg (i32) the flat index in x of each window's first maximum
 * in row-major order.
 */
export function maxPool(
  pX: usize, p0: i32, p1: i32, H: i32, W: i32, size: i32, stride: i32, Ho: i32, Wo: i32, pOut: usize, pArg: usize,
): void {
  // BEGIN SOLUTION
  let o = <usize>(p0 * Ho * Wo);
  for (let plane = p0; plane < p1; plane++) {
    const base = plane * H * W;
    for (let i = 0; i < Ho; i++) {
      for (let j = 0; j < Wo; j++) {
        const corner = base + i * stride * W + j * stride;
        let best: f32 = -Infinity;
        let at = corner;
        for (let ky = 0; ky < size; ky++) {
          const row = corner + ky * W;
          for (let kx = 0; kx < size; kx++) {
            const v = load<f32>(pX + ((<usize>(row + kx)) << 2));
            const better = v > best;
            best = select<f32>(v, best, better);
            at = select<i32>(row + kx, at, better);
          }
        }
        store<f32>(pOut + (o << 2), best);
        store<i32>(pArg + (o << 2), at);
        o++;
      }
    }
  }
  // END SOLUTION
}
