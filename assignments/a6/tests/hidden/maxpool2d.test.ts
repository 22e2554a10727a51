/** Hidden tests of max-pooling: plain 2×2 windows with stride 2, overlapping 3×3 ones, a non-square input. */
import { describe, test } from "vitest";
import { caseCalls, checkOutput } from "nnkit/grading";
import { maxPool2dTables } from "../cases/maxpool2d.js";
import { MAXPOOL2D } from "./lists.js";

const { forward, backward } = maxPool2dTables(MAXPOOL2D);
const forwardCalls = caseCalls(forward);
const backwardCalls = caseCalls(backward);

describe("maxPool2dForward", () => {
  test("out", () => checkOutput(forwardCalls, "out"));
});

describe("maxPool2dBackward", () => {
  test("dx", () => checkOutput(backwardCalls, "dx"));
});
