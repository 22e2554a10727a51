/**
 * Public tests of Assignment 5: each update rule run for a few steps with its state carried from
 * step to step (from zeros, and from a given state), and the 2-layer net's gradient by hand at the
 * slide's point and at two more (one with the ReLU's gate closed). The expected values are the
 * reference's, recorded when the kit was released; the slide's gradient is the slide's.
 */
import { describe, test } from "vitest";
import { caseCalls, checkOutput, checkStepOutput, recorded, stepCalls } from "nnkit/grading";
import { Tensor } from "../../../../src/tensor.js";

const t = await recorded("a5", async () => {
  const { ruleTable } = await import("../cases/rules.js");
  const { SLIDE, randomPoints, twoLayerTable } = await import("../cases/twolayer.js");
  return {
    sgd: ruleTable("sgdRule", [{ n: 4, steps: 3, seed: 501, h: { lr: 0.1 } }, { n: 3, steps: 2, seed: 511, h: { lr: 0.5 } }]),
    momentum: ruleTable("momentumRule", [{ n: 4, steps: 3, seed: 521, h: { rho: 0.9, lr: 0.05 } }, { n: 3, steps: 2, seed: 531, h: { rho: 0.5, lr: 0.1 }, warm: true }]),
    adagrad: ruleTable("adagradRule", [{ n: 4, steps: 3, seed: 541, h: { lr: 0.1, eps: 1e-7 } }, { n: 3, steps: 2, seed: 551, h: { lr: 0.5, eps: 1e-7 }, warm: true }]),
    rmsprop: ruleTable("rmspropRule", [{ n: 4, steps: 3, seed: 561, h: { decay: 0.9, lr: 0.01, eps: 1e-7 } }, { n: 3, steps: 2, seed: 571, h: { decay: 0.99, lr: 0.1, eps: 1e-7 }, warm: true }]),
    adam: ruleTable("adamRule", [{ n: 4, steps: 3, seed: 581, h: { beta1: 0.9, beta2: 0.999, eps: 1e-7, lr: 0.001 } }, { n: 3, steps: 2, seed: 591, h: { beta1: 0.8, beta2: 0.99, eps: 1e-7, lr: 0.1 }, warm: true }]),
    slide: twoLayerTable([SLIDE]),
    gradient: twoLayerTable(randomPoints(2, 601)),
  };
});

// the slide's numbers: the gradient (∂L/∂w1, ∂L/∂b1, ∂L/∂w2, ∂L/∂b2) at w1 = 3, b1 = 1, w2 = 2, b2 = −5, x = t = 1
const SLIDE_GRADIENT = new Tensor(Float64Array.of(8, 8, 16, 4), [4]);
const slide = caseCalls({ ...t.slide, cases: t.slide.cases.map((c) => ({ ...c, expected: { gradient: SLIDE_GRADIENT } })) });
const gradient = caseCalls(t.gradient);
const sgd = stepCalls(t.sgd);
const momentum = stepCalls(t.momentum);
const adagrad = stepCalls(t.adagrad);
const rmsprop = stepCalls(t.rmsprop);
const adam = stepCalls(t.adam);

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
