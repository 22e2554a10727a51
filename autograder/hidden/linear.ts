/** Hidden tests: linearForward and linearBackward. */
import { Tensor } from "../../src/tensor.js";
import { linearBackward, linearForward } from "../../src/layers/linear.js";
import { transpose2d } from "../mistakes.js";
import { dims, memo, normal, studentCall, type FunctionSpec, type HiddenCase } from "../spec.js";

const FILE = "src/layers/linear.ts";
/** One case of the linear layer: x [N, D], W [D, M], and the seed its inputs are drawn from. */
export interface LinearCase {
  shape: [number, number, number];
  seed: number;
}

// (N, D, M): a plain case, batch 1, a square W (transpose keeps the shape), a wide one.
const SHAPES: [number, number, number][] = [[4, 5, 3], [1, 3, 2], [5, 4, 4], [3, 7, 2]];
const HIDDEN: LinearCase[] = SHAPES.map((shape, k) => ({ shape, seed: 1000 + 10 * k }));

function inputs({ shape: [N, D, M], seed: s }: LinearCase): { x: Tensor; W: Tensor; b: Tensor; dout: Tensor } {
  return { x: normal([N, D], s), W: normal([D, M], s + 1), b: normal([M], s + 2), dout: normal([N, M], s + 3) };
}

function matmul(a: Tensor, b: Tensor): Tensor {
  const [n, k] = a.shape;
  const m = b.shape[1];
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let t = 0; t < k; t++) out[i * m + j] += a.data[i * k + t] * b.data[t * m + j];
  return new Tensor(out, [n, m]);
}

/** The specs of linearForward and linearBackward over `list` (the hidden cases, or the public ones). */
export function linearSpecs(list: readonly LinearCase[]): [FunctionSpec, FunctionSpec] {
  return [linearForwardSpecOf(list), linearBackwardSpecOf(list)];
}

export const [linearForwardSpec, linearBackwardSpec] = linearSpecs(HIDDEN);

function linearForwardSpecOf(list: readonly LinearCase[]): FunctionSpec {
  return {
    id: "linearForward",
    fn: "linearForward",
    file: FILE,
    outputs: { out: [0] },
    cases: memo(() =>
      list.map((c): HiddenCase => {
        const { x, W, b } = inputs(c);
        const [out] = linearForward(x, W, b);
        const noBias = matmul(x, W);
        return {
          label: `x ${dims(x)}, W ${dims(W)}, b ${dims(b)}`,
          batch: x.shape[0],
          args: [x, W, b],
          expected: { out },
          candidates: { out: [{ mistake: "bias not added", hint: "out equals x·W: add b[m] to every row of the product.", value: noBias }] },
        };
      }),
    ),
  };
}

function linearBackwardSpecOf(list: readonly LinearCase[]): FunctionSpec {
  return {
    id: "linearBackward",
    fn: "linearBackward",
    file: FILE,
    outputs: { dx: ["dx"], dW: ["dW"], db: ["db"] },
    cases: memo(() =>
      list.map((c): HiddenCase => {
        const { x, W, b, dout } = inputs(c);
        const [, cache] = linearForward(x, W, b);
        const { dx, dW, db } = linearBackward(dout, cache);
        const [N, , M] = c.shape;
        const firstRow = new Tensor(dout.data.slice(0, M), [M]);
        const dbCandidates = [
          { mistake: "db not summed over the batch", hint: `db has shape [N, M] = ${dims(dout)}: it is dout itself. Sum dout over the batch (its N rows) to get db of shape [${M}].`, value: dout },
        ];
        if (N > 1) {
          dbCandidates.push({ mistake: "db not summed over the batch", hint: "db equals the first row of dout: sum over all N rows of dout, not just example 0.", value: firstRow });
        }
        const dxCandidates = W.shape[0] === W.shape[1]
          ? [{ mistake: "W not transposed in dx", hint: "dx equals dout·W: the chain rule needs dout·Wᵀ.", value: matmul(dout, W) }]
          : [];
        return {
          label: `x ${dims(x)}, W ${dims(W)}, b ${dims(b)}, dout ${dims(dout)}`,
          batch: N,
          args: [dout, studentCall(FILE, "linearForward", [x, W, b], [1], cache)],
          expected: { dx, dW, db },
          candidates: {
            dW: [{ mistake: "dW transposed", hint: `dW is (xᵀ·dout)ᵀ = doutᵀ·x; it must be xᵀ·dout with W's shape ${dims(W)}.`, value: transpose2d(dW) }],
            db: dbCandidates,
            dx: dxCandidates,
          },
        };
      }),
    ),
  };
}
