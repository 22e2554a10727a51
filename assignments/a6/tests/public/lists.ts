/**
 * The public cases of Assignment 6 as parameters: other shapes and seeds than the hidden ones
 * (their expected values are recorded when the kit is released).
 */
import type { ActivationCase } from "../cases/activations.js";
import type { BatchNormCase } from "../cases/batchnorm.js";
import type { ConvCase } from "../cases/conv2d.js";
import type { LinearCase } from "../cases/linear.js";
import type { LossCase, SvmTieCase } from "../cases/losses.js";
import type { PoolCase } from "../cases/maxpool2d.js";

/** Linear [N, D, M]: a wide W, and a square one (dx = dout·W would have the right shape). */
export const LINEAR: LinearCase[] = [{ shape: [3, 4, 5], seed: 101 }, { shape: [2, 3, 3], seed: 111 }];

/** A 2-D and a 4-D input, and one with inputs of exactly 0 (ReLU's gradient there is 0). */
export const ACTIVATIONS: ActivationCase[] = [{ shape: [3, 5], seed: 201 }, { shape: [2, 2, 3, 3], seed: 211 }, { shape: [2, 5], seed: 221, zeros: true }];

/** [N, C, H, W, F, KH, KW, stride, pad]: stride 1 pad 0; stride 2 pad 1; stride 2, a 2×3 kernel, pad 0; taller than wide (H > W), pad 1. */
export const CONV2D: ConvCase[] = [
  { dims: [2, 2, 5, 5, 3, 3, 3, 1, 0], seed: 301 },
  { dims: [2, 2, 5, 5, 3, 3, 3, 2, 1], seed: 311 },
  { dims: [1, 3, 6, 7, 2, 2, 3, 2, 0], seed: 321 },
  { dims: [1, 2, 6, 5, 2, 3, 3, 1, 1], seed: 331 },
];

/** [N, C, H, W, size, stride]: 2×2 windows with stride 2, 3×3 windows with stride 2 (overlapping), a non-square input, and whole-number inputs (tied maxima). */
export const MAXPOOL2D: PoolCase[] = [
  { dims: [2, 2, 4, 4, 2, 2], seed: 401 },
  { dims: [1, 2, 7, 7, 3, 2], seed: 411 },
  { dims: [2, 1, 4, 6, 2, 2], seed: 431 },
  { dims: [1, 2, 4, 6, 2, 2], seed: 421, ties: true },
];

export const BATCHNORM: BatchNormCase[] = [{ shape: [5, 3], seed: 501 }, { shape: [4, 4], seed: 511 }];

export const LOSSES: LossCase[] = [{ shape: [4, 3], scale: 1, seed: 50 }, { shape: [2, 5], scale: 1, seed: 51 }];
export const LOSSES_LARGE: LossCase[] = [{ shape: [3, 4], scale: 1000, seed: 52 }];
/** svmLoss with margins of exactly 0 (not active): rows 0 and 1 each have one. */
export const SVM_TIES: SvmTieCase[] = [{ shape: [3, 3], scores: [1, 0, 0.5, -0.5, 1.5, 0.5, 2, 0.75, 1], labels: [0, 1, 2] }];
