/** The cases of the four losses' gradient ds (the loss values are given in the handout code), with known wrong answers. */
import { Tensor } from "../../../../src/tensor.js";
import { Rng } from "../../../../src/random.js";
import { l2Loss, sigmoidCrossEntropy, softmax, softmaxCrossEntropy, svmLoss } from "../../../../src/losses.js";
import type { CaseTable, GradedCase } from "nnkit/grading";
import { dims, map, memo, normal } from "./util.js";

/** One loss case: scores s [N, C] of about ±scale, and the seed of its inputs (each loss draws from its own range). */
export interface LossCase {
  shape: [number, number];
  scale: number;
  seed: number;
}

/** The tables of the four losses. */
export interface LossTables {
  l2Loss: CaseTable;
  softmaxCrossEntropy: CaseTable;
  sigmoidCrossEntropy: CaseTable;
  svmLoss: CaseTable;
}

type Make = (s: Tensor, seed: number) => { second: Tensor | Int32Array; ds: Tensor; mistakes?: GradedCase["mistakes"]; what: string };

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

function labels(N: number, C: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  return Int32Array.from({ length: N }, () => rng.int(C));
}

/** The table of loss `fn`, whose scores are drawn from seeds `base` + 10·seed; only ds is compared. */
function lossTable(fn: string, base: number, make: Make, list: readonly LossCase[]): CaseTable {
  const cases = list.map(({ shape: [N, C], scale, seed }): GradedCase => {
    const s = normal([N, C], base + 10 * seed, scale);
    const r = make(s, seed);
    return {
      label: `s ${dims(s)}${scale > 1 ? ` (scores around ±${scale})` : ""}, ${r.what}`,
      batch: N,
      args: [s, r.second],
      expected: { ds: r.ds },
      ...(r.mistakes ? { mistakes: r.mistakes } : {}),
    };
  });
  return { fn, returns: "{ ds }", cases };
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
    mistakes: { ds: [{ mistake: "one-hot not subtracted", hint: "ds is softmax(s)/N: subtract 1 at each example's correct class y_i before dividing by N.", value: map(p, (v) => v / N) }] },
  };
}

function sigmoidMake(s: Tensor, k: number): ReturnType<Make> {
  const t = map(normal(s.shape, 6500 + k), (v) => (v > 0 ? 1 : 0));
  const N = s.shape[0];
  return {
    second: t,
    ds: sigmoidCrossEntropy(s, t).ds,
    what: `t ${dims(t)} (0/1)`,
    mistakes: {
      ds: [
        { mistake: "s used instead of σ(s)", hint: "ds is (s − t)/N: the gradient uses the probability σ(s), i.e. (σ(s) − t)/N.", value: map(s, (v, i) => (v - t.data[i]) / N) },
        { mistake: "σ applied twice", hint: "ds is (σ(σ(s)) − t)/N: s are scores, apply σ to them once, ds = (σ(s) − t)/N.", value: map(s, (v, i) => (sig(sig(v)) - t.data[i]) / N) },
      ],
    },
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
    mistakes: { ds: [{ mistake: "correct-class gradient missing", hint: "ds at the correct class y_i is 0: it must be −(number of classes with a positive margin)/N.", value: noCorrect }] },
  };
}

/** An svmLoss case given as data: scores [N, C] (row-major, exact in binary) chosen so that some margins s_j − s_y + 1 are exactly 0, and the labels. */
export interface SvmTieCase {
  shape: [number, number];
  scores: number[];
  labels: number[];
}

/**
 * The case of `c`: a margin of 0 is not active, so a gradient that tests `>= 0` instead of `> 0`
 * differs there.
 */
export function svmTieCase(c: SvmTieCase): GradedCase {
  const s = new Tensor(Float64Array.from(c.scores), c.shape);
  const y = Int32Array.from(c.labels);
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
    mistakes: { ds: [{ mistake: "a margin of exactly 0 counted as active", hint: "ds counts class j when s_j − s_y + 1 = 0: a margin is active only when it is > 0 (the handout's max(0, ·) has no gradient at 0), so test > 0, not >= 0.", value: withTies }] },
  };
}

const tables = memo((key: string): LossTables => {
  const { list, large, ties } = JSON.parse(key) as { list: LossCase[]; large: LossCase[]; ties: SvmTieCase[] };
  const svm = lossTable("svmLoss", 6600, svmMake, list);
  return {
    l2Loss: lossTable("l2Loss", 6000, l2Make, list),
    softmaxCrossEntropy: lossTable("softmaxCrossEntropy", 6200, softmaxMake, [...list, ...large]),
    sigmoidCrossEntropy: lossTable("sigmoidCrossEntropy", 6400, sigmoidMake, list),
    svmLoss: { ...svm, cases: [...svm.cases, ...ties.map(svmTieCase)] },
  };
});

/**
 * The tables of the four losses over `list` (computed once per process); softmaxCrossEntropy gets
 * the cases of `large` too, svmLoss those of `ties` (margins of exactly 0).
 */
export function lossTables(list: readonly LossCase[], large: readonly LossCase[] = [], ties: readonly SvmTieCase[] = []): LossTables {
  return tables(JSON.stringify({ list, large, ties }));
}
