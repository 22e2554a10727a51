// Max-pooling over float32 planes, branch-free (selects instead of compare-and-branch): the
// primitive of ./fast.ts (its plain TypeScript twin: ./js.ts).

/**
 * Max-pooling of planes [p0, p1) of x (planes [H, W], at pX) with size×size windows `stride` apart:
 * out [planes, Ho, Wo] at pOut, and at pArg (i32) the flat index in x of each window's first maximum
 * in row-major order.
 */
export function maxPool(
  pX: usize, p0: i32, p1: i32, H: i32, W: i32, size: i32, stride: i32, Ho: i32, Wo: i32, pOut: usize, pArg: usize,
): void {
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
}
