/**
 * The cases of the five update rules: a parameter x and its state (zeros, as an optimizer starts,
 * or given), updated for a few steps with seeded gradients, the state carried from step to step.
 * Expected values are the reference rules' after the last step; the known wrong answers are the
 * same steps taken by a rule with one mistake.
 */
import { Tensor, randn } from "../../../../src/tensor.js";
import { adagradRule, adamRule, momentumRule, rmspropRule, sgdRule } from "../../../../src/optim/rules.js";
import type { Candidate, StepCase, StepTable } from "nnkit/grading";

/** One step of a rule on x, its gradient dx, its state and its scalar arguments (all changed in place). */
type Step = (x: Float64Array, dx: Float64Array, state: Float64Array[], k: number[]) => void;

/** A rule with one known mistake. */
interface Variant {
  mistake: string;
  hint: string;
  step: Step;
}

/** One update rule: its name, its state (the sums of squares are ≥ 0), its scalar arguments at step t (from 1) and its mistakes. */
interface RuleDef {
  fn: string;
  states: { name: string; square?: boolean }[];
  constants: (h: Record<string, number>, t: number) => number[];
  reference: Step;
  variants: Variant[];
}

const each = (x: Float64Array, f: (k: number) => void): void => {
  for (let k = 0; k < x.length; k++) f(k);
};

const SGD: RuleDef = {
  fn: "sgdRule",
  states: [],
  constants: (h) => [h.lr],
  reference: (x, dx, [], [lr]) => sgdRule(x, dx, lr),
  variants: [
    { mistake: "step taken up the gradient", hint: "x moved along +dx: gradient descent subtracts, x −= lr·dx.", step: (x, dx, [], [lr]) => each(x, (k) => (x[k] += lr * dx[k])) },
    { mistake: "learning rate applied twice", hint: "x moved by lr²·dx: multiply dx by lr once.", step: (x, dx, [], [lr]) => each(x, (k) => (x[k] -= lr * lr * dx[k])) },
  ],
};

const MOMENTUM: RuleDef = {
  fn: "momentumRule",
  states: [{ name: "v" }],
  constants: (h) => [h.rho, h.lr],
  reference: (x, dx, [v], [rho, lr]) => momentumRule(x, dx, v, rho, lr),
  variants: [
    {
      mistake: "momentum not carried across steps",
      hint: "v is never written back: compute v[k] = ρ·v[k] + dx[k] into v itself, so that the next step starts from it (the velocity is the optimizer's memory).",
      step: (x, dx, [v], [rho, lr]) => each(x, (k) => (x[k] -= lr * (rho * v[k] + dx[k]))),
    },
    {
      mistake: "learning rate applied twice",
      hint: "v already holds lr·dx and x −= lr·v scales it again: on the slides v = ρ·v + dx (no lr) and x −= lr·v.",
      step: (x, dx, [v], [rho, lr]) => each(x, (k) => {
        v[k] = rho * v[k] + lr * dx[k];
        x[k] -= lr * v[k];
      }),
    },
    {
      mistake: "x updated with the old velocity",
      hint: "x moved by the previous step's v: update v first, then x −= lr·v with the new v.",
      step: (x, dx, [v], [rho, lr]) => each(x, (k) => {
        x[k] -= lr * v[k];
        v[k] = rho * v[k] + dx[k];
      }),
    },
  ],
};

/** AdaGrad's and RMSProp's step with `g2` updated by `acc` and the step divided by `root(g2)`. */
function scaledStep(acc: (g: number, d: number) => number, root: (g: number) => number): (x: Float64Array, dx: Float64Array, g2: Float64Array, lr: number, eps: number) => void {
  return (x, dx, g2, lr, eps) => each(x, (k) => {
    g2[k] = acc(g2[k], dx[k]);
    x[k] -= (lr * dx[k]) / (root(g2[k]) + eps);
  });
}

const ADAGRAD: RuleDef = {
  fn: "adagradRule",
  states: [{ name: "g2", square: true }],
  constants: (h) => [h.lr, h.eps],
  reference: (x, dx, [g2], [lr, eps]) => adagradRule(x, dx, g2, lr, eps),
  variants: [
    { mistake: "squared gradients not summed", hint: "g2 holds only the last dx²: AdaGrad adds every step's dx² to g2 (g2 += dx²).", step: (x, dx, [g2], [lr, eps]) => scaledStep((_, d) => d * d, Math.sqrt)(x, dx, g2, lr, eps) },
    { mistake: "square root missing", hint: "the step is divided by g2 + ε: divide by √g2 + ε.", step: (x, dx, [g2], [lr, eps]) => scaledStep((g, d) => g + d * d, (g) => g)(x, dx, g2, lr, eps) },
  ],
};

const RMSPROP: RuleDef = {
  fn: "rmspropRule",
  states: [{ name: "g2", square: true }],
  constants: (h) => [h.decay, h.lr, h.eps],
  reference: (x, dx, [g2], [decay, lr, eps]) => rmspropRule(x, dx, g2, decay, lr, eps),
  variants: [
    { mistake: "decay and 1 − decay swapped", hint: "g2 keeps (1 − decay) of its old value: g2 = decay·g2 + (1 − decay)·dx².", step: (x, dx, [g2], [decay, lr, eps]) => scaledStep((g, d) => (1 - decay) * g + decay * d * d, Math.sqrt)(x, dx, g2, lr, eps) },
    { mistake: "squared gradients summed as in AdaGrad", hint: "g2 grows by dx² each step: RMSProp decays it, g2 = decay·g2 + (1 − decay)·dx².", step: (x, dx, [g2], [, lr, eps]) => scaledStep((g, d) => g + d * d, Math.sqrt)(x, dx, g2, lr, eps) },
    { mistake: "square root missing", hint: "the step is divided by g2 + ε: divide by √g2 + ε.", step: (x, dx, [g2], [decay, lr, eps]) => scaledStep((g, d) => decay * g + (1 - decay) * d * d, (g) => g)(x, dx, g2, lr, eps) },
  ],
};

/** Adam's step with the bias-corrected moments formed by `hat(moment, correction)`. */
function adamWith(hat: (m: number, c: number) => number): Step {
  return (x, dx, [m, v], [b1, b2, eps, lr, c1, c2]) => each(x, (k) => {
    m[k] = b1 * m[k] + (1 - b1) * dx[k];
    v[k] = b2 * v[k] + (1 - b2) * dx[k] * dx[k];
    x[k] -= (lr * hat(m[k], c1)) / (Math.sqrt(hat(v[k], c2)) + eps);
  });
}

const ADAM: RuleDef = {
  fn: "adamRule",
  states: [{ name: "m" }, { name: "v", square: true }],
  // t counts from 1: c1 = 1 − β1^t, c2 = 1 − β2^t (as src/optim/adam.ts forms them)
  constants: (h, t) => [h.beta1, h.beta2, h.eps, h.lr, 1 - h.beta1 ** t, 1 - h.beta2 ** t],
  reference: (x, dx, [m, v], [b1, b2, eps, lr, c1, c2]) => adamRule(x, dx, m, v, b1, b2, eps, lr, c1, c2),
  variants: [
    { mistake: "bias correction multiplied instead of divided (ConvNetJS's Adam bug)", hint: "m̂ = m·c1 and v̂ = v·c2 shrink the early steps: the bias correction divides, m̂ = m / c1, v̂ = v / c2.", step: adamWith((m, c) => m * c) },
    { mistake: "bias correction missing", hint: "x moved by lr·m / (√v + ε): divide m by c1 and v by c2 first (m̂ = m / c1, v̂ = v / c2), which the caller passes as 1 − β1^t and 1 − β2^t.", step: adamWith((m) => m) },
    {
      mistake: "β1 and β2 swapped",
      hint: "m is averaged with β2 and v with β1: m = β1·m + (1 − β1)·dx, v = β2·v + (1 − β2)·dx².",
      step: (x, dx, [m, v], [b1, b2, eps, lr, c1, c2]) => adamWith((u, c) => u / c)(x, dx, [m, v], [b2, b1, eps, lr, c1, c2]),
    },
  ],
};

/** The rules by name. */
export const RULES: Record<string, RuleDef> = Object.fromEntries([SGD, MOMENTUM, ADAGRAD, RMSPROP, ADAM].map((r) => [r.fn, r]));

/** One case of a rule: n elements, `steps` steps, the seed of x and the gradients, the hyperparameters, and a non-zero start state or not. */
export interface RuleCase {
  n: number;
  steps: number;
  seed: number;
  h: Record<string, number>;
  warm?: boolean;
}

const draw = (n: number, seed: number, abs = false): Float64Array => Float64Array.from(randn([n], { seed }).data, (v) => (abs ? Math.abs(v) : v));

/** The rule run on copies of the case's start: x and each state after the last step. */
function run(step: Step, x0: Float64Array, state0: Float64Array[], grads: Float64Array[], constants: number[][]): Float64Array[] {
  const x = Float64Array.from(x0);
  const state = state0.map((s) => Float64Array.from(s));
  grads.forEach((dx, t) => step(x, Float64Array.from(dx), state, constants[t]));
  return [x, ...state];
}

/** True when a and b differ by more than a variant's tolerance (relative, cs231n's rule). */
function differs(a: Float64Array, b: Float64Array): boolean {
  return a.some((v, k) => Math.abs(v - b[k]) / Math.max(1e-8, Math.abs(v) + Math.abs(b[k])) > 1e-5);
}

function stepCase(def: RuleDef, c: RuleCase): StepCase {
  const x0 = draw(c.n, c.seed);
  const state0 = def.states.map((s, i) => (c.warm ? draw(c.n, c.seed + 50 + i, s.square) : new Float64Array(c.n)));
  const grads = Array.from({ length: c.steps }, (_, t) => draw(c.n, c.seed + 1 + t));
  const constants = grads.map((_, t) => def.constants(c.h, t + 1));
  const names = ["x", ...def.states.map((s) => s.name)];
  const right = run(def.reference, x0, state0, grads, constants);
  const mistakes: Record<string, Candidate[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const v of def.variants) {
    const wrong = run(v.step, x0, state0, grads, constants);
    names.forEach((n, i) => {
      if (differs(wrong[i], right[i])) mistakes[n].push({ mistake: v.mistake, hint: v.hint, value: new Tensor(wrong[i], [c.n]) });
    });
  }
  const hyper = Object.entries(c.h).map(([k, v]) => `${k} ${v}`).join(", ");
  return {
    label: `x [${c.n}], ${c.steps} step${c.steps === 1 ? "" : "s"}, ${hyper}${c.warm ? ", non-zero start state" : ""}`,
    calls: grads.map((dx, t) => [x0, dx, ...state0, ...constants[t]]),
    expected: Object.fromEntries(names.map((n, i) => [n, right[i]])),
    mistakes,
  };
}

/** The table of rule `fn` over `cases`: x at argument 0 and the state from argument 2 on, carried from step to step. */
export function ruleTable(fn: string, cases: readonly RuleCase[]): StepTable {
  const def = RULES[fn];
  const carried: Record<string, number> = { x: 0 };
  def.states.forEach((s, i) => (carried[s.name] = 2 + i));
  return { fn, carried, cases: cases.map((c) => stepCase(def, c)) };
}
