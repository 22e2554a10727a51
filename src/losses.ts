/**
 * Loss functions: each is the mean over the N examples of a batch and returns
 * `{ loss, ds }`, the loss (a number) and its gradient with respect to the scores s
 * (same shape and dtype as s).
 *
 * Scores s are [N, C] (l2Loss and sigmoidCrossEntropy also accept any shape [N, ...]);
 * labels y are N integers in [0, C); targets t have the shape of s.
 * The gradient of each loss sits between solution markers: students write it.
 */
import { Tensor, allocate, sameShape, shapeStr } from "./tensor.js";

/** Integer class labels, one per example. */
export type Labels = Int32Array | number[];

/** What every loss returns: the mean loss over the batch and dLoss/ds shaped like s. */
export interface LossResult {
  loss: number;
  ds: Tensor;
}

/** The logistic function σ(x) = 1 / (1 + e^(−x)), computed without overflow for any x. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * Row-wise softmax: s [N, C] → p [N, C] (dtype of s), p[i, j] = e^(s[i,j]) / Σ_k e^(s[i,k]).
 * The row maximum is subtracted first, so scores like 1000 do not overflow.
 */
export function softmax(s: Tensor): Tensor {
  const [N, C] = scoresShape("softmax", s);
  const p = new Tensor(allocate(s.size, s.dtype), s.shape);
  for (let i = 0; i < N; i++) {
    const lse = rowLogSumExp(s, i * C, C);
    for (let j = 0; j < C; j++) p.data[i * C + j] = Math.exp(s.data[i * C + j] - lse);
  }
  return p;
}

/**
 * L2 loss: s, t [N, ...] (same shape) → loss = (1/N) Σ_i ½‖s_i − t_i‖², ds = (s − t)/N.
 */
export function l2Loss(s: Tensor, t: Tensor): LossResult {
  const N = batchSize("l2Loss", s);
  expectTargets("l2Loss", s, t);
  let loss = 0;
  for (let k = 0; k < s.size; k++) loss += 0.5 * (s.data[k] - t.data[k]) ** 2;
  loss /= N;
  let ds: Tensor;
  // BEGIN SOLUTION
  ds = new Tensor(allocate(s.size, s.dtype), s.shape);
  for (let k = 0; k < s.size; k++) ds.data[k] = (s.data[k] - t.data[k]) / N;
  // END SOLUTION
  return { loss, ds };
}

/**
 * Softmax cross-entropy: s [N, C], y N labels in [0, C) →
 * loss = (1/N) Σ_i (log Σ_j e^(s[i,j]) − s[i, y_i]), ds = (softmax(s) − onehot(y))/N.
 * Stable for large scores (the row maximum is subtracted inside the log-sum-exp).
 */
export function softmaxCrossEntropy(s: Tensor, y: Labels): LossResult {
  const [N, C] = scoresShape("softmaxCrossEntropy", s);
  expectLabels("softmaxCrossEntropy", y, N, C);
  let loss = 0;
  for (let i = 0; i < N; i++) loss += rowLogSumExp(s, i * C, C) - s.data[i * C + y[i]];
  loss /= N;
  let ds: Tensor;
  // BEGIN SOLUTION
  ds = softmax(s);
  for (let i = 0; i < N; i++) ds.data[i * C + y[i]] -= 1;
  for (let k = 0; k < ds.size; k++) ds.data[k] /= N;
  // END SOLUTION
  return { loss, ds };
}

/**
 * Sigmoid (binary) cross-entropy on logits: s, t [N, ...] (same shape, t in [0, 1]) →
 * loss = (1/N) Σ −t·log σ(s) − (1−t)·log(1−σ(s)), ds = (σ(s) − t)/N.
 * The loss uses the stable form max(s, 0) − s·t + log(1 + e^(−|s|)), exact for s = ±1000.
 */
export function sigmoidCrossEntropy(s: Tensor, t: Tensor): LossResult {
  const N = batchSize("sigmoidCrossEntropy", s);
  expectTargets("sigmoidCrossEntropy", s, t);
  let loss = 0;
  for (let k = 0; k < s.size; k++) {
    const x = s.data[k];
    loss += Math.max(x, 0) - x * t.data[k] + Math.log1p(Math.exp(-Math.abs(x)));
  }
  loss /= N;
  let ds: Tensor;
  // BEGIN SOLUTION
  ds = new Tensor(allocate(s.size, s.dtype), s.shape);
  for (let k = 0; k < s.size; k++) ds.data[k] = (sigmoid(s.data[k]) - t.data[k]) / N;
  // END SOLUTION
  return { loss, ds };
}

/**
 * Multiclass SVM (hinge) loss with margin 1: s [N, C], y N labels in [0, C) →
 * loss = (1/N) Σ_i Σ_{j≠y_i} max(0, s[i,j] − s[i,y_i] + 1).
 * ds is the subgradient: +1/N at every j ≠ y_i whose margin is > 0, and −(their count)/N at y_i
 * (a margin of exactly 0 counts as inactive).
 */
export function svmLoss(s: Tensor, y: Labels): LossResult {
  const [N, C] = scoresShape("svmLoss", s);
  expectLabels("svmLoss", y, N, C);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const row = i * C;
    const correct = s.data[row + y[i]];
    for (let j = 0; j < C; j++) {
      if (j !== y[i]) loss += Math.max(0, s.data[row + j] - correct + 1);
    }
  }
  loss /= N;
  let ds: Tensor;
  // BEGIN SOLUTION
  ds = new Tensor(allocate(s.size, s.dtype), s.shape);
  for (let i = 0; i < N; i++) {
    const row = i * C;
    const correct = s.data[row + y[i]];
    let active = 0;
    for (let j = 0; j < C; j++) {
      if (j !== y[i] && s.data[row + j] - correct + 1 > 0) {
        ds.data[row + j] = 1 / N;
        active++;
      }
    }
    ds.data[row + y[i]] = -active / N;
  }
  // END SOLUTION
  return { loss, ds };
}

// ---- checks shared by the losses -------------------------------------------------------------

/** log Σ_j e^(s[row + j]) over C entries, with the maximum m taken out: m + log Σ e^(s − m). */
function rowLogSumExp(s: Tensor, row: number, C: number): number {
  let m = -Infinity;
  for (let j = 0; j < C; j++) m = Math.max(m, s.data[row + j]);
  let sum = 0;
  for (let j = 0; j < C; j++) sum += Math.exp(s.data[row + j] - m);
  return m + Math.log(sum);
}

/** [N, C] of a scores tensor, or an Error naming fn and the shape. */
function scoresShape(fn: string, s: Tensor): [number, number] {
  if (!(s instanceof Tensor)) throw new Error(`${fn}: scores s must be a Tensor of shape [N, C]`);
  if (s.ndim !== 2 || s.shape[0] < 1 || s.shape[1] < 1) {
    throw new Error(`${fn}: scores s has shape ${s.shapeString()}, expected [N, C] with N, C ≥ 1`);
  }
  return [s.shape[0], s.shape[1]];
}

/** N (the first dimension) of scores of shape [N, ...]. */
function batchSize(fn: string, s: Tensor): number {
  if (!(s instanceof Tensor)) throw new Error(`${fn}: scores s must be a Tensor of shape [N, ...]`);
  if (s.ndim < 1 || s.shape[0] < 1) {
    throw new Error(`${fn}: scores s has shape ${s.shapeString()}, expected [N, ...] with N ≥ 1`);
  }
  return s.shape[0];
}

function expectTargets(fn: string, s: Tensor, t: Tensor): void {
  if (!(t instanceof Tensor)) throw new Error(`${fn}: targets t must be a Tensor shaped like s ${s.shapeString()}`);
  if (!sameShape(t.shape, s.shape)) {
    throw new Error(`${fn}: targets t have shape ${t.shapeString()} but scores s have shape ${s.shapeString()}; they must match`);
  }
}

function expectLabels(fn: string, y: Labels, N: number, C: number): void {
  if (!(y instanceof Int32Array) && !Array.isArray(y)) {
    throw new Error(`${fn}: labels y must be an Int32Array or number[] of length N = ${N}`);
  }
  if (y.length !== N) {
    throw new Error(`${fn}: ${y.length} labels for scores of shape ${shapeStr([N, C])}; expected one label per row (${N})`);
  }
  for (let i = 0; i < N; i++) {
    const label = y[i];
    if (!Number.isInteger(label) || label < 0 || label >= C) {
      throw new Error(`${fn}: label y[${i}] = ${label} is not an integer class index in [0, ${C - 1}] (scores ${shapeStr([N, C])})`);
    }
  }
}
