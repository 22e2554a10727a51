// ReLU over float32 arrays, branch-free: on random signs a compare-and-branch mispredicts half
// the time, which costs more than the arithmetic. The primitives of ./fast.ts (their plain
// TypeScript twins: ./js.ts).

/** out[i] = max(0, x[i]) for n floats (NaN → 0, as x > 0 ? x : 0). */
export function relu(pX: usize, pOut: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const vecEnd = pX + ((<usize>(n & ~3)) << 2);
  let x = pX, o = pOut;
  for (; x < vecEnd; x += 16, o += 16) v128.store(o, f32x4.pmax(zero, v128.load(x)));
  for (; x < pX + ((<usize>n) << 2); x += 4, o += 4) {
    const v = load<f32>(x);
    store<f32>(o, select<f32>(v, 0, v > 0));
  }
}

/** dx[i] = dout[i] where x[i] > 0, else 0, for n floats. */
export function reluGrad(pX: usize, pDout: usize, pDx: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const vecEnd = pX + ((<usize>(n & ~3)) << 2);
  let x = pX, g = pDout, d = pDx;
  for (; x < vecEnd; x += 16, g += 16, d += 16) v128.store(d, v128.and(v128.load(g), f32x4.gt(v128.load(x), zero)));
  for (; x < pX + ((<usize>n) << 2); x += 4, g += 4, d += 4) {
    store<f32>(d, select<f32>(load<f32>(g), 0, load<f32>(x) > 0));
  }
}
