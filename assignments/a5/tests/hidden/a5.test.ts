/**
 * Hidden tests of Assignment 5: each update rule over three runs (four steps from zeros, three from
 * a given state, one step on a single element), other hyperparameters and seeds than the public
 * tests; the 2-layer net's gradient at the slide's point and at six seeded points, every other one
 * with the ReLU's gate closed.
 */
import { describe, test } from "vitest";
import { caseCalls, checkOutput, checkStepOutput, stepCalls } from "nnkit/grading";
import { ruleTable, type RuleCase } from "../cases/rules.js";
import { SLIDE, randomPoints, twoLayerTable } from "../cases/twolayer.js";

/** Three runs of a rule with hyperparameters `h` (and `h2` for the warm run), seeds from `seed`. */
const runs = (seed: number, h: Record<string, number>, h2: Record<string, number>): RuleCase[] => [
  { n: 5, steps: 4, seed, h },
  { n: 3, steps: 3, seed: seed + 10, h: h2, warm: true },
  { n: 1, steps: 1, seed: seed + 20, h },
];

const sgd = stepCalls(ruleTable("sgdRule", runs(2001, { lr: 0.05 }, { lr: 0.3 })));
const momentum = stepCalls(ruleTable("momentumRule", runs(2101, { rho: 0.9, lr: 0.02 }, { rho: 0.99, lr: 0.1 })));
const adagrad = stepCalls(ruleTable("adagradRule", runs(2201, { lr: 0.05, eps: 1e-7 }, { lr: 1, eps: 1e-7 })));
const rmsprop = stepCalls(ruleTable("rmspropRule", runs(2301, { decay: 0.99, lr: 0.001, eps: 1e-7 }, { decay: 0.9, lr: 0.05, eps: 1e-7 })));
const adam = stepCalls(ruleTable("adamRule", runs(2401, { beta1: 0.9, beta2: 0.999, eps: 1e-7, lr: 0.001 }, { beta1: 0.5, beta2: 0.9, eps: 1e-7, lr: 0.05 })));
const slide = caseCalls(twoLayerTable([SLIDE]));
const gradient = caseCalls(twoLayerTable(randomPoints(6, 2501)));

describe("sgdRule", () => {
  test("x", () => checkStepOutput(sgd, "x"));
});

describe("momentumRule", () => {
  test("x", () => checkStepOutput(momentum, "x"));
  test("v", () => checkStepOutput(momentum, "v"));
});

describe("adagradRule", () => {
  test("x", () => checkStepOutput(adagrad, "x"));
  test("g2", () => checkStepOutput(adagrad, "g2"));
});

describe("rmspropRule", () => {
  test("x", () => checkStepOutput(rmsprop, "x"));
  test("g2", () => checkStepOutput(rmsprop, "g2"));
});

describe("adamRule", () => {
  test("x", () => checkStepOutput(adam, "x"));
  test("m", () => checkStepOutput(adam, "m"));
  test("v", () => checkStepOutput(adam, "v"));
});

describe("twoLayerGradient", () => {
  test("slide", () => checkOutput(slide, "gradient"));
  test("gradient", () => checkOutput(gradient, "gradient"));
});
