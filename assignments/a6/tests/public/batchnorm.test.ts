/**
 * Public tests of batch norm: the forward pass in train mode (out and the running statistics in
 * the cache) and test mode, and the backward pass, on two shapes. The expected outputs are the
 * reference's, recorded when the kit was released.
 */
import { describe, test } from "vitest";
import { caseCalls, checkOutput, recorded } from "nnkit/grading";
import { BATCHNORM } from "./lists.js";

const tables = await recorded("batchnorm", async () =>
  (await import("../cases/batchnorm.js")).batchNormTables(BATCHNORM),
);
const trainCalls = caseCalls(tables.train);
const testCalls = caseCalls(tables.test);
const backwardCalls = caseCalls(tables.backward);

describe("batchNormForward", () => {
  describe("train", () => {
    test("out", () => checkOutput(trainCalls, "out"));
    test("runningMean", () => checkOutput(trainCalls, "runningMean"));
    test("runningVar", () => checkOutput(trainCalls, "runningVar"));
  });
  describe("test", () => {
    test("out", () => checkOutput(testCalls, "out"));
  });
});

describe("batchNormBackward", () => {
  test("dx", () => checkOutput(backwardCalls, "dx"));
  test("dgamma", () => checkOutput(backwardCalls, "dgamma"));
  test("dbeta", () => checkOutput(backwardCalls, "dbeta"));
});
