/** Hidden tests: the gradient ds of each loss (the loss values are given in the handout code). */
import { Tensor } from "../../src/tensor.js";
import { Rng } from "../../src/random.js";
import { l2Loss, sigmoidCrossEntropy, softmax, softmaxCrossEntropy, svmLoss } from "../../src/losses.js";
import { dims, map, memo, normal, type FunctionSpec, type HiddenCase } from "./spec.js";

const FILE = "src/losses.ts";
const SHAPES: [number, number][] = [[5, 4], [1, 3], [8, 10]];

function labels(N: number, C: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  return Int32Array.from({ length: N }, () => rng.int(C));
}

function lossSpec(
  fn: string,
  base: number,
  make: (s: Tensor, k: number) => { second: Tensor | Int32Array; ds: Tensor; candidates?: HiddenCase["candidates"]; what: string },
  extra: [number, number, number][] = [],
): FunctionSpec {
  const shapes: [number, number, number][] = [...SHAPES.map(([n, c]): [number, number, number] => [n, c, 1]), ...extra];
  return {
    id: fn,
    fn,
    file: FILE,
    outputs: { ds: ["ds"] },
    cases: memo(() =>
      shapes.map(([N, C, scale], k): HiddenCase => {
        const s = normal([N, C], base + 10 * k, scale);
        const r = make(s, k);
        return {
          label: `s ${dims(s)}${scale > 1 ? ` (scores around ±${scale})` : ""}, ${r.what}`,
          batch: N,
          args: [s, r.second],
          expected: { ds: r.ds },
          candidates: r.candidates,
        };
      }),
    ),
  };
}

export const l2LossSpec = lossSpec("l2Loss", 6000, (s, k) => {
  const t = normal(s.shape, 6100 + k);
  return { second: t, ds: l2Loss(s, t).ds, what: `t ${dims(t)}` };
});

export const softmaxCrossEntropySpec = lossSpec(
  "softmaxCrossEntropy",
  6200,
  (s, k) => {
    const [N, C] = s.shape;
    const y = labels(N, C, 6300 + k);
    const ds = softmaxCrossEntropy(s, y).ds;
    const p = softmax(s);
    return {
      second: y,
      ds,
      what: `y ${N} labels`,
      candidates: { ds: [{ mistake: "one-hot not subtracted", hint: "ds is softmax(s)/N: subtract 1 at each example's correct class y_i before dividing by N.", value: map(p, (v) => v / N) }] },
    };
  },
  [[4, 5, 1000]],
);

export const sigmoidCrossEntropySpec = lossSpec("sigmoidCrossEntropy", 6400, (s, k) => {
  const t = map(normal(s.shape, 6500 + k), (v) => (v > 0 ? 1 : 0));
  const N = s.shape[0];
  return {
    second: t,
    ds: sigmoidCrossEntropy(s, t).ds,
    what: `t ${dims(t)} (0/1)`,
    candidates: { ds: [{ mistake: "s used instead of σ(s)", hint: "ds is (s − t)/N: the gradient uses the probability σ(s), i.e. (σ(s) − t)/N.", value: map(s, (v, i) => (v - t.data[i]) / N) }] },
  };
});

export const svmLossSpec = lossSpec("svmLoss", 6600, (s, k) => {
  const [N, C] = s.shape;
  const y = labels(N, C, 6700 + k);
  const ds = svmLoss(s, y).ds;
  const noCorrect = map(ds, (v, i) => (i % C === y[Math.floor(i / C)] ? 0 : v));
  return {
    second: y,
    ds,
    what: `y ${N} labels`,
    candidates: { ds: [{ mistake: "correct-class gradient missing", hint: "ds at the correct class y_i is 0: it must be −(number of classes with a positive margin)/N.", value: noCorrect }] },
  };
});
