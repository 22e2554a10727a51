/** Hidden tests of the linear layer: four shapes (a plain case, batch 1, a square W, a wide one). */
import { describe, test } from "vitest";
import { caseCalls, checkOutput } from "nnkit/grading";
import { linearTables } from "../cases/linear.js";
import { LINEAR } from "./lists.js";

const { forward, backward } = linearTables(LINEAR);
const forwardCalls = caseCalls(forward);
const backwardCalls = caseCalls(backward);

describe("linearForward", () => {
  test("out", () => checkOutput(forwardCalls, "out"));
});

describe("linearBackward", () => {
  test("dx", () => checkOutput(backwardCalls, "dx"));
  test("dW", () => checkOutput(backwardCalls, "dW"));
  test("db", () => checkOutput(backwardCalls, "db"));
});
