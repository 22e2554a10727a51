/**
 * Hidden tests of the losses' gradient ds: three shapes each; softmaxCrossEntropy also gets scores
 * around ±1000 (a softmax that is not stabilised overflows), and svmLoss a case whose margins are
 * exactly 0 in places (not active: the handout's `> 0`).
 */
import { describe, test } from "vitest";
import { caseCalls, checkOutput } from "nnkit/grading";
import { lossTables, svmTieCase } from "../cases/losses.js";

const SHAPES: [number, number][] = [[5, 4], [1, 3], [8, 10]];
const tables = lossTables(
  SHAPES.map((shape, k) => ({ shape, scale: 1, seed: k })),
  [{ shape: [4, 5], scale: 1000, seed: 3 }],
);
const l2 = caseCalls(tables.l2Loss);
const softmax = caseCalls(tables.softmaxCrossEntropy);
const sigmoid = caseCalls(tables.sigmoidCrossEntropy);
const svm = caseCalls({ ...tables.svmLoss, cases: [...tables.svmLoss.cases, svmTieCase()] });

describe("l2Loss", () => {
  test("ds", () => checkOutput(l2, "ds"));
});

describe("softmaxCrossEntropy", () => {
  test("ds", () => checkOutput(softmax, "ds"));
});

describe("sigmoidCrossEntropy", () => {
  test("ds", () => checkOutput(sigmoid, "ds"));
});

describe("svmLoss", () => {
  test("ds", () => checkOutput(svm, "ds"));
});
