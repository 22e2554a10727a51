/**
 * Public tests of the linear layer: a wide W, and a square one (dx = dout·W would have the right
 * shape). The expected outputs are the reference's, recorded when the kit was released.
 */
import { describe, test } from "vitest";
import { caseCalls, checkOutput, recorded } from "nnkit/grading";
import { LINEAR } from "./lists.js";

const { forward, backward } = await recorded("linear", async () =>
  (await import("../cases/linear.js")).linearTables(LINEAR),
);
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
