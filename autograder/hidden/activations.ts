/** Hidden tests: ReLU and sigmoid, forward and backward. */
import { Tensor } from "../../src/tensor.js";
import { reluBackward, reluForward } from "../../src/layers/relu.js";
import { sigmoidBackward, sigmoidForward } from "../../src/layers/sigmoid.js";
import { dims, map, memo, normal, studentCall, type FunctionSpec, type HiddenCase } from "../spec.js";

/** One case of an activation: the shape of x and the seed its inputs are drawn from. */
export interface ActivationCase {
  shape: number[];
  seed: number;
}

const SHAPES = [[4, 6], [1, 5], [2, 3, 4, 4]];
const HIDDEN: ActivationCase[] = SHAPES.map((shape, k) => ({ shape, seed: 2000 + 10 * k }));

/** Each of the four functions draws from its own seeds: `offset` apart. */
function inputs(c: ActivationCase, offset: number): { x: Tensor; dout: Tensor } {
  return { x: normal(c.shape, c.seed + offset, 2), dout: normal(c.shape, c.seed + offset + 1) };
}

function batchOf(t: Tensor): number {
  return t.shape[0];
}

const RELU = "src/layers/relu.ts";
const SIGMOID = "src/layers/sigmoid.ts";
const sig = (v: number): number => 1 / (1 + Math.exp(-v));

/** The specs of reluForward, reluBackward, sigmoidForward and sigmoidBackward over `list`. */
export function activationSpecs(list: readonly ActivationCase[]): [FunctionSpec, FunctionSpec, FunctionSpec, FunctionSpec] {
  return [reluForwardSpecOf(list), reluBackwardSpecOf(list), sigmoidForwardSpecOf(list), sigmoidBackwardSpecOf(list)];
}

export const [reluForwardSpec, reluBackwardSpec, sigmoidForwardSpec, sigmoidBackwardSpec] = activationSpecs(HIDDEN);

function reluForwardSpecOf(list: readonly ActivationCase[]): FunctionSpec {
  return {
    id: "reluForward",
    fn: "reluForward",
    file: RELU,
    outputs: { out: [0] },
    cases: memo(() =>
      list.map((c): HiddenCase => {
        const { x } = inputs(c, 0);
        return {
          label: `x ${dims(x)}`,
          batch: batchOf(x),
          args: [x],
          expected: { out: reluForward(x)[0] },
          candidates: { out: [{ mistake: "min instead of max", hint: "out keeps the negative values: ReLU is max(0, x).", value: map(x, (v) => Math.min(0, v)) }] },
        };
      }),
    ),
  };
}

function reluBackwardSpecOf(list: readonly ActivationCase[]): FunctionSpec {
  return {
    id: "reluBackward",
    fn: "reluBackward",
    file: RELU,
    outputs: { dx: [] },
    cases: memo(() =>
      list.map((c): HiddenCase => {
        const { x, dout } = inputs(c, 100);
        const [, cache] = reluForward(x);
        return {
          label: `x ${dims(x)}, dout ${dims(dout)}`,
          batch: batchOf(x),
          args: [dout, studentCall(RELU, "reluForward", [x], [1], cache)],
          expected: { dx: reluBackward(dout, cache) },
          candidates: {
            dx: [
              { mistake: "ReLU mask on the wrong side", hint: "dx passes dout where x < 0: the gradient flows where x > 0 (where the unit was active), and is 0 elsewhere.", value: map(dout, (g, i) => (x.data[i] < 0 ? g : 0)) },
              { mistake: "ReLU mask missing", hint: "dx equals dout: multiply by the mask [x > 0].", value: map(dout, (g) => g) },
              { mistake: "ReLU applied to dout", hint: "dx is max(0, dout): the mask depends on the forward input x (x > 0), not on the sign of dout.", value: map(dout, (g) => Math.max(0, g)) },
            ],
          },
        };
      }),
    ),
  };
}

function sigmoidForwardSpecOf(list: readonly ActivationCase[]): FunctionSpec {
  return {
    id: "sigmoidForward",
    fn: "sigmoidForward",
    file: SIGMOID,
    outputs: { out: [0] },
    cases: memo(() =>
      list.map((c): HiddenCase => {
        const { x } = inputs(c, 200);
        return {
          label: `x ${dims(x)}`,
          batch: batchOf(x),
          args: [x],
          expected: { out: sigmoidForward(x)[0] },
          candidates: { out: [{ mistake: "sign of the exponent", hint: "out is 1/(1 + e^x): σ(x) = 1/(1 + e^(−x)).", value: map(x, (v) => sig(-v)) }] },
        };
      }),
    ),
  };
}

function sigmoidBackwardSpecOf(list: readonly ActivationCase[]): FunctionSpec {
  return {
    id: "sigmoidBackward",
    fn: "sigmoidBackward",
    file: SIGMOID,
    outputs: { dx: [] },
    cases: memo(() =>
      list.map((c): HiddenCase => {
        const { x, dout } = inputs(c, 300);
        const [, cache] = sigmoidForward(x);
        return {
          label: `x ${dims(x)}, dout ${dims(dout)}`,
          batch: batchOf(x),
          args: [dout, studentCall(SIGMOID, "sigmoidForward", [x], [1], cache)],
          expected: { dx: sigmoidBackward(dout, cache) },
          candidates: {
            dx: [
              { mistake: "missing factor (1 − σ)", hint: "dx is dout·σ(x): the derivative is σ(x)·(1 − σ(x)).", value: map(dout, (g, i) => g * sig(x.data[i])) },
              { mistake: "x used instead of σ(x)", hint: "dx is dout·x·(1 − x): use the forward output σ(x) in σ·(1 − σ), not the input x.", value: map(dout, (g, i) => g * x.data[i] * (1 - x.data[i])) },
              { mistake: "upstream gradient ignored", hint: "dx is σ(x)·(1 − σ(x)) alone: multiply by dout (chain rule).", value: map(x, (v) => sig(v) * (1 - sig(v))) },
            ],
          },
        };
      }),
    ),
  };
}
