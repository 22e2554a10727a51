/**
 * The fused optimizer steps for float32 parameters that live in kernel memory (see
 * Engine.residentArray) with their gradients and state: four lanes at a time in WebAssembly, the
 * array split over the engine's threads. The training loop (src/models/train.ts) steps with them
 * (Optimizer.stepFused), queued so that one step of the whole model is one program; the slide's
 * rule runs wherever they cannot.
 */
import { kernelEngine } from "../../engine/index.js";
import { call, elementRanges, withEngineMemory, type Call } from "../../engine/engine.js";
import type { Kernel } from "../../engine/kernel.js";
import type { FusedStep, FusedSteps } from "./contract.js";
import { ADAGRAD_STEP, ADAM_STEP, MOMENTUM_STEP, RMSPROP_STEP, SGD_STEP } from "./kernels.js";

type UpdateKernel = Kernel<"pX" | "pG" | "pS0" | "pS1" | "n" | "pConsts">;

/** The fused kernels, by the name of the optimizer whose rule each computes. */
const KERNELS: Readonly<Record<string, UpdateKernel>> = {
  sgd: SGD_STEP,
  momentum: MOMENTUM_STEP,
  adagrad: ADAGRAD_STEP,
  rmsprop: RMSPROP_STEP,
  adam: ADAM_STEP,
};

/** One parameter's update: its kernel, pointers, length and the rule's constants. */
interface Pending {
  kernel: UpdateKernel;
  pointers: number[];
  n: number;
  constants: readonly number[];
}

/** The pending updates as one program (work items over every array, split when long), run on the engine. */
function runAll(pending: readonly Pending[]): void {
  if (pending.length === 0) return;
  const e = kernelEngine();
  withEngineMemory(e, () => {
    const at = new Map<readonly number[], number>();
    const items: Call[][] = [];
    for (const { kernel, pointers, n, constants } of pending) {
      let pConsts = at.get(constants);
      if (pConsts === undefined) {
        pConsts = e.alloc(4 * constants.length);
        e.f32().set(constants, pConsts >> 2);
        at.set(constants, pConsts);
      }
      const [pX, pG, pS0 = 0, pS1 = 0] = pointers;
      for (const [i, j] of elementRanges(e, n)) {
        items.push([call(kernel, { pX: pX + 4 * i, pG: pG + 4 * i, pS0: pS0 && pS0 + 4 * i, pS1: pS1 && pS1 + 4 * i, n: j - i, pConsts })]);
      }
    }
    e.execute({ phases: [items], threadStride: 0 });
  });
}

/** The fused step of `kernel` that hands its update to `take` (and returns true) when every array is in kernel memory. */
function fused(kernel: UpdateKernel, take: (p: Pending) => void): FusedStep {
  return (x, g, state, constants) => {
    const e = kernelEngine();
    const arrays = [x, g, ...state];
    const pointers = arrays.map((a) => e.pointerOf(a));
    if (pointers.some((p) => p < 0) || arrays.some((a) => a.length !== x.length)) return false;
    take({ kernel, pointers, n: x.length, constants });
    return true;
  };
}

function stepsWith(take: (p: Pending) => void): FusedSteps {
  return Object.fromEntries(Object.entries(KERNELS).map(([name, kernel]): [string, FusedStep] => [name, fused(kernel, take)]));
}

/** One fused step per optimizer, each run at once. */
export const fusedSteps: FusedSteps = stepsWith((p) => runAll([p]));

/**
 * Fused steps that queue their updates; run() runs everything queued as one program (the threads
 * woken once for the whole model) and empties the queue. For a caller that runs it right after
 * Optimizer.stepFused, before anything reads the parameters.
 */
export function queuedFusedSteps(): { steps: FusedSteps; run(): void } {
  let queue: Pending[] = [];
  return {
    steps: stepsWith((p) => queue.push(p)),
    run() {
      const pending = queue;
      queue = [];
      runAll(pending);
    },
  };
}
