/**
 * Optimizers, written as on the lecture slides (cs231n style). Each `step(params, grads)` updates
 * the parameter tensors in place from their gradients; per-parameter state (velocity, squared
 * gradient sums, moments) is kept by position in the list, in float64 — or, for float32 parameters
 * with float32 gradients, in float32 (in kernel memory where possible), updated by a loop written
 * for float32 arrays only — for Adam a WebAssembly SIMD kernel when the parameter and its gradient
 * live in kernel memory too (the fast path of float32 training; the float64 path is the slide's code,
 * exactly).
 *
 *   SGD          x −= lr·dx
 *   SGDMomentum  v = ρ·v + dx;                  x −= lr·v
 *   AdaGrad      g2 += dx²;                      x −= lr·dx / (√g2 + ε)
 *   RMSProp      g2 = decay·g2 + (1 − decay)·dx²; x −= lr·dx / (√g2 + ε)
 *   Adam         t += 1 (so t = 1 on the first step)
 *                m = β1·m + (1 − β1)·dx;  v = β2·v + (1 − β2)·dx²
 *                m̂ = m / (1 − β1^t);      v̂ = v / (1 − β2^t)
 *                x −= lr·m̂ / (√v̂ + ε)
 * with ε = 1e-7.
 */
import { Tensor, sameShape, shapeStr } from "./tensor.js";
import { float32Array, fusedAdam } from "./ops/float32.js";

/** What every optimizer offers: a learning rate and an in-place update step. */
export interface Optimizer {
  /** The name used by `makeOptimizer` and the CLI ("sgd", "momentum", ...). */
  readonly name: OptimizerName;
  /** Learning rate; may be changed between steps (e.g. for a schedule). */
  lr: number;
  /** Update params[i] in place from grads[i] (same shapes); the list must keep its shapes between steps. */
  step(params: Tensor[], grads: Tensor[]): void;
  /** Forget all state (velocities, moments, step count), e.g. to reuse it for another model. */
  reset(): void;
}

/** The optimizer names understood by `makeOptimizer` (and `nnkit train --optimizer`). */
export const OPTIMIZER_NAMES = ["sgd", "momentum", "adagrad", "rmsprop", "adam"] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Options of all optimizers; each uses the ones it knows. Defaults are given per class. */
export interface OptimizerOptions {
  lr?: number;
  /** SGDMomentum: the friction ρ (default 0.9). */
  rho?: number;
  /** RMSProp: the decay rate of the squared-gradient average (default 0.99). */
  decay?: number;
  /** Adam: decay of the first moment (default 0.9). */
  beta1?: number;
  /** Adam: decay of the second moment (default 0.999). */
  beta2?: number;
  /** AdaGrad, RMSProp, Adam: the small constant added to the denominator (default 1e-7). */
  eps?: number;
  /** Adam: divide the moments by (1 − β^t) (default true). */
  biasCorrection?: boolean;
}

const EPS = 1e-7;

/**
 * Shared machinery: checks the params/grads lists, allocates `slots` float64 state arrays per
 * parameter on the first step, and refuses a list whose length or shapes change afterwards.
 * Subclasses implement `update(x, dx, state)` for one parameter.
 */
export abstract class OptimizerBase implements Optimizer {
  abstract readonly name: OptimizerName;
  lr: number;
  /** Steps taken so far (Adam's t after the step). */
  protected t = 0;
  private shapes: number[][] | null = null;
  private state: Float64Array[][] = [];
  /** Per parameter: its state is float32 and it takes the float32 loop. */
  private float32: boolean[] = [];

  constructor(
    lr: number,
    private readonly slots: number,
  ) {
    this.lr = checkNumber(this.constructor.name, "lr", lr, 0, Infinity, false);
  }

  step(params: Tensor[], grads: Tensor[]): void {
    this.check(params, grads);
    this.t++;
    for (let i = 0; i < params.length; i++) {
      const x = params[i].data, dx = grads[i].data;
      if (this.float32[i] && x instanceof Float32Array && dx instanceof Float32Array) {
        this.updateFloat32(x, dx, this.state[i] as unknown as Float32Array[]);
      } else {
        this.update(x, dx, this.state[i]);
      }
    }
  }

  reset(): void {
    this.t = 0;
    this.shapes = null;
    this.state = [];
    this.float32 = [];
  }

  /** Update one parameter x in place from its gradient dx, with its state arrays (each x.length long). */
  protected abstract update(x: Float32Array | Float64Array, dx: Float32Array | Float64Array, state: Float64Array[]): void;

  /** The same update for float32 x and dx with float32 state: one loop V8 compiles for float32 arrays only. */
  protected abstract updateFloat32(x: Float32Array, dx: Float32Array, state: Float32Array[]): void;

  private check(params: Tensor[], grads: Tensor[]): void {
    const fn = `${this.constructor.name}.step`;
    if (!Array.isArray(params) || !Array.isArray(grads)) {
      throw new Error(`${fn}: expected two arrays of Tensors (params, grads)`);
    }
    if (params.length !== grads.length) {
      throw new Error(`${fn}: ${params.length} params but ${grads.length} grads; pass one gradient per parameter`);
    }
    for (let i = 0; i < params.length; i++) {
      if (!(params[i] instanceof Tensor) || !(grads[i] instanceof Tensor)) {
        throw new Error(`${fn}: params[${i}] and grads[${i}] must both be Tensors`);
      }
      if (!sameShape(params[i].shape, grads[i].shape)) {
        throw new Error(`${fn}: params[${i}] has shape ${params[i].shapeString()} but grads[${i}] has shape ${grads[i].shapeString()}`);
      }
    }
    if (this.shapes === null) {
      this.shapes = params.map((p) => [...p.shape]);
      this.float32 = params.map((p, i) => p.data instanceof Float32Array && grads[i].data instanceof Float32Array);
      this.state = params.map((p, i) =>
        Array.from({ length: this.slots }, () => (this.float32[i] ? float32Array(p.size) : new Float64Array(p.size)) as Float64Array),
      );
      return;
    }
    const known = this.shapes;
    if (params.length !== known.length) {
      throw new Error(`${fn}: got ${params.length} params but earlier steps had ${known.length}; the state is kept by position, so use one optimizer per model (or call reset())`);
    }
    for (let i = 0; i < params.length; i++) {
      if (!sameShape(params[i].shape, known[i])) {
        throw new Error(`${fn}: params[${i}] has shape ${params[i].shapeString()} but had ${shapeStr(known[i])} in earlier steps; keep the same parameter order (or call reset())`);
      }
      if (this.float32[i] && !(params[i].data instanceof Float32Array)) {
        throw new Error(`${fn}: params[${i}] is ${params[i].dtype} but was float32 in earlier steps; keep each parameter's dtype (or call reset())`);
      }
    }
  }
}

/** Vanilla SGD: x −= lr·dx. Default lr 1e-2. */
export class SGD extends OptimizerBase {
  readonly name = "sgd";
  constructor(opts: OptimizerOptions = {}) {
    super(opts.lr ?? 1e-2, 0);
  }
  protected update(x: Float32Array | Float64Array, dx: Float32Array | Float64Array): void {
    for (let k = 0; k < x.length; k++) x[k] -= this.lr * dx[k];
  }
  protected updateFloat32(x: Float32Array, dx: Float32Array): void {
    const lr = this.lr;
    for (let k = 0; k < x.length; k++) x[k] -= lr * dx[k];
  }
}

/**
 * SGD with momentum, in the slide's form v = ρ·v + dx; x −= lr·v (v starts at 0; default ρ 0.9,
 * lr 1e-2). With a constant lr this equals the form v = ρ·v − lr·dx; x += v.
 */
export class SGDMomentum extends OptimizerBase {
  readonly name = "momentum";
  readonly rho: number;
  constructor(opts: OptimizerOptions = {}) {
    super(opts.lr ?? 1e-2, 1);
    this.rho = checkNumber("SGDMomentum", "rho", opts.rho ?? 0.9, 0, 1, true);
  }
  protected update(x: Float32Array | Float64Array, dx: Float32Array | Float64Array, [v]: Float64Array[]): void {
    for (let k = 0; k < x.length; k++) {
      v[k] = this.rho * v[k] + dx[k];
      x[k] -= this.lr * v[k];
    }
  }
  protected updateFloat32(x: Float32Array, dx: Float32Array, [v]: Float32Array[]): void {
    const { rho, lr } = this;
    for (let k = 0; k < x.length; k++) {
      const vk = rho * v[k] + dx[k];
      v[k] = vk;
      x[k] -= lr * vk;
    }
  }
}

/** AdaGrad: g2 += dx²; x −= lr·dx / (√g2 + ε). Defaults lr 1e-2, ε 1e-7. */
export class AdaGrad extends OptimizerBase {
  readonly name = "adagrad";
  readonly eps: number;
  constructor(opts: OptimizerOptions = {}) {
    super(opts.lr ?? 1e-2, 1);
    this.eps = checkNumber("AdaGrad", "eps", opts.eps ?? EPS, 0, Infinity, false);
  }
  protected update(x: Float32Array | Float64Array, dx: Float32Array | Float64Array, [g2]: Float64Array[]): void {
    for (let k = 0; k < x.length; k++) {
      g2[k] += dx[k] * dx[k];
      x[k] -= (this.lr * dx[k]) / (Math.sqrt(g2[k]) + this.eps);
    }
  }
  protected updateFloat32(x: Float32Array, dx: Float32Array, [g2]: Float32Array[]): void {
    const { lr, eps } = this;
    for (let k = 0; k < x.length; k++) {
      const g = dx[k];
      const s = g2[k] + g * g;
      g2[k] = s;
      x[k] -= (lr * g) / (Math.sqrt(s) + eps);
    }
  }
}

/** RMSProp: g2 = decay·g2 + (1 − decay)·dx²; x −= lr·dx / (√g2 + ε). Defaults lr 1e-2, decay 0.99, ε 1e-7. */
export class RMSProp extends OptimizerBase {
  readonly name = "rmsprop";
  readonly decay: number;
  readonly eps: number;
  constructor(opts: OptimizerOptions = {}) {
    super(opts.lr ?? 1e-2, 1);
    this.decay = checkNumber("RMSProp", "decay", opts.decay ?? 0.99, 0, 1, true);
    this.eps = checkNumber("RMSProp", "eps", opts.eps ?? EPS, 0, Infinity, false);
  }
  protected update(x: Float32Array | Float64Array, dx: Float32Array | Float64Array, [g2]: Float64Array[]): void {
    for (let k = 0; k < x.length; k++) {
      g2[k] = this.decay * g2[k] + (1 - this.decay) * dx[k] * dx[k];
      x[k] -= (this.lr * dx[k]) / (Math.sqrt(g2[k]) + this.eps);
    }
  }
  protected updateFloat32(x: Float32Array, dx: Float32Array, [g2]: Float32Array[]): void {
    const { lr, eps, decay } = this;
    for (let k = 0; k < x.length; k++) {
      const g = dx[k];
      const s = decay * g2[k] + (1 - decay) * g * g;
      g2[k] = s;
      x[k] -= (lr * g) / (Math.sqrt(s) + eps);
    }
  }
}

/**
 * Adam, exactly the slide's code: t counts from 1; m = β1·m + (1 − β1)·dx; v = β2·v + (1 − β2)·dx²;
 * m̂ = m/(1 − β1^t); v̂ = v/(1 − β2^t); x −= lr·m̂ / (√v̂ + ε).
 * Defaults lr 1e-4, β1 0.9, β2 0.999, ε 1e-7. `biasCorrection: false` uses m and v directly:
 * both start near zero, v much more so, and the first step is (1 − β1)/√(1 − β2) ≈ 3.16 times
 * lr with the defaults (with the correction it is ≈ lr, whatever the gradient's scale).
 */
export class Adam extends OptimizerBase {
  readonly name = "adam";
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly biasCorrection: boolean;
  constructor(opts: OptimizerOptions = {}) {
    super(opts.lr ?? 1e-4, 2);
    this.beta1 = checkNumber("Adam", "beta1", opts.beta1 ?? 0.9, 0, 1, true);
    this.beta2 = checkNumber("Adam", "beta2", opts.beta2 ?? 0.999, 0, 1, true);
    this.eps = checkNumber("Adam", "eps", opts.eps ?? EPS, 0, Infinity, false);
    this.biasCorrection = opts.biasCorrection ?? true;
  }
  /** Steps taken so far: the t of the last update (0 before the first step). */
  get stepCount(): number {
    return this.t;
  }
  protected update(x: Float32Array | Float64Array, dx: Float32Array | Float64Array, [m, v]: Float64Array[]): void {
    const { beta1, beta2, eps } = this;
    const c1 = this.biasCorrection ? 1 - beta1 ** this.t : 1;
    const c2 = this.biasCorrection ? 1 - beta2 ** this.t : 1;
    for (let k = 0; k < x.length; k++) {
      m[k] = beta1 * m[k] + (1 - beta1) * dx[k];
      v[k] = beta2 * v[k] + (1 - beta2) * dx[k] * dx[k];
      const mHat = m[k] / c1;
      const vHat = v[k] / c2;
      x[k] -= (this.lr * mHat) / (Math.sqrt(vHat) + eps);
    }
  }
  /** x −= (lr/c1)·m / (√v·(1/√c2) + ε): the same update with the bias corrections folded into two constants. */
  protected updateFloat32(x: Float32Array, dx: Float32Array, [m, v]: Float32Array[]): void {
    const { beta1, beta2, eps } = this;
    const c1 = this.biasCorrection ? 1 - beta1 ** this.t : 1;
    const c2 = this.biasCorrection ? 1 - beta2 ** this.t : 1;
    const stepSize = this.lr / c1;
    const vScale = 1 / Math.sqrt(c2);
    if (fusedAdam?.(x, dx, m, v, { beta1, beta2, stepSize, vScale, eps })) return;
    const a1 = 1 - beta1, a2 = 1 - beta2;
    for (let k = 0; k < x.length; k++) {
      const g = dx[k];
      const mk = beta1 * m[k] + a1 * g;
      const vk = beta2 * v[k] + a2 * g * g;
      m[k] = mk;
      v[k] = vk;
      x[k] -= (stepSize * mk) / (Math.sqrt(vk) * vScale + eps);
    }
  }
}

/**
 * Build an optimizer by name ("sgd" | "momentum" | "adagrad" | "rmsprop" | "adam"), for the CLI's
 * `--optimizer` and `--lr`. Options not given take each class's defaults.
 */
export function makeOptimizer(name: string, opts: OptimizerOptions = {}): Optimizer {
  switch (name.toLowerCase()) {
    case "sgd":
      return new SGD(opts);
    case "momentum":
      return new SGDMomentum(opts);
    case "adagrad":
      return new AdaGrad(opts);
    case "rmsprop":
      return new RMSProp(opts);
    case "adam":
      return new Adam(opts);
    default:
      throw new Error(`makeOptimizer: unknown optimizer "${name}"; choose one of ${OPTIMIZER_NAMES.join(", ")}`);
  }
}

/** value if it is a finite number in (low, high) or [low, high) (lowInclusive), else an Error. */
function checkNumber(cls: string, what: string, value: number, low: number, high: number, lowInclusive: boolean): number {
  const ok = typeof value === "number" && Number.isFinite(value) && (lowInclusive ? value >= low : value > low) && value < high;
  if (!ok) {
    const range = `${lowInclusive ? "[" : "("}${low}, ${high === Infinity ? "∞" : high})`;
    throw new Error(`${cls}: ${what} must be a number in ${range}, got ${value}`);
  }
  return value;
}
