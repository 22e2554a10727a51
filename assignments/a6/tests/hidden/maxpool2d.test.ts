/** Hidden tests of max-pooling: plain 2×2 windows with stride 2, overlapping 3×3 ones, a non-square input. */
import { describe, test } from "vitest";
import { caseCalls, checkOutput } from "nnkit/grading";
import { maxPool2dTables } from "../cases/maxpool2d.js";

// [N, C, H, W, size, stride]
const CASES: number[][] = [
  [2, 3, 4, 4, 2, 2],
  [1, 2, 5, 5, 3, 2],
  [2, 1, 6, 4, 2, 2],
];
const { forward, backward } = maxPool2dTables(CASES.map((dims, k) => ({ dims, seed: 4000 + 10 * k })));
const forwardCalls = caseCalls(forward);
const backwardCalls = caseCalls(backward);

describe("maxPool2dForward", () => {
  test("out", () => checkOutput(forwardCalls, "out"));
});

describe("maxPool2dBackward", () => {
  test("dx", () => checkOutput(backwardCalls, "dx"));
});
