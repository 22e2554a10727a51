/**
 * What every optimizer of the lecture shares: a learning rate, an in-place `step(params, grads)`,
 * and per-parameter state (velocity, squared-gradient sums, moments) kept by position in the list.
 * Each optimizer (./sgd.ts … ./adam.ts) writes its update rule once, as on the slide, for any
 * float array.
 */
import { Tensor, sameShape, shapeStr, type TypedArray } from "../tensor.js";
import type { FusedSteps } from "./fused.js";

/** What every optimizer offers: a learning rate and an in-place update step. */
export interface Optimizer {
  /** The name used by `makeOptimizer` and the CLI ("sgd", "momentum", ...: see ./registry.ts). */
  readonly name: string;
  /** Learning rate; may be changed between steps (e.g. for a schedule). */
  lr: number;
  /** Update params[i] in place from grads[i] (same shapes); the list must keep its shapes between steps. */
  step(params: Tensor[], grads: Tensor[]): void;
  /** Forget all state (velocities, moments, step count), e.g. to reuse it for another model. */
  reset(): void;
}

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

/** The slides' ε, added to a denominator so that it is never 0. */
export const EPS = 1e-7;

/** One parameter's update: x and dx (same length) and its state arrays (each as long). */
export type Update = (x: TypedArray, dx: TypedArray, state: readonly TypedArray[]) => void;

/** n zeroed floats for a float32 parameter's state. */
export type Float32Allocator = (n: number) => Float32Array;

const plainFloat32: Float32Allocator = (n) => new Float32Array(n);

/**
 * Shared machinery: checks the params/grads lists, allocates `slots` state arrays per parameter on
 * the first step (float32 parameter and gradient: float32 state, in kernel memory when prepare()
 * was given the kit's allocator; otherwise Float64Array), and refuses a list whose length, shapes
 * or dtypes change afterwards. Subclasses implement `update(x, dx, state)` for one parameter.
 */
export abstract class OptimizerBase implements Optimizer {
  abstract readonly name: string;
  lr: number;
  /** Steps taken so far (Adam's t after the step). */
  protected t = 0;
  private shapes: number[][] | null = null;
  private state: TypedArray[][] = [];
  /** Per parameter: it and its gradient were float32 at the first step (its state is float32 then). */
  private float32: boolean[] = [];

  constructor(
    lr: number,
    private readonly slots: number,
  ) {
    this.lr = checkNumber(this.constructor.name, "lr", lr, 0, Infinity, false);
  }

  step(params: Tensor[], grads: Tensor[]): void {
    this.stepWith(params, grads, (x, dx, state) => this.update(x, dx, state));
  }

  reset(): void {
    this.t = 0;
    this.shapes = null;
    this.state = [];
    this.float32 = [];
  }

  /**
   * The same step with this optimizer's fused kernel (one of `fused`, the fast twins of the rules)
   * for every parameter it takes — float32, in kernel memory with its gradient and state — and the
   * slide's rule for the others. The training loop steps float32 models this way.
   */
  stepFused(params: Tensor[], grads: Tensor[], fused: FusedSteps): void {
    const step = fused[this.name];
    let constants: number[] | undefined;
    this.stepWith(params, grads, (x, dx, state) => {
      const float32 = x instanceof Float32Array && dx instanceof Float32Array && state.every((s) => s instanceof Float32Array);
      if (float32 && step?.(x, dx, state as readonly Float32Array[], (constants ??= this.constants()))) return;
      this.update(x, dx, state);
    });
  }

  /**
   * Check params and grads as step() does and allocate the state for them now, without stepping,
   * float32 state with `float32Array`: a training loop calls it with the kit's allocator before it
   * allocates its own kernel memory, so that the state lives in kernel memory beside the parameters.
   */
  prepare(params: Tensor[], grads: Tensor[], float32Array: Float32Allocator = plainFloat32): void {
    this.check(params, grads, float32Array);
  }

  /** One step (checks, t += 1) with `update` applied to every parameter, its gradient and its state. */
  protected stepWith(params: Tensor[], grads: Tensor[], update: Update): void {
    this.check(params, grads);
    this.t++;
    for (let i = 0; i < params.length; i++) update(params[i].data, grads[i].data, this.state[i]);
  }

  /** Update one parameter x in place from its gradient dx, with its state arrays (each x.length long): the slide's rule. */
  protected abstract update(x: TypedArray, dx: TypedArray, state: readonly TypedArray[]): void;

  /** The rule's arguments after the arrays, for the current step (also the fused kernel's constants). */
  protected abstract constants(): number[];

  private check(params: Tensor[], grads: Tensor[], float32Array: Float32Allocator = plainFloat32): void {
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
      this.float32 = params.map((p, i) => p.dtype === "float32" && grads[i].dtype === "float32");
      this.state = params.map((p, i) =>
        Array.from({ length: this.slots }, () => (this.float32[i] ? float32Array(p.size) : new Float64Array(p.size))),
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
      if (this.float32[i] && params[i].dtype !== "float32") {
        throw new Error(`${fn}: params[${i}] is ${params[i].dtype} but was float32 in earlier steps; keep each parameter's dtype (or call reset())`);
      }
    }
  }
}

/** value if it is a finite number in (low, high) or [low, high) (lowInclusive), else an Error. */
export function checkNumber(cls: string, what: string, value: number, low: number, high: number, lowInclusive: boolean): number {
  const ok = typeof value === "number" && Number.isFinite(value) && (lowInclusive ? value >= low : value > low) && value < high;
  if (!ok) {
    const range = `${lowInclusive ? "[" : "("}${low}, ${high === Infinity ? "∞" : high})`;
    throw new Error(`${cls}: ${what} must be a number in ${range}, got ${value}`);
  }
  return value;
}
