/**
 * The Adam update for float32 parameters that live in kernel memory (see Engine.residentArray):
 * four lanes at a time in WebAssembly, the array split over the engine's threads. The optimizer
 * (../optim.ts) calls it and falls back to its own loop when it returns false.
 */
import { kernelEngine } from "./backend.js";
import { MIN_PARALLEL_ELEMENTS, withEngineMemory, workItems } from "./engine.js";

/** Adam's constants for one step: stepSize = lr/(1 − β1^t), vScale = 1/√(1 − β2^t). */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  stepSize: number;
  vScale: number;
  eps: number;
}

/**
 * x, g, m, v: float32 arrays of one length n (parameter, gradient, moments). Updates x, m and v in
 * place and returns true when all four are resident in kernel memory; otherwise does nothing and
 * returns false.
 */
export function adamResident(x: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, c: AdamConstants): boolean {
  const e = kernelEngine();
  const [pX, pG, pM, pV] = [x, g, m, v].map((a) => e.pointerOf(a));
  const n = x.length;
  if (pX < 0 || pG < 0 || pM < 0 || pV < 0 || g.length !== n || m.length !== n || v.length !== n) return false;
  withEngineMemory(e, () => {
    const pConsts = e.alloc(20);
    e.f32().set([c.beta1, c.beta2, c.stepSize, c.vScale, c.eps], pConsts >> 2);
    const ranges: [number, number][] = n >= MIN_PARALLEL_ELEMENTS ? workItems(e, n, 2, 4) : [[0, n]];
    e.parallel("adam", ranges.map(([i, j]) => [pX + 4 * i, pG + 4 * i, pM + 4 * i, pV + 4 * i, j - i, pConsts]));
  });
  return true;
}

/** n zeroed floats, in kernel memory when the engine can keep them there (kernels then use them without copies), else a plain array. */
export function kernelArray(n: number): Float32Array {
  return kernelEngine().residentArray(n) ?? new Float32Array(n);
}
