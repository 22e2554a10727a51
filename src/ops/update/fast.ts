/**
 * The fused optimizer steps for float32 parameters that live in kernel memory (see
 * Engine.residentArray) with their gradients and state: four lanes at a time in WebAssembly, the
 * array split over the engine's threads. The training loop (src/models/train.ts) steps with them
 * (Optimizer.stepFused); the slide's rule runs wherever they cannot.
 */
import { kernelEngine } from "../../engine/index.js";
import { elementRanges, withEngineMemory } from "../../engine/engine.js";
import type { Kernel } from "../../engine/kernel.js";
import type { FusedStep, FusedSteps } from "./contract.js";
import { ADAGRAD_STEP, ADAM_STEP, MOMENTUM_STEP, RMSPROP_STEP, SGD_STEP } from "./kernels.js";

/** The fused step running `kernel` (an update kernel of ./kernels.ts). */
function fused(kernel: Kernel<"pX" | "pG" | "pS0" | "pS1" | "n" | "pConsts">): FusedStep {
  return (x, g, state, constants) => {
    const e = kernelEngine();
    const arrays = [x, g, ...state];
    const pointers = arrays.map((a) => e.pointerOf(a));
    const n = x.length;
    if (pointers.some((p) => p < 0) || arrays.some((a) => a.length !== n)) return false;
    const [pX, pG, pS0 = 0, pS1 = 0] = pointers;
    withEngineMemory(e, () => {
      const pConsts = e.alloc(4 * constants.length);
      e.f32().set(constants, pConsts >> 2);
      e.run(kernel, elementRanges(e, n).map(([i, j]) => ({
        pX: pX + 4 * i, pG: pG + 4 * i, pS0: pS0 && pS0 + 4 * i, pS1: pS1 && pS1 + 4 * i, n: j - i, pConsts,
      })));
    });
    return true;
  };
}

/** One fused step per optimizer. */
export const fusedSteps: FusedSteps = {
  sgd: fused(SGD_STEP),
  momentum: fused(MOMENTUM_STEP),
  adagrad: fused(ADAGRAD_STEP),
  rmsprop: fused(RMSPROP_STEP),
  adam: fused(ADAM_STEP),
};
