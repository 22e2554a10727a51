/** The cases of ReLU and sigmoid, forward and backward, with their reference answers and known wrong answers. */
import type { Tensor } from "../../../../src/tensor.js";
import { reluBackward, reluForward } from "../../../../src/layers/relu.js";
import { sigmoidBackward, sigmoidForward } from "../../../../src/layers/sigmoid.js";
import type { CaseTable, GradedCase } from "nnkit/grading";
import { dims, map, memo, normal } from "./util.js";

/** One case of an activation: the shape of x, the seed its inputs are drawn from, and whether every third x is exactly 0 (ReLU's gradient there is 0). */
export interface ActivationCase {
  shape: number[];
  seed: number;
  zeros?: boolean;
}

/** The tables of the four activation functions. */
export interface ActivationTables {
  reluForward: CaseTable;
  reluBackward: CaseTable;
  sigmoidForward: CaseTable;
  sigmoidBackward: CaseTable;
}

/** Each of the four functions draws from its own seeds: `offset` apart. */
function inputs(c: ActivationCase, offset: number): { x: Tensor; dout: Tensor } {
  const x = normal(c.shape, c.seed + offset, 2);
  return { x: c.zeros ? map(x, (v, i) => (i % 3 === 0 ? 0 : v)) : x, dout: normal(c.shape, c.seed + offset + 1) };
}

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

function reluForwardCase(c: ActivationCase): GradedCase {
  const { x } = inputs(c, 0);
  return {
    label: `x ${dims(x)}`,
    batch: x.shape[0],
    args: [x],
    expected: { out: reluForward(x)[0] },
    mistakes: { out: [{ mistake: "min instead of max", hint: "out keeps the negative values: ReLU is max(0, x).", value: map(x, (v) => Math.min(0, v)) }] },
  };
}

function reluBackwardCase(c: ActivationCase): GradedCase {
  const { x, dout } = inputs(c, 100);
  const [, cache] = reluForward(x);
  return {
    label: `x ${dims(x)}${c.zeros ? " (every third x exactly 0)" : ""}, dout ${dims(dout)}`,
    batch: x.shape[0],
    args: [dout, null],
    forward: { fn: "reluForward", args: [x], reference: cache, at: 1 },
    expected: { dx: reluBackward(dout, cache) },
    mistakes: {
      dx: [
        { mistake: "ReLU mask on the wrong side", hint: "dx passes dout where x < 0: the gradient flows where x > 0 (where the unit was active), and is 0 elsewhere.", value: map(dout, (g, i) => (x.data[i] < 0 ? g : 0)) },
        { mistake: "ReLU mask missing", hint: "dx equals dout: multiply by the mask [x > 0].", value: map(dout, (g) => g) },
        { mistake: "ReLU applied to dout", hint: "dx is max(0, dout): the mask depends on the forward input x (x > 0), not on the sign of dout.", value: map(dout, (g) => Math.max(0, g)) },
        ...(x.data.includes(0) ? [{ mistake: "ReLU gradient at 0 taken as 1", hint: "dx passes dout where x is exactly 0: the handout takes the subgradient at 0 to be 0, so the mask is x > 0, not x >= 0.", value: map(dout, (g, i) => (x.data[i] >= 0 ? g : 0)) }] : []),
      ],
    },
  };
}

function sigmoidForwardCase(c: ActivationCase): GradedCase {
  const { x } = inputs(c, 200);
  return {
    label: `x ${dims(x)}`,
    batch: x.shape[0],
    args: [x],
    expected: { out: sigmoidForward(x)[0] },
    mistakes: {
      out: [
        { mistake: "sign of the exponent", hint: "out is 1/(1 + e^x): σ(x) = 1/(1 + e^(−x)).", value: map(x, (v) => sig(-v)) },
        { mistake: "σ applied twice", hint: "out is σ(σ(x)): apply σ once (a helper that already returns σ must not be wrapped in σ again).", value: map(x, (v) => sig(sig(v))) },
      ],
    },
  };
}

function sigmoidBackwardCase(c: ActivationCase): GradedCase {
  const { x, dout } = inputs(c, 300);
  const [, cache] = sigmoidForward(x);
  return {
    label: `x ${dims(x)}, dout ${dims(dout)}`,
    batch: x.shape[0],
    args: [dout, null],
    forward: { fn: "sigmoidForward", args: [x], reference: cache, at: 1 },
    expected: { dx: sigmoidBackward(dout, cache) },
    mistakes: {
      dx: [
        { mistake: "missing factor (1 − σ)", hint: "dx is dout·σ(x): the derivative is σ(x)·(1 − σ(x)).", value: map(dout, (g, i) => g * sig(x.data[i])) },
        { mistake: "x used instead of σ(x)", hint: "dx is dout·x·(1 − x): use the forward output σ(x) in σ·(1 − σ), not the input x.", value: map(dout, (g, i) => g * x.data[i] * (1 - x.data[i])) },
        { mistake: "σ applied twice", hint: "dx is dout·σ(s)·(1 − σ(s)) with s = cache.out, which already is σ(x): use σ·(1 − σ) of the cached output itself, without applying σ again.", value: map(dout, (g, i) => g * sig(sig(x.data[i])) * (1 - sig(sig(x.data[i])))) },
        { mistake: "upstream gradient ignored", hint: "dx is σ(x)·(1 − σ(x)) alone: multiply by dout (chain rule).", value: map(x, (v) => sig(v) * (1 - sig(v))) },
      ],
    },
  };
}

const tables = memo((key: string): ActivationTables => {
  const list = JSON.parse(key) as ActivationCase[];
  return {
    reluForward: { fn: "reluForward", returns: "[out, cache]", cases: list.map(reluForwardCase) },
    reluBackward: { fn: "reluBackward", returns: "dx", cases: list.map(reluBackwardCase) },
    sigmoidForward: { fn: "sigmoidForward", returns: "[out, cache]", cases: list.map(sigmoidForwardCase) },
    sigmoidBackward: { fn: "sigmoidBackward", returns: "dx", cases: list.map(sigmoidBackwardCase) },
  };
});

/** The tables of reluForward, reluBackward, sigmoidForward and sigmoidBackward over `list` (computed once per process). */
export function activationTables(list: readonly ActivationCase[]): ActivationTables {
  return tables(JSON.stringify(list));
}
