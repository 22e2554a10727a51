/**
 * Public tests of the losses' gradient ds: two shapes each, and scores around ±1000 for
 * softmaxCrossEntropy; svmLoss also gets a case with margins of exactly 0. The expected outputs are the reference's, recorded when the kit was released.
 */
import { describe, test } from "vitest";
import { caseCalls, checkOutput, recorded } from "nnkit/grading";
import { LOSSES, LOSSES_LARGE, SVM_TIES } from "./lists.js";

const tables = await recorded("losses", async () =>
  (await import("../cases/losses.js")).lossTables(LOSSES, LOSSES_LARGE, SVM_TIES),
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
