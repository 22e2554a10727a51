/**
 * Public tests of ReLU and sigmoid: a 2-D and a 4-D input. The expected outputs are the
 * reference's, recorded when the kit was released.
 */
import { describe, test } from "vitest";
import { caseCalls, checkOutput, recorded } from "nnkit/grading";
import { ACTIVATIONS } from "./lists.js";

const tables = await recorded("activations", async () =>
  (await import("../cases/activations.js")).activationTables(ACTIVATIONS),
);
const reluForward = caseCalls(tables.reluForward);
const reluBackward = caseCalls(tables.reluBackward);
const sigmoidForward = caseCalls(tables.sigmoidForward);
const sigmoidBackward = caseCalls(tables.sigmoidBackward);

describe("reluForward", () => {
  test("out", () => checkOutput(reluForward, "out"));
});

describe("reluBackward", () => {
  test("dx", () => checkOutput(reluBackward, "dx"));
});

describe("sigmoidForward", () => {
  test("out", () => checkOutput(sigmoidForward, "out"));
});

describe("sigmoidBackward", () => {
  test("dx", () => checkOutput(sigmoidBackward, "dx"));
});
