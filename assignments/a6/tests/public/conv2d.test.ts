/**
 * Public tests of the convolution: stride 1 pad 0; stride 2 pad 1; stride 2 with a 2×3 kernel and
 * pad 0. The expected outputs are the reference's, recorded when the kit was released.
 */
import { describe, test } from "vitest";
import { caseCalls, checkOutput, recorded } from "nnkit/grading";
import { CONV2D } from "./lists.js";

const { forward, backward } = await recorded("conv2d", async () =>
  (await import("../cases/conv2d.js")).conv2dTables(CONV2D),
);
const forwardCalls = caseCalls(forward);
const backwardCalls = caseCalls(backward);

describe("conv2dForward", () => {
  test("out", () => checkOutput(forwardCalls, "out"));
});

describe("conv2dBackward", () => {
  test("dx", () => checkOutput(backwardCalls, "dx"));
  test("dw", () => checkOutput(backwardCalls, "dw"));
  test("db", () => checkOutput(backwardCalls, "db"));
});
