// The Adam update over float32 arrays, four lanes at a time: the fused optimizer step of float32
// models whose parameters, gradients and moments live in kernel memory (./fast.ts; twin: ./js.ts).

/**
 * For n floats: m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; x −= stepSize·m / (√v·vScale + ε),
 * where stepSize = lr/(1 − β1^t) and vScale = 1/√(1 − β2^t) carry the bias corrections.
 * The constants are five f32 at pConsts (β1, β2, stepSize, vScale, ε): the argument lists that
 * worker threads receive hold integers only.
 */
export function adam(pX: usize, pG: usize, pM: usize, pV: usize, n: i32, pConsts: usize): void {
  const beta1 = load<f32>(pConsts), beta2 = load<f32>(pConsts, 4), stepSize = load<f32>(pConsts, 8);
  const vScale = load<f32>(pConsts, 12), eps = load<f32>(pConsts, 16);
  const b1 = f32x4.splat(beta1), a1 = f32x4.splat(1 - beta1);
  const b2 = f32x4.splat(beta2), a2 = f32x4.splat(1 - beta2);
  const s = f32x4.splat(stepSize), vs = f32x4.splat(vScale), e = f32x4.splat(eps);
  const end = (<usize>n) << 2;
  const vecEnd = (<usize>(n & ~3)) << 2;
  let i: usize = 0;
  for (; i < vecEnd; i += 16) {
    const g = v128.load(pG + i);
    const m = f32x4.add(f32x4.mul(b1, v128.load(pM + i)), f32x4.mul(a1, g));
    const v = f32x4.add(f32x4.mul(b2, v128.load(pV + i)), f32x4.mul(a2, f32x4.mul(g, g)));
    v128.store(pM + i, m);
    v128.store(pV + i, v);
    const step = f32x4.div(f32x4.mul(s, m), f32x4.add(f32x4.mul(f32x4.sqrt(v), vs), e));
    v128.store(pX + i, f32x4.sub(v128.load(pX + i), step));
  }
  for (; i < end; i += 4) {
    const g = load<f32>(pG + i);
    const m = beta1 * load<f32>(pM + i) + (1 - beta1) * g;
    const v = beta2 * load<f32>(pV + i) + (1 - beta2) * g * g;
    store<f32>(pM + i, m);
    store<f32>(pV + i, v);
    store<f32>(pX + i, load<f32>(pX + i) - (stepSize * m) / (Mathf.sqrt(v) * vScale + eps));
  }
}
