/**
 * Hidden tests of batch norm: the forward pass in train mode (out and the updated running
 * statistics, which come back in the cache) and in test mode, and the backward pass in train mode.
 */
import { describe, test } from "vitest";
import { caseCalls, checkOutput } from "nnkit/grading";
import { batchNormTables } from "../cases/batchnorm.js";
import { BATCHNORM } from "./lists.js";

const tables = batchNormTables(BATCHNORM);
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
