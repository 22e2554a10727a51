/**
 * The contract of a whole model's training step on the kernel engine (./fast.ts): what the
 * training loop (src/models/train.ts) needs from it. One step is forward (scores), the loss in
 * TypeScript, backward; the results are those of the layers' own forward and backward passes up
 * to float32 rounding.
 */
import type { Tensor } from "../../tensor.js";

/** A parameter and its gradient (same shape; both float32 in kernel memory for a program to take them). */
export interface ProgramParam {
  readonly value: Tensor;
  readonly grad: Tensor;
}

/**
 * One layer of a training program, described by what the program needs: its kind, its sizes
 * (a convolution's and a linear layer's follow from their weights' shapes) and its parameters.
 * w [F, C, KH, KW] and b [F] for conv2d; W [D, M] and b [M] for linear.
 */
export type ProgramLayer =
  | { readonly kind: "conv2d"; readonly stride: number; readonly pad: number; readonly w: ProgramParam; readonly b: ProgramParam }
  | { readonly kind: "maxpool2d"; readonly size: number; readonly stride: number }
  | { readonly kind: "linear"; readonly W: ProgramParam; readonly b: ProgramParam }
  | { readonly kind: "relu" | "flatten" };

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
 * The training program for `layers` on examples of shape `exampleShape` (no batch dimension), for
 * batches of up to `batchSize`, or null when the layers do not fit together or a parameter is
 * outside kernel memory: the training loop then runs the layers one by one.
 */
export type CompileTraining = (layers: readonly ProgramLayer[], exampleShape: readonly number[], batchSize: number) => TrainingProgram | null;
