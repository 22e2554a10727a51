/**
 * No gap between check and the grader: every mistake the hidden cases of Assignment 6 can name
 * (a known wrong answer that differs from the right one and that the diagnosis would name) is
 * named by some public case of the same function and output too, so a student who makes it loses
 * points in `nnkit check` as well. The tables are built from the case lists as the test files
 * build them.
 */
import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/tensor.js";
import { compareTensor } from "../../autograder/compare.js";
import { diagnose, genericCandidates } from "../../autograder/mistakes.js";
import type { CaseTable } from "../../autograder/testing/table.js";
import { activationTables } from "../../assignments/a6/tests/cases/activations.js";
import { batchNormTables } from "../../assignments/a6/tests/cases/batchnorm.js";
import { conv2dTables } from "../../assignments/a6/tests/cases/conv2d.js";
import { linearTables } from "../../assignments/a6/tests/cases/linear.js";
import { lossTables } from "../../assignments/a6/tests/cases/losses.js";
import { maxPool2dTables } from "../../assignments/a6/tests/cases/maxpool2d.js";
import * as hidden from "../../assignments/a6/tests/hidden/lists.js";
import * as pub from "../../assignments/a6/tests/public/lists.js";

type Lists = typeof hidden;

/** Every table of Assignment 6 built from `l`, keyed as the test ids begin ("batchNormForward.train"). */
function tablesOf(l: Lists): Record<string, CaseTable> {
  const lin = linearTables(l.LINEAR);
  const conv = conv2dTables(l.CONV2D);
  const pool = maxPool2dTables(l.MAXPOOL2D);
  const bn = batchNormTables(l.BATCHNORM);
  return {
    linearForward: lin.forward,
    linearBackward: lin.backward,
    ...activationTables(l.ACTIVATIONS),
    conv2dForward: conv.forward,
    conv2dBackward: conv.backward,
    maxPool2dForward: pool.forward,
    maxPool2dBackward: pool.backward,
    "batchNormForward.train": bn.train,
    "batchNormForward.test": bn.test,
    batchNormBackward: bn.backward,
    ...lossTables(l.LOSSES, l.LOSSES_LARGE, l.SVM_TIES),
  };
}

/** "function.output: mistake" for every diagnosis some case of `tables` gives to its own wrong answer. */
function diagnoses(tables: Record<string, CaseTable>): Set<string> {
  const names = new Set<string>();
  for (const [key, table] of Object.entries(tables)) {
    for (const c of table.cases) {
      for (const [output, expected] of Object.entries(c.expected)) {
        if (!(expected instanceof Tensor)) continue;
        const candidates = [...(c.mistakes?.[output] ?? []), ...genericCandidates(output, expected, c.batch)];
        for (const cand of candidates) {
          const wrong = compareTensor(output, expected, cand.value, 1e-7) !== undefined;
          if (wrong && diagnose(cand.value, candidates) === cand) names.add(`${key}.${output}: ${cand.mistake}`);
        }
      }
    }
  }
  return names;
}

describe("every diagnosis of the hidden cases shows in a public case", () => {
  const shown = diagnoses(tablesOf(pub));
  const graded = diagnoses(tablesOf(hidden));

  it("the public cases name every mistake the hidden ones can name", () => {
    expect([...graded].filter((n) => !shown.has(n))).toEqual([]);
  });

  it("the rules the handout states are among them (a margin of 0, a max-pool tie, ReLU at 0), and the size, σ and H/W hints", () => {
    for (const n of [
      "svmLoss.ds: a margin of exactly 0 counted as active",
      "maxPool2dBackward.dx: max-pool tie sent to the last maximum",
      "maxPool2dBackward.dx: max-pool tie sent to every maximum",
      "reluBackward.dx: ReLU gradient at 0 taken as 1",
      "conv2dForward.out: output size off by one in out",
      "maxPool2dForward.out: output size off by one in out",
      "conv2dForward.out: H and W swapped",
      "maxPool2dForward.out: H and W swapped",
      "sigmoidForward.out: σ applied twice",
      "sigmoidBackward.dx: σ applied twice",
      "sigmoidCrossEntropy.ds: σ applied twice",
      "linearBackward.dW: dW transposed",
    ]) {
      expect(graded.has(n), `hidden: ${n}`).toBe(true);
      expect(shown.has(n), `public: ${n}`).toBe(true);
    }
  });

  it("the public cases show the H and W swap with its NaN (reads past the end of x), as the hidden ones do", async () => {
    const { convForwardSwapped, convInputs } = await import("../../assignments/a6/tests/cases/conv2d.js");
    const nan = (l: Lists): boolean => l.CONV2D.some((c) => convForwardSwapped(convInputs(c), "index").data.some(Number.isNaN));
    expect(nan(hidden)).toBe(true);
    expect(nan(pub)).toBe(true);
  });

  it("a public list without its tie cases leaves those mistakes unseen (the comparison finds gaps)", () => {
    const without = diagnoses(tablesOf({ ...pub, SVM_TIES: [], MAXPOOL2D: pub.MAXPOOL2D.filter((c) => !c.ties), ACTIVATIONS: pub.ACTIVATIONS.filter((c) => !c.zeros) }));
    const missing = [...graded].filter((n) => !without.has(n));
    expect(missing).toEqual([
      "reluBackward.dx: ReLU gradient at 0 taken as 1",
      "maxPool2dBackward.dx: max-pool tie sent to the last maximum",
      "maxPool2dBackward.dx: max-pool tie sent to every maximum",
      "svmLoss.ds: a margin of exactly 0 counted as active",
    ]);
  });
});
