/** Hidden tests of ReLU and sigmoid: a plain batch, batch 1, and a 4-D input. */
import { describe, test } from "vitest";
import { caseCalls, checkOutput } from "nnkit/grading";
import { activationTables } from "../cases/activations.js";
import { ACTIVATIONS } from "./lists.js";

const tables = activationTables(ACTIVATIONS);
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
