// The optimizers' update rules (src/optim/rules.ts) as fused kernels over float32 arrays, four
// lanes at a time: the step of float32 models whose parameters, gradients and state live in
// kernel memory (./fast.ts; the plain TypeScript twins in ./kernels.ts run the rules themselves).
//
// Every kernel takes the same arguments: x, g (the gradient), two state arrays s0, s1 (those the
// rule has), n floats, and the rule's constants as f32 at pConsts, in the order of the rule's own
// arguments (the argument lists that worker threads receive hold integers only).

/** x −= lr·g.  Constants: lr. */
export function sgd(pX: usize, pG: usize, pS0: usize, pS1: usize, n: i32, pConsts: usize): void {
  const lr = load<f32>(pConsts);
  const vlr = f32x4.splat(lr);
  const end = (<usize>n) << 2;
  const vecEnd = (<usize>(n & ~3)) << 2;
  let i: usize = 0;
  for (; i < vecEnd; i += 16) v128.store(pX + i, f32x4.sub(v128.load(pX + i), f32x4.mul(vlr, v128.load(pG + i))));
  for (; i < end; i += 4) store<f32>(pX + i, load<f32>(pX + i) - lr * load<f32>(pG + i));
}

/** v = ρ·v + g; x −= lr·v (v at pS0).  Constants: ρ, lr. */
export function momentum(pX: usize, pG: usize, pS0: usize, pS1: usize, n: i32, pConsts: usize): void {
  const rho = load<f32>(pConsts), lr = load<f32>(pConsts, 4);
  const vrho = f32x4.splat(rho), vlr = f32x4.splat(lr);
  const end = (<usize>n) << 2;
  const vecEnd = (<usize>(n & ~3)) << 2;
  let i: usize = 0;
  for (; i < vecEnd; i += 16) {
    const v = f32x4.add(f32x4.mul(vrho, v128.load(pS0 + i)), v128.load(pG + i));
    v128.store(pS0 + i, v);
    v128.store(pX + i, f32x4.sub(v128.load(pX + i), f32x4.mul(vlr, v)));
  }
  for (; i < end; i += 4) {
    const v = rho * load<f32>(pS0 + i) + load<f32>(pG + i);
    store<f32>(pS0 + i, v);
    store<f32>(pX + i, load<f32>(pX + i) - lr * v);
  }
}

/** g2 += g²; x −= lr·g / (√g2 + ε) (g2 at pS0).  Constants: lr, ε. */
export function adagrad(pX: usize, pG: usize, pS0: usize, pS1: usize, n: i32, pConsts: usize): void {
  const lr = load<f32>(pConsts), eps = load<f32>(pConsts, 4);
  const vlr = f32x4.splat(lr), veps = f32x4.splat(eps);
  const end = (<usize>n) << 2;
  const vecEnd = (<usize>(n & ~3)) << 2;
  let i: usize = 0;
  for (; i < vecEnd; i += 16) {
    const g = v128.load(pG + i);
    const g2 = f32x4.add(v128.load(pS0 + i), f32x4.mul(g, g));
    v128.store(pS0 + i, g2);
    v128.store(pX + i, f32x4.sub(v128.load(pX + i), f32x4.div(f32x4.mul(vlr, g), f32x4.add(f32x4.sqrt(g2), veps))));
  }
  for (; i < end; i += 4) {
    const g = load<f32>(pG + i);
    const g2 = load<f32>(pS0 + i) + g * g;
    store<f32>(pS0 + i, g2);
    store<f32>(pX + i, load<f32>(pX + i) - (lr * g) / (Mathf.sqrt(g2) + eps));
  }
}

/** g2 = decay·g2 + (1 − decay)·g²; x −= lr·g / (√g2 + ε) (g2 at pS0).  Constants: decay, lr, ε. */
export function rmsprop(pX: usize, pG: usize, pS0: usize, pS1: usize, n: i32, pConsts: usize): void {
  const decay = load<f32>(pConsts), lr = load<f32>(pConsts, 4), eps = load<f32>(pConsts, 8);
  const vd = f32x4.splat(decay), va = f32x4.splat(1 - decay), vlr = f32x4.splat(lr), veps = f32x4.splat(eps);
  const end = (<usize>n) << 2;
  const vecEnd = (<usize>(n & ~3)) << 2;
  let i: usize = 0;
  for (; i < vecEnd; i += 16) {
    const g = v128.load(pG + i);
    const g2 = f32x4.add(f32x4.mul(vd, v128.load(pS0 + i)), f32x4.mul(va, f32x4.mul(g, g)));
    v128.store(pS0 + i, g2);
    v128.store(pX + i, f32x4.sub(v128.load(pX + i), f32x4.div(f32x4.mul(vlr, g), f32x4.add(f32x4.sqrt(g2), veps))));
  }
  for (; i < end; i += 4) {
    const g = load<f32>(pG + i);
    const g2 = decay * load<f32>(pS0 + i) + (1 - decay) * g * g;
    store<f32>(pS0 + i, g2);
    store<f32>(pX + i, load<f32>(pX + i) - (lr * g) / (Mathf.sqrt(g2) + eps));
  }
}

/**
 * m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; x −= lr·(m/c1) / (√(v/c2) + ε) (m at pS0, v at
 * pS1), computed as x −= stepSize·m / (√v·vScale + ε) with stepSize = lr/c1, vScale = 1/√c2.
 * Constants: β1, β2, ε, lr, c1, c2.
 */
export function adam(pX: usize, pG: usize, pS0: usize, pS1: usize, n: i32, pConsts: usize): void {
  const beta1 = load<f32>(pConsts), beta2 = load<f32>(pConsts, 4), eps = load<f32>(pConsts, 8);
  const stepSize = load<f32>(pConsts, 12) / load<f32>(pConsts, 16);
  const vScale: f32 = <f32>1 / Mathf.sqrt(load<f32>(pConsts, 20));
  const b1 = f32x4.splat(beta1), a1 = f32x4.splat(1 - beta1);
  const b2 = f32x4.splat(beta2), a2 = f32x4.splat(1 - beta2);
  const s = f32x4.splat(stepSize), vs = f32x4.splat(vScale), e = f32x4.splat(eps);
  const end = (<usize>n) << 2;
  const vecEnd = (<usize>(n & ~3)) << 2;
  let i: usize = 0;
  for (; i < vecEnd; i += 16) {
    const g = v128.load(pG + i);
    const m = f32x4.add(f32x4.mul(b1, v128.load(pS0 + i)), f32x4.mul(a1, g));
    const v = f32x4.add(f32x4.mul(b2, v128.load(pS1 + i)), f32x4.mul(a2, f32x4.mul(g, g)));
    v128.store(pS0 + i, m);
    v128.store(pS1 + i, v);
    const step = f32x4.div(f32x4.mul(s, m), f32x4.add(f32x4.mul(f32x4.sqrt(v), vs), e));
    v128.store(pX + i, f32x4.sub(v128.load(pX + i), step));
  }
  for (; i < end; i += 4) {
    const g = load<f32>(pG + i);
    const m = beta1 * load<f32>(pS0 + i) + (1 - beta1) * g;
    const v = beta2 * load<f32>(pS1 + i) + (1 - beta2) * g * g;
    store<f32>(pS0 + i, m);
    store<f32>(pS1 + i, v);
    store<f32>(pX + i, load<f32>(pX + i) - (stepSize * m) / (Mathf.sqrt(v) * vScale + eps));
  }
}
