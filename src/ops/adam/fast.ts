/**
 * The fused Adam step for float32 parameters that live in kernel memory (see Engine.residentArray):
 * four lanes at a time in WebAssembly, the array split over the engine's threads. The slide's
 * Adam (src/optim.ts) takes it when the parameter, its gradient and its moments are resident.
 */
import { kernelEngine } from "../../engine/index.js";
import { elementRanges, withEngineMemory } from "../../engine/engine.js";
import type { AdamConstants, FusedAdam } from "./contract.js";
import { ADAM } from "./kernels.js";

/** Bytes of the five float32 constants (β1, β2, stepSize, vScale, ε). */
const CONSTANT_BYTES = 20;

/** See FusedAdam: updates x, m, v in place and returns true when all four arrays are resident. */
export const fusedAdam: FusedAdam = (x: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, c: AdamConstants): boolean => {
  const e = kernelEngine();
  const [pX, pG, pM, pV] = [x, g, m, v].map((a) => e.pointerOf(a));
  const n = x.length;
  if (pX < 0 || pG < 0 || pM < 0 || pV < 0 || g.length !== n || m.length !== n || v.length !== n) return false;
  withEngineMemory(e, () => {
    const pConsts = e.alloc(CONSTANT_BYTES);
    e.f32().set([c.beta1, c.beta2, c.stepSize, c.vScale, c.eps], pConsts >> 2);
    e.run(ADAM, elementRanges(e, n).map(([i, j]) => ({ pX: pX + 4 * i, pG: pG + 4 * i, pM: pM + 4 * i, pV: pV + 4 * i, n: j - i, pConsts })));
  });
  return true;
};
