/** Hidden tests: linearForward and linearBackward. */
import { Tensor } from "../../src/tensor.js";
import { linearBackward, linearForward } from "../../src/layers/linear.js";
import { transpose2d } from "../mistakes.js";
import { dims, memo, normal, studentCall, type FunctionSpec, type HiddenCase } from "./spec.js";

const FILE = "src/layers/linear.ts";
// (N, D, M): a plain case, batch 1, a square W (transpose keeps the shape), a wide one.
const SHAPES: [number, number, number][] = [[4, 5, 3], [1, 3, 2], [5, 4, 4], [3, 7, 2]];

function inputs(k: number): { x: Tensor; W: Tensor; b: Tensor; dout: Tensor } {
  const [N, D, M] = SHAPES[k];
  const s = 1000 + 10 * k;
  return { x: normal([N, D], s), W: normal([D, M], s + 1), b: normal([M], s + 2), dout: normal([N, M], s + 3) };
}

function matmul(a: Tensor, b: Tensor): Tensor {
  const [n, k] = a.shape;
  const m = b.shape[1];
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let t = 0; t < k; t++) out[i * m + j] += a.data[i * k + t] * b.data[t * m + j];
  return new Tensor(out, [n, m]);
}

export const linearForwardSpec: FunctionSpec = {
  id: "linearForward",
  fn: "linearForward",
  file: FILE,
  outputs: { out: [0] },
  cases: memo(() =>
    SHAPES.map((_, k): HiddenCase => {
      const { x, W, b } = inputs(k);
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

export const linearBackwardSpec: FunctionSpec = {
  id: "linearBackward",
  fn: "linearBackward",
  file: FILE,
  outputs: { dx: ["dx"], dW: ["dW"], db: ["db"] },
  cases: memo(() =>
    SHAPES.map((_, k): HiddenCase => {
      const { x, W, b, dout } = inputs(k);
      const [, cache] = linearForward(x, W, b);
      const { dx, dW, db } = linearBackward(dout, cache);
      const [N, , M] = SHAPES[k];
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
