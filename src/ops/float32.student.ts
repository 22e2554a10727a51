/**
 * The student kit's version of ./float32.ts (the release ships it under that name): float32 models
 * run the reference ops — the student's own layer code — on plain arrays, with the slide's Adam.
 * The fast paths are not in the student kit.
 */
import type { FusedAdam } from "./adam/contract.js";
import { referenceOps, type Ops } from "./reference.js";

export const float32Ops: Readonly<Ops> = referenceOps;

/** n zeroed floats (a plain array: this kit keeps nothing in kernel memory). */
export function float32Array(n: number): Float32Array {
  return new Float32Array(n);
}

export const fusedAdam: FusedAdam | undefined = undefined;
