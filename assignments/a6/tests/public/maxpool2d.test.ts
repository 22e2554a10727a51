/**
 * Public tests of max-pooling: 2×2 windows with stride 2, and 3×3 windows with stride 2
 * (overlapping). The expected outputs are the reference's, recorded when the kit was released.
 */
import { describe, test } from "vitest";
import { caseCalls, checkOutput, recorded } from "nnkit/grading";
import { MAXPOOL2D } from "./lists.js";

const { forward, backward } = await recorded("maxpool2d", async () =>
  (await import("../cases/maxpool2d.js")).maxPool2dTables(MAXPOOL2D),
);
const forwardCalls = caseCalls(forward);
const backwardCalls = caseCalls(backward);

describe("maxPool2dForward", () => {
  test("out", () => checkOutput(forwardCalls, "out"));
});

describe("maxPool2dBackward", () => {
  test("dx", () => checkOutput(backwardCalls, "dx"));
});
