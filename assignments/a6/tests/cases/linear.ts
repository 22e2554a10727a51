/** The cases of linearForward and linearBackward, with their reference answers and known wrong answers. */
import { Tensor } from "../../../../src/tensor.js";
import { linearBackward, linearForward } from "../../../../src/layers/linear.js";
import { transpose2d, type CaseTable, type GradedCase } from "nnkit/grading";
import { dims, memo, normal } from "./util.js";

/** One case of the linear layer: x [N, D], W [D, M] as shape [N, D, M], and the seed its inputs are drawn from. */
export interface LinearCase {
  shape: [number, number, number];
  seed: number;
}

function inputs({ shape: [N, D, M], seed: s }: LinearCase): { x: Tensor; W: Tensor; b: Tensor; dout: Tensor } {
  return { x: normal([N, D], s), W: normal([D, M], s + 1), b: normal([M], s + 2), dout: normal([N, M], s + 3) };
}

/** a [n, k] · b [k, m] in float64. */
function matmul(a: Tensor, b: Tensor): Tensor {
  const [n, k] = a.shape;
  const m = b.shape[1];
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let t = 0; t < k; t++) out[i * m + j] += a.data[i * k + t] * b.data[t * m + j];
  return new Tensor(out, [n, m]);
}

function forwardCase(c: LinearCase): GradedCase {
  const { x, W, b } = inputs(c);
  const [out] = linearForward(x, W, b);
  return {
    label: `x ${dims(x)}, W ${dims(W)}, b ${dims(b)}`,
    batch: x.shape[0],
    args: [x, W, b],
    expected: { out },
    mistakes: { out: [{ mistake: "bias not added", hint: "out equals x·W: add b[m] to every row of the product.", value: matmul(x, W) }] },
  };
}

function dbMistakes(dout: Tensor, N: number, M: number): GradedCase["mistakes"] & object {
  const firstRow = new Tensor(dout.data.slice(0, M), [M]);
  const db = [
    { mistake: "db not summed over the batch", hint: `db has shape [N, M] = ${dims(dout)}: it is dout itself. Sum dout over the batch (its N rows) to get db of shape [${M}].`, value: dout },
  ];
  if (N > 1) db.push({ mistake: "db not summed over the batch", hint: "db equals the first row of dout: sum over all N rows of dout, not just example 0.", value: firstRow });
  return { db };
}

function backwardCase(c: LinearCase): GradedCase {
  const { x, W, b, dout } = inputs(c);
  const [, cache] = linearForward(x, W, b);
  const { dx, dW, db } = linearBackward(dout, cache);
  const [N, , M] = c.shape;
  return {
    label: `x ${dims(x)}, W ${dims(W)}, b ${dims(b)}, dout ${dims(dout)}`,
    batch: N,
    args: [dout, null],
    forward: { fn: "linearForward", args: [x, W, b], reference: cache, at: 1 },
    expected: { dx, dW, db },
    mistakes: {
      dW: [{ mistake: "dW transposed", hint: `dW is (xᵀ·dout)ᵀ = doutᵀ·x; it must be xᵀ·dout with W's shape ${dims(W)}.`, value: transpose2d(dW) }],
      ...dbMistakes(dout, N, M),
      dx: W.shape[0] === W.shape[1] ? [{ mistake: "W not transposed in dx", hint: "dx equals dout·W: the chain rule needs dout·Wᵀ.", value: matmul(dout, W) }] : [],
    },
  };
}

const tables = memo((key: string): { forward: CaseTable; backward: CaseTable } => {
  const list = JSON.parse(key) as LinearCase[];
  return {
    forward: { fn: "linearForward", returns: "[out, cache]", cases: list.map(forwardCase) },
    backward: { fn: "linearBackward", returns: "{ dx, dW, db }", cases: list.map(backwardCase) },
  };
});

/** The tables of linearForward and linearBackward over `list` (computed once per process). */
export function linearTables(list: readonly LinearCase[]): { forward: CaseTable; backward: CaseTable } {
  return tables(JSON.stringify(list));
}
