/**
 * The hidden cases of Assignment 6 as parameters: shapes and seeds (the tables are built from them
 * with the reference in ../cases/). Project tests read them to compare with the public cases.
 */
import type { ActivationCase } from "../cases/activations.js";
import type { BatchNormCase } from "../cases/batchnorm.js";
import type { ConvCase } from "../cases/conv2d.js";
import type { LinearCase } from "../cases/linear.js";
import type { LossCase, SvmTieCase } from "../cases/losses.js";
import type { PoolCase } from "../cases/maxpool2d.js";

/** Linear: a plain case, batch 1, a square W (transposing keeps the shape), a wide one. [N, D, M] */
export const LINEAR: LinearCase[] = ([[4, 5, 3], [1, 3, 2], [5, 4, 4], [3, 7, 2]] as [number, number, number][]).map((shape, k) => ({ shape, seed: 1000 + 10 * k }));

/** ReLU and sigmoid; the last case has inputs of exactly 0 (ReLU's gradient there is 0). */
export const ACTIVATIONS: ActivationCase[] = [
  ...[[4, 6], [1, 5], [2, 3, 4, 4]].map((shape, k) => ({ shape, seed: 2000 + 10 * k })),
  { shape: [3, 4], seed: 2030, zeros: true },
];

/** Convolution [N, C, H, W, F, KH, KW, stride, pad]: pad 1, stride 2 pad 0, stride 2 pad 1 non-square, pad 2 non-square kernel. */
export const CONV2D: ConvCase[] = [
  [2, 3, 5, 5, 4, 3, 3, 1, 1],
  [1, 2, 7, 7, 3, 3, 3, 2, 0],
  [2, 2, 7, 9, 3, 3, 3, 2, 1],
  [2, 3, 6, 5, 2, 3, 2, 1, 2],
].map((dims, k) => ({ dims, seed: 3000 + 10 * k }));

/** Max-pooling [N, C, H, W, size, stride]; the last case has whole-number inputs (tied maxima: the first one gets the gradient). */
export const MAXPOOL2D: PoolCase[] = [
  ...[
    [2, 3, 4, 4, 2, 2],
    [1, 2, 5, 5, 3, 2],
    [2, 1, 6, 4, 2, 2],
  ].map((dims, k) => ({ dims, seed: 4000 + 10 * k })),
  { dims: [2, 2, 4, 4, 2, 2], seed: 4030, ties: true },
];

/** Batch normalisation [N, D]. */
export const BATCHNORM: BatchNormCase[] = ([[6, 4], [3, 5], [8, 3]] as [number, number][]).map((shape, k) => ({ shape, seed: 5000 + 10 * k }));

/** Losses [N, C]; softmaxCrossEntropy also gets LOSSES_LARGE (scores around ±1000). */
export const LOSSES: LossCase[] = ([[5, 4], [1, 3], [8, 10]] as [number, number][]).map((shape, k) => ({ shape, scale: 1, seed: k }));
export const LOSSES_LARGE: LossCase[] = [{ shape: [4, 5], scale: 1000, seed: 3 }];
/** svmLoss with margins of exactly 0 (not active: the handout's `> 0`). */
export const SVM_TIES: SvmTieCase[] = [{ shape: [3, 4], scores: [2, 1, 0.5, 2.5, 0.25, -1, 1.25, 0.25, 3, 1, 0, 1.5], labels: [0, 2, 1] }];
