/**
 * The fused optimizer steps' primitives (./kernels.as). Their plain TypeScript twins are the
 * slides' rules themselves (src/optim/rules.ts), run on views of the engine's memory.
 */
import { defineKernel, type JsMemory } from "../../engine/kernel.js";
import { adagradRule, adamRule, momentumRule, rmspropRule, sgdRule } from "../../optim/rules.js";

/** The parameters every update kernel takes (see ./kernels.as). */
const PARAMS = ["pX", "pG", "pS0", "pS1", "n", "pConsts"] as const;

/** n floats of the engine's memory at pointer p. */
const at = (m: JsMemory, p: number, n: number): Float32Array => m.f32.subarray(p >> 2, (p >> 2) + n);
/** The i-th f32 constant at pConsts. */
const c = (m: JsMemory, pConsts: number, i: number): number => m.f32[(pConsts >> 2) + i];

export const SGD_STEP = defineKernel("sgd", PARAMS, (m: JsMemory, pX: number, pG: number, pS0: number, pS1: number, n: number, pConsts: number) => {
  void pS0, void pS1;
  sgdRule(at(m, pX, n), at(m, pG, n), c(m, pConsts, 0));
});

export const MOMENTUM_STEP = defineKernel("momentum", PARAMS, (m: JsMemory, pX: number, pG: number, pS0: number, pS1: number, n: number, pConsts: number) => {
  void pS1;
  momentumRule(at(m, pX, n), at(m, pG, n), at(m, pS0, n), c(m, pConsts, 0), c(m, pConsts, 1));
});

export const ADAGRAD_STEP = defineKernel("adagrad", PARAMS, (m: JsMemory, pX: number, pG: number, pS0: number, pS1: number, n: number, pConsts: number) => {
  void pS1;
  adagradRule(at(m, pX, n), at(m, pG, n), at(m, pS0, n), c(m, pConsts, 0), c(m, pConsts, 1));
});

export const RMSPROP_STEP = defineKernel("rmsprop", PARAMS, (m: JsMemory, pX: number, pG: number, pS0: number, pS1: number, n: number, pConsts: number) => {
  void pS1;
  rmspropRule(at(m, pX, n), at(m, pG, n), at(m, pS0, n), c(m, pConsts, 0), c(m, pConsts, 1), c(m, pConsts, 2));
});

export const ADAM_STEP = defineKernel("adam", PARAMS, (m: JsMemory, pX: number, pG: number, pS0: number, pS1: number, n: number, pConsts: number) => {
  const k = (i: number) => c(m, pConsts, i);
  adamRule(at(m, pX, n), at(m, pG, n), at(m, pS0, n), at(m, pS1, n), k(0), k(1), k(2), k(3), k(4), k(5));
});
