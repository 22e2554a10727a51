/** Hidden tests of the convolution, whose cases bring out the stride and padding mistakes. */
import { describe, test } from "vitest";
import { caseCalls, checkOutput } from "nnkit/grading";
import { conv2dTables } from "../cases/conv2d.js";
import { CONV2D } from "./lists.js";

const { forward, backward } = conv2dTables(CONV2D);
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
