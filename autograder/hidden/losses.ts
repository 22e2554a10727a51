/** Hidden tests: the gradient ds of each loss (the loss values are given in the handout code). */
import { Tensor } from "../../src/tensor.js";
import { Rng } from "../../src/random.js";
import { l2Loss, sigmoidCrossEntropy, softmax, softmaxCrossEntropy, svmLoss } from "../../src/losses.js";
import { dims, map, memo, normal, type FunctionSpec, type HiddenCase } from "../spec.js";

const FILE = "src/losses.ts";
/** One loss case: scores s [N, C] of about ±scale, and the seed of its inputs (each loss draws from its own range). */
export interface LossCase {
  shape: [number, number];
  scale: number;
  seed: number;
}

const SHAPES: [number, number][] = [[5, 4], [1, 3], [8, 10]];
const HIDDEN: LossCase[] = SHAPES.map((shape, k) => ({ shape, scale: 1, seed: k }));
/** softmaxCrossEntropy also gets scores around ±1000 (a softmax that is not stabilised overflows). */
const HIDDEN_LARGE: LossCase[] = [{ shape: [4, 5], scale: 1000, seed: 3 }];

type Make = (s: Tensor, seed: number) => { second: Tensor | Int32Array; ds: Tensor; candidates?: HiddenCase["candidates"]; what: string };

function labels(N: number, C: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  return Int32Array.from({ length: N }, () => rng.int(C));
}

function lossSpec(fn: string, base: number, make: Make, list: readonly LossCase[]): FunctionSpec {
  return {
    id: fn,
    fn,
    file: FILE,
    outputs: { ds: ["ds"] },
    cases: memo(() =>
      list.map(({ shape: [N, C], scale, seed }): HiddenCase => {
        const s = normal([N, C], base + 10 * seed, scale);
        const r = make(s, seed);
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

/** The specs of the four losses over `list`; softmaxCrossEntropy gets the cases of `large` too. */
export function lossSpecs(list: readonly LossCase[], large: readonly LossCase[] = []): [FunctionSpec, FunctionSpec, FunctionSpec, FunctionSpec] {
  return [
    lossSpec("l2Loss", 6000, l2Make, list),
    lossSpec("softmaxCrossEntropy", 6200, softmaxMake, [...list, ...large]),
    lossSpec("sigmoidCrossEntropy", 6400, sigmoidMake, list),
    lossSpec("svmLoss", 6600, svmMake, list),
  ];
}

const [l2Hidden, softmaxHidden, sigmoidHidden, svmHidden] = lossSpecs(HIDDEN, HIDDEN_LARGE);
export const l2LossSpec = l2Hidden;
export const softmaxCrossEntropySpec = softmaxHidden;
export const sigmoidCrossEntropySpec = sigmoidHidden;
/** svmLoss's hidden cases end with one whose margins are exactly 0 in places (not active: the handout's `> 0`). */
export const svmLossSpec: FunctionSpec = { ...svmHidden, cases: memo(() => [...svmHidden.cases(), svmTieCase()]) };

/**
 * Scores chosen so that some margins s_j − s_y + 1 are exactly 0 (all values are exact in binary):
 * a margin of 0 is not active, so a gradient that tests `>= 0` instead of `> 0` differs there.
 */
export function svmTieCase(): HiddenCase {
  const s = new Tensor(Float64Array.from([2, 1, 0.5, 2.5, 0.25, -1, 1.25, 0.25, 3, 1, 0, 1.5]), [3, 4]);
  const y = Int32Array.from([0, 2, 1]);
  const [N, C] = s.shape;
  const withTies = new Tensor(new Float64Array(s.size), s.shape);
  for (let i = 0; i < N; i++) {
    let active = 0;
    for (let j = 0; j < C; j++) {
      if (j !== y[i] && s.data[i * C + j] - s.data[i * C + y[i]] + 1 >= 0) {
        withTies.data[i * C + j] = 1 / N;
        active++;
      }
    }
    withTies.data[i * C + y[i]] = -active / N;
  }
  return {
    label: `s ${dims(s)} with margins of exactly 0, y ${N} labels`,
    batch: N,
    args: [s, y],
    expected: { ds: svmLoss(s, y).ds },
    candidates: { ds: [{ mistake: "a margin of exactly 0 counted as active", hint: "ds counts class j when s_j − s_y + 1 = 0: a margin is active only when it is > 0 (the handout's max(0, ·) has no gradient at 0), so test > 0, not >= 0.", value: withTies }] },
  };
}

function l2Make(s: Tensor, k: number): ReturnType<Make> {
  const t = normal(s.shape, 6100 + k);
  return { second: t, ds: l2Loss(s, t).ds, what: `t ${dims(t)}` };
}

function softmaxMake(s: Tensor, k: number): ReturnType<Make> {
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
}

function sigmoidMake(s: Tensor, k: number): ReturnType<Make> {
  const t = map(normal(s.shape, 6500 + k), (v) => (v > 0 ? 1 : 0));
  const N = s.shape[0];
  return {
    second: t,
    ds: sigmoidCrossEntropy(s, t).ds,
    what: `t ${dims(t)} (0/1)`,
    candidates: { ds: [{ mistake: "s used instead of σ(s)", hint: "ds is (s − t)/N: the gradient uses the probability σ(s), i.e. (σ(s) − t)/N.", value: map(s, (v, i) => (v - t.data[i]) / N) }] },
  };
}

function svmMake(s: Tensor, k: number): ReturnType<Make> {
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
}
