// Max-pooling over float32 planes, branch-free (selects instead of compare-and-branch), with a
// four-outputs-at-a-time SIMD path for the usual 2×2 windows of stride 2; and its backward pass,
// one scatter through the recorded maxima. The primitives of ./fast.ts (their plain TypeScript
// twins: ./kernels.ts).

/**
 * Max-pooling of planes [p0, p1) of x (planes [H, W], at pX) with size×size windows `stride` apart:
 * out [planes, Ho, Wo] at pOut, and at pArg (i32) the flat index in x of each window's first maximum
 * in row-major order (NaN never wins; a window with no number above −∞ gives −∞ at its first index).
 * The geometry is packed at pGeom: int32 fields in the order of POOL_FIELDS (./contract.ts),
 * N, C, H, W, size, stride, Ho, Wo, field i at byte 4·i.
 */
export function maxPool(pX: usize, p0: i32, p1: i32, pGeom: usize, pOut: usize, pArg: usize): void {
  const H = load<i32>(pGeom, 8), W = load<i32>(pGeom, 12), size = load<i32>(pGeom, 16);
  const stride = load<i32>(pGeom, 20), Ho = load<i32>(pGeom, 24), Wo = load<i32>(pGeom, 28);
  let o = <usize>(p0 * Ho * Wo);
  for (let plane = p0; plane < p1; plane++) {
    const base = plane * H * W;
    for (let i = 0; i < Ho; i++) {
      let j = 0;
      if (size === 2 && stride === 2) {
        j = pool2x2Row(pX, base + 2 * i * W, W, Wo, pOut + (o << 2), pArg + (o << 2));
        o += <usize>j;
      }
      for (; j < Wo; j++) {
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

/**
 * Outputs 0, 1, … of one row of 2×2 windows of stride 2, four at a time: `top` is the flat index
 * of the window row's first input; returns how many outputs from 0 on were done (the rest, if any,
 * are the caller's).
 */
@inline function pool2x2Row(pX: usize, top: i32, W: i32, Wo: i32, out: usize, arg: usize): i32 {
  const up = pX + ((<usize>top) << 2);
  const down = up + ((<usize>W) << 2);
  const first = i32x4(0, 2, 4, 6);
  const right = i32x4.splat(1), below = i32x4.splat(W), belowRight = i32x4.splat(W + 1);
  // Four outputs from j = 0, 4, 8, … and, when the row's count is not a multiple of four, a last
  // four from `last` (recomputing up to three with the same values): no output one at a time.
  const last = min(Wo, W >> 1) - 4; // the last j whose four windows' eight inputs are in the row
  if (last < 0) return 0;
  for (let j = 0, more = true; more; more = j < last, j = min(j + 4, last)) {
    const at = (<usize>(2 * j)) << 2;
    const u0 = v128.load(up + at), u1 = v128.load(up + at, 16);
    const d0 = v128.load(down + at), d1 = v128.load(down + at, 16);
    const tl = v128.shuffle<f32>(u0, u1, 0, 2, 4, 6), tr = v128.shuffle<f32>(u0, u1, 1, 3, 5, 7);
    const bl = v128.shuffle<f32>(d0, d1, 0, 2, 4, 6), br = v128.shuffle<f32>(d0, d1, 1, 3, 5, 7);
    // Strictly greater replaces: ties keep the earlier (row-major) position, NaN never wins.
    let better = f32x4.gt(tl, f32x4.splat(-Infinity));
    let best = v128.bitselect(tl, f32x4.splat(-Infinity), better);
    let offset = i32x4.splat(0);
    better = f32x4.gt(tr, best);
    best = v128.bitselect(tr, best, better);
    offset = v128.bitselect(right, offset, better);
    better = f32x4.gt(bl, best);
    best = v128.bitselect(bl, best, better);
    offset = v128.bitselect(below, offset, better);
    better = f32x4.gt(br, best);
    best = v128.bitselect(br, best, better);
    offset = v128.bitselect(belowRight, offset, better);
    v128.store(out + ((<usize>j) << 2), best);
    v128.store(arg + ((<usize>j) << 2), i32x4.add(i32x4.add(i32x4.splat(top + 2 * j), first), offset));
  }
  return last + 4;
}

/**
 * Backward pass of max-pooling for outputs [o0, o1) and the inputs [x0, x1) they come from:
 * dx [x0, x1) = 0, then dx[arg[o]] += dout[o] (arg: the flat indices maxPool recorded).
 */
export function maxPoolBackward(pDout: usize, pArg: usize, o0: i32, o1: i32, pDx: usize, x0: i32, x1: i32): void {
  memory.fill(pDx + ((<usize>x0) << 2), 0, (<usize>(x1 - x0)) << 2);
  for (let o = o0; o < o1; o++) {
    const d = pDx + ((<usize>load<i32>(pArg + ((<usize>o) << 2))) << 2);
    store<f32>(d, load<f32>(d) + load<f32>(pDout + ((<usize>o) << 2)));
  }
}
