/**
 * Hidden tests of the losses' gradient ds: three shapes each; softmaxCrossEntropy also gets scores
 * around ±1000 (a softmax that is not stabilised overflows), and svmLoss a case whose margins are
 * exactly 0 in places (not active: the handout's `> 0`).
 */
import { describe, test } from "vitest";
import { caseCalls, checkOutput } from "nnkit/grading";
import { lossTables } from "../cases/losses.js";
import { LOSSES, LOSSES_LARGE, SVM_TIES } from "./lists.js";

const tables = lossTables(LOSSES, LOSSES_LARGE, SVM_TIES);
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
