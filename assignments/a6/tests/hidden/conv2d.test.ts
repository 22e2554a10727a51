/** Hidden tests of the convolution, whose cases bring out the stride and padding mistakes. */
import { describe, test } from "vitest";
import { caseCalls, checkOutput } from "nnkit/grading";
import { conv2dTables } from "../cases/conv2d.js";

// [N, C, H, W, F, KH, KW, stride, pad]: pad 1, stride 2 pad 0, stride 2 pad 1 non-square, pad 2 non-square kernel.
const CASES: number[][] = [
  [2, 3, 5, 5, 4, 3, 3, 1, 1],
  [1, 2, 7, 7, 3, 3, 3, 2, 0],
  [2, 2, 7, 9, 3, 3, 3, 2, 1],
  [2, 3, 6, 5, 2, 3, 2, 1, 2],
];
const { forward, backward } = conv2dTables(CASES.map((dims, k) => ({ dims, seed: 3000 + 10 * k })));
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
