import { describe, expect, it } from "vitest";
import { relError } from "../src/metrics.js";
import { AdaGrad, Adam, OPTIMIZER_NAMES, OptimizerBase, RMSProp, SGD, SGDMomentum, makeOptimizer, type Optimizer } from "../src/optim/index.js";
import { Tensor, tensor } from "../src/tensor.js";

// Two steps on x = [1, −2, 0.5] with gradients g1 then g2; each expected value is computed here
// from the slide's formula, element by element, independently of src/optim/ (rules.ts and the classes).
const X0 = [1, -2, 0.5];
const G1 = [0.5, -4, 0.001];
const G2 = [-1, 2, 0.003];

function twoSteps(opt: Optimizer): number[][] {
  const x = tensor(X0);
  opt.step([x], [tensor(G1)]);
  const after1 = Array.from(x.data);
  opt.step([x], [tensor(G2)]);
  return [after1, Array.from(x.data)];
}

function byHand(update: (x: number, g: number, state: number[], t: number) => number): number[][] {
  const states = X0.map(() => [0, 0]);
  const x = [...X0];
  const out: number[][] = [];
  for (const [t, g] of [[1, G1], [2, G2]] as const) {
    for (let k = 0; k < x.length; k++) x[k] = update(x[k], g[k], states[k], t);
    out.push([...x]);
  }
  return out;
}

function expectSteps(got: number[][], want: number[][]): void {
  expect(relError(got[0], want[0])).toBeLessThan(1e-14);
  expect(relError(got[1], want[1])).toBeLessThan(1e-14);
}

describe("optimizers: two steps by hand", () => {
  it("SGD: x −= lr·dx", () => {
    expectSteps(twoSteps(new SGD({ lr: 0.1 })), byHand((x, g) => x - 0.1 * g));
    // one value written out: 1 − 0.1·0.5 − 0.1·(−1) = 1.05
    expect(twoSteps(new SGD({ lr: 0.1 }))[1][0]).toBeCloseTo(1.05, 15);
  });

  it("SGDMomentum: v = ρv + dx; x −= lr·v", () => {
    const want = byHand((x, g, s) => {
      s[0] = 0.9 * s[0] + g;
      return x - 0.1 * s[0];
    });
    const got = twoSteps(new SGDMomentum({ lr: 0.1 }));
    expectSteps(got, want);
    // x[0]: 1 − 0.1·0.5 = 0.95, then v = 0.45 − 1 = −0.55, x = 0.95 + 0.055 = 1.005
    expect(got[1][0]).toBeCloseTo(1.005, 15);
  });

  it("AdaGrad: g2 += dx²; x −= lr·dx/(√g2 + 1e-7)", () => {
    const want = byHand((x, g, s) => {
      s[0] += g * g;
      return x - (0.1 * g) / (Math.sqrt(s[0]) + 1e-7);
    });
    expectSteps(twoSteps(new AdaGrad({ lr: 0.1 })), want);
  });

  it("RMSProp: g2 = 0.99·g2 + 0.01·dx²; x −= lr·dx/(√g2 + 1e-7)", () => {
    const want = byHand((x, g, s) => {
      s[0] = 0.99 * s[0] + (1 - 0.99) * g * g;
      return x - (0.1 * g) / (Math.sqrt(s[0]) + 1e-7);
    });
    expectSteps(twoSteps(new RMSProp({ lr: 0.1 })), want);
  });

  it("Adam (defaults β1 0.9, β2 0.999, lr 1e-4): bias-corrected moments, t from 1", () => {
    const want = byHand((x, g, s, t) => {
      s[0] = 0.9 * s[0] + (1 - 0.9) * g;
      s[1] = 0.999 * s[1] + (1 - 0.999) * g * g;
      const mHat = s[0] / (1 - 0.9 ** t);
      const vHat = s[1] / (1 - 0.999 ** t);
      return x - (1e-4 * mHat) / (Math.sqrt(vHat) + 1e-7);
    });
    const opt = new Adam();
    expect(opt.lr).toBe(1e-4);
    expectSteps(twoSteps(opt), want);
    expect(opt.stepCount).toBe(2);
  });

  it("Adam's first step moves every weight by ≈ lr·sign(g), whatever the gradient's scale", () => {
    const x = tensor([0, 0, 0, 0]);
    const g = [3e3, -2, 0.5, -1e-3];
    new Adam({ lr: 0.01 }).step([x], [tensor(g)]);
    // exactly lr·|g| / (|g| + 1e-7) in size
    g.forEach((gk, k) => expect(x.data[k]).toBeCloseTo(-0.01 * Math.sign(gk) * Math.abs(gk) / (Math.abs(gk) + 1e-7), 15));
    expect(relError(x, [-0.01, 0.01, -0.01, 0.01])).toBeLessThan(1e-4);
  });

  it("Adam without bias correction: first step (1 − β1)/√(1 − β2) ≈ 3.16 times larger", () => {
    const x = tensor([0, 0]);
    const opt = new Adam({ lr: 0.01, biasCorrection: false });
    opt.step([x], [tensor([2, -0.5])]);
    // m = (1 − β1)·g, v = (1 − β2)·g², used as they are
    const step = (g: number) => (0.01 * (1 - 0.9) * g) / (Math.sqrt((1 - 0.999) * g * g) + 1e-7);
    expect(relError(x, [-step(2), -step(-0.5)])).toBeLessThan(1e-14);
    expect(relError(x, [-0.01 * 3.16227766, 0.01 * 3.16227766])).toBeLessThan(1e-5);
    expect(Math.abs(x.data[0])).toBeGreaterThan(3 * 0.01);
    // with the correction the same step is ≈ lr
    const y = tensor([0, 0]);
    new Adam({ lr: 0.01 }).step([y], [tensor([2, -0.5])]);
    expect(Math.abs(y.data[0])).toBeCloseTo(0.01, 8);
  });
});

describe("optimizers on a 2-D quadratic", () => {
  // f(x, y) = ½(x² + 10·y²), minimum 0 at the origin; gradient (x, 10y)
  const cases: [string, () => Optimizer, number][] = [
    ["SGD", () => new SGD({ lr: 0.05 }), 300],
    ["SGDMomentum", () => new SGDMomentum({ lr: 0.02 }), 300],
    ["AdaGrad", () => new AdaGrad({ lr: 1 }), 300],
    ["RMSProp", () => new RMSProp({ lr: 0.01 }), 1000],
    ["Adam", () => new Adam({ lr: 0.05 }), 1000],
  ];
  for (const [name, make, steps] of cases) {
    it(`${name} converges from (3, −2)`, () => {
      const opt = make();
      const p = tensor([3, -2]);
      const g = tensor([0, 0]);
      const f = () => 0.5 * (p.data[0] ** 2 + 10 * p.data[1] ** 2);
      const values = [f()];
      for (let i = 0; i < steps; i++) {
        g.data[0] = p.data[0];
        g.data[1] = 10 * p.data[1];
        opt.step([p], [g]);
        values.push(f());
      }
      expect(values[1]).toBeLessThan(values[0]); // the first step already goes downhill
      expect(values[steps]).toBeLessThan(1e-6);
    });
  }
});

describe("optimizer state and errors", () => {
  it("keeps state per parameter by position and updates in place (float32 too)", () => {
    const a = tensor([1, 2], undefined, "float32");
    const b = tensor([[1], [1]]);
    const dataA = a.data;
    const opt = new SGDMomentum({ lr: 0.5, rho: 0.5 });
    opt.step([a, b], [tensor([1, 1], undefined, "float32"), tensor([[2], [0]])]);
    opt.step([a, b], [tensor([0, 0], undefined, "float32"), tensor([[0], [0]])]);
    expect(a.data).toBe(dataA);
    // a: v = 1 → x = 0.5, 1.5; then v = 0.5 → x = 0.25, 1.25
    expect(Array.from(a.data)).toEqual([0.25, 1.25]);
    // b: v = 2 → 0; then v = 1 → −0.5
    expect(Array.from(b.data)).toEqual([-0.5, 1]);
  });

  it("errors on mismatched lists and shapes, naming the class", () => {
    const opt = new Adam();
    expect(() => opt.step([tensor([1, 2])], [])).toThrow(/Adam\.step: 1 params but 0 grads/);
    expect(() => opt.step([tensor([1, 2])], [tensor([1, 2, 3])])).toThrow(/Adam\.step: params\[0\] has shape \[2\] but grads\[0\] has shape \[3\]/);
  });

  it("errors when the parameter list changes between steps, until reset()", () => {
    const opt = new RMSProp();
    opt.step([tensor([1, 2])], [tensor([1, 1])]);
    expect(() => opt.step([tensor([1, 2]), tensor([3])], [tensor([1, 1]), tensor([1])])).toThrow(/RMSProp\.step: got 2 params but earlier steps had 1/);
    expect(() => opt.step([tensor([[1, 2]])], [tensor([[1, 1]])])).toThrow(/params\[0\] has shape \[1, 2\] but had \[2\] in earlier steps/);
    opt.reset();
    const x = tensor([3]);
    opt.step([x], [tensor([1])]);
    expect(x.data[0]).toBeCloseTo(3 - (0.01 * 1) / (Math.sqrt(0.01) + 1e-7), 14);
  });

  it("rejects bad hyperparameters", () => {
    expect(() => new SGD({ lr: -1 })).toThrow(/SGD: lr must be a number in \(0, ∞\), got -1/);
    expect(() => new Adam({ beta1: 1 })).toThrow(/Adam: beta1 must be a number in \[0, 1\)/);
    expect(() => new SGD({ lr: NaN })).toThrow(/lr must be a number/);
  });
});

describe("makeOptimizer", () => {
  it("builds each named optimizer with the given options", () => {
    const classes = { sgd: SGD, momentum: SGDMomentum, adagrad: AdaGrad, rmsprop: RMSProp, adam: Adam };
    for (const name of OPTIMIZER_NAMES) {
      const opt = makeOptimizer(name, { lr: 0.3 });
      expect(opt).toBeInstanceOf(classes[name]);
      expect(opt.name).toBe(name);
      expect(opt.lr).toBe(0.3);
    }
    expect((makeOptimizer("Adam", { biasCorrection: false }) as Adam).biasCorrection).toBe(false);
    expect((makeOptimizer("momentum", { rho: 0.5 }) as SGDMomentum).rho).toBe(0.5);
    expect(makeOptimizer("adam").lr).toBe(1e-4);
  });

  it("names the choices for an unknown optimizer", () => {
    expect(() => makeOptimizer("adamw")).toThrow('makeOptimizer: unknown optimizer "adamw"; choose one of sgd, momentum, adagrad, rmsprop, adam');
  });

  it("an optimizer without a fused step takes its rule's step in stepFused", () => {
    for (const name of OPTIMIZER_NAMES) {
      const [fused, plain] = [makeOptimizer(name, { lr: 0.1 }), makeOptimizer(name, { lr: 0.1 })];
      if (!(fused instanceof OptimizerBase)) throw new Error(`${name} is not an OptimizerBase`);
      const [x, y] = [tensor([1, -2, 0.5], undefined, "float32"), tensor([1, -2, 0.5], undefined, "float32")];
      for (const g of [G1, G2]) {
        fused.stepFused([x], [tensor(g, undefined, "float32")], {});
        plain.step([y], [tensor(g, undefined, "float32")]);
      }
      expect(Array.from(x.data), name).toEqual(Array.from(y.data));
      expect(Array.from(x.data), name).not.toEqual([1, -2, 0.5]);
    }
  });

  it("a step through the interface updates a Tensor", () => {
    const x: Tensor = tensor([1]);
    makeOptimizer("sgd", { lr: 0.5 }).step([x], [tensor([4])]);
    expect(x.data[0]).toBe(-1);
  });
});
