/**
 * The student kit's version of ./float32.ts (the release ships it under that name): float32 models
 * run the reference ops — the student's own layer code — on plain arrays, with the slides' update
 * rules, layer by layer.
 * The fast paths are not in the student kit.
 */
import type { CompileTraining } from "./sequential/contract.js";
import type { FusedSteps } from "./update/contract.js";
import { referenceOps, type Ops } from "./reference.js";

export const float32Ops: Readonly<Ops> = referenceOps;

/** n zeroed floats (a plain array: this kit keeps nothing in kernel memory). */
export function float32Array(n: number): Float32Array {
  return new Float32Array(n);
}

export const queuedFusedSteps: (() => { steps: FusedSteps; run(): void }) | undefined = undefined;

export const compileTraining: CompileTraining | undefined = undefined;
