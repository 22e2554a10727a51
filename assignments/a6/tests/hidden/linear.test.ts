/** Hidden tests of the linear layer: four shapes (a plain case, batch 1, a square W, a wide one). */
import { describe, test } from "vitest";
import { caseCalls, checkOutput } from "nnkit/grading";
import { linearTables } from "../cases/linear.js";

const SHAPES: [number, number, number][] = [[4, 5, 3], [1, 3, 2], [5, 4, 4], [3, 7, 2]];
const { forward, backward } = linearTables(SHAPES.map((shape, k) => ({ shape, seed: 1000 + 10 * k })));
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
