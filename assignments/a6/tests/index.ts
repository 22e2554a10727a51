/**
 * The public tests of Assignment 6: the grader's own tests — the same functions called with the
 * same kinds of arguments, the same comparison with the reference (relative error ≤ the manifest's
 * tolerance) and the same diagnosis of typical mistakes — on other shapes and seeds than the hidden
 * cases. Every backward pass is called with the cache of your forward pass, or with the reference
 * forward's cache when yours fails, as the grader does.
 *
 * The release computes the expected outputs with the reference solution and ships them as
 * tests/cases.json; `nnkit check` runs them.
 */
import { activationSpecs } from "../../../autograder/hidden/activations.js";
import { batchNormSpecs } from "../../../autograder/hidden/batchnorm.js";
import { conv2dSpecs } from "../../../autograder/hidden/conv2d.js";
import { linearSpecs } from "../../../autograder/hidden/linear.js";
import { lossSpecs } from "../../../autograder/hidden/losses.js";
import { maxPool2dSpecs } from "../../../autograder/hidden/maxpool2d.js";
import type { FunctionSpec } from "../../../autograder/spec.js";

/** Every public test, one spec per function (batchNormForward: one per mode). */
export const PUBLIC_SPECS: readonly FunctionSpec[] = [
  // x [N, D], W [D, M]: a wide W, and a square one (dx = dout·W would have the right shape)
  ...linearSpecs([{ shape: [3, 4, 5], seed: 101 }, { shape: [2, 3, 3], seed: 111 }]),
  ...activationSpecs([{ shape: [3, 5], seed: 201 }, { shape: [2, 2, 3, 3], seed: 211 }]),
  // [N, C, H, W, F, KH, KW, stride, pad]: stride 1 pad 0; stride 2 pad 1; stride 2, a 2×3 kernel, pad 0
  ...conv2dSpecs([
    { dims: [2, 2, 5, 5, 3, 3, 3, 1, 0], seed: 301 },
    { dims: [2, 2, 5, 5, 3, 3, 3, 2, 1], seed: 311 },
    { dims: [1, 3, 6, 7, 2, 2, 3, 2, 0], seed: 321 },
  ]),
  // [N, C, H, W, size, stride]: 2×2 windows with stride 2, and 3×3 windows with stride 2 (overlapping)
  ...maxPool2dSpecs([
    { dims: [2, 2, 4, 4, 2, 2], seed: 401 },
    { dims: [1, 2, 7, 7, 3, 2], seed: 411 },
  ]),
  ...batchNormSpecs([{ shape: [5, 3], seed: 501 }, { shape: [4, 4], seed: 511 }]),
  ...lossSpecs([{ shape: [4, 3], scale: 1, seed: 50 }, { shape: [2, 5], scale: 1, seed: 51 }], [{ shape: [3, 4], scale: 1000, seed: 52 }]),
];
