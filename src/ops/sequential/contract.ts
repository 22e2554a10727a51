/**
 * The contract of a whole model's training step on the kernel engine (./fast.ts): what the
 * training loop (src/models/train.ts) needs from it. One step is forward (scores), the loss in
 * TypeScript, backward; the results are those of the layers' own forward and backward passes up
 * to float32 rounding.
 */
import type { Tensor } from "../../tensor.js";
import type { Layer } from "../../models/modules.js";

/** A model's forward and backward passes, compiled for batches of up to `batchSize` examples. */
export interface TrainingProgram {
  /**
   * The forward pass (training mode) on rows `rows` of x [N, ...] (at most batchSize of them).
   * Returns the scores [rows.length, ...] as a new tensor.
   */
  forward(x: Tensor, rows: ArrayLike<number>): Tensor;
  /**
   * The backward pass of the last forward pass from dscores (shaped as the scores): every
   * parameter's gradient tensor is set to this batch's gradient (as zeroGrad + backward would).
   */
  backward(dscores: Tensor): void;
  /** Release its kernel memory (the program cannot be used afterwards). */
  close(): void;
}

/**
 * The training program for `layers` (a Sequential's) on examples of shape `exampleShape`, or null
 * when some layer has no place in one (its kind, dtype, table of layer functions, or parameters
 * outside kernel memory): the training loop then runs the layers one by one.
 */
export type CompileTraining = (layers: readonly Layer[], exampleShape: readonly number[], batchSize: number) => TrainingProgram | null;
