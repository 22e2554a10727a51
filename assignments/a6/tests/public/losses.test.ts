/**
 * Public tests of the losses' gradient ds: two shapes each, and scores around ±1000 for
 * softmaxCrossEntropy. The expected outputs are the reference's, recorded when the kit was released.
 */
import { describe, test } from "vitest";
import { caseCalls, checkOutput, recorded } from "nnkit/grading";

const tables = await recorded("losses", async () =>
  (await import("../cases/losses.js")).lossTables(
    [{ shape: [4, 3], scale: 1, seed: 50 }, { shape: [2, 5], scale: 1, seed: 51 }],
    [{ shape: [3, 4], scale: 1000, seed: 52 }],
  ),
);
const l2 = caseCalls(tables.l2Loss);
const softmax = caseCalls(tables.softmaxCrossEntropy);
const sigmoid = caseCalls(tables.sigmoidCrossEntropy);
const svm = caseCalls(tables.svmLoss);

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
