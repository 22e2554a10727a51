/**
 * Mini-batches for training loops: shuffled index batches, gathering rows, a train/validation split.
 *
 *   for (const idx of shuffledBatches(N, 64, rng)) {
 *     const xb = gatherRows(x, idx);          // [64, ...]
 *     const yb = gatherLabels(y, idx);        // [64]
 *   }
 */
import { Rng } from "../random.js";
import { Tensor, allocate } from "../tensor.js";

function checkBatch(fn: string, n: number, batchSize: number): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${fn}: n must be a whole number ≥ 0, got ${n}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`${fn}: batchSize must be a whole number ≥ 1, got ${batchSize}`);
  }
}

/** 0, 1, …, n−1. */
function identity(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** Consecutive slices of `order`, batchSize at a time (the last may be shorter unless dropLast). */
function* slices(order: Int32Array, batchSize: number, dropLast: boolean): Generator<Int32Array> {
  const n = order.length;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(start + batchSize, n);
    if (dropLast && end - start < batchSize) return;
    yield order.subarray(start, end);
  }
}

/**
 * One epoch of mini-batches: a fresh permutation of 0..n−1 drawn from `rng`, cut into index arrays
 * of batchSize (the last one shorter, unless `dropLast`). Every index appears exactly once.
 */
export function shuffledBatches(
  n: number,
  batchSize: number,
  rng: Rng,
  opts: { dropLast?: boolean } = {},
): Generator<Int32Array> {
  checkBatch("shuffledBatches", n, batchSize);
  return slices(rng.permutation(n), batchSize, opts.dropLast ?? false);
}

/** Index arrays 0..n−1 in order, batchSize at a time (for evaluation; the last may be shorter). */
export function orderedBatches(n: number, batchSize: number): Generator<Int32Array> {
  checkBatch("orderedBatches", n, batchSize);
  return slices(identity(n), batchSize, false);
}

function checkIndex(fn: string, idx: ArrayLike<number>, n: number, shape: string): void {
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i];
    if (!Number.isInteger(r) || r < 0 || r >= n) {
      throw new Error(`${fn}: index ${r} at position ${i} is out of range for ${shape} (rows 0..${n - 1})`);
    }
  }
}

/**
 * Rows of t along dim 0: t [N, ...rest], idx [B] of integers in 0..N−1 → a new tensor [B, ...rest]
 * (same dtype; rows copied, repeats allowed).
 */
export function gatherRows(t: Tensor, idx: ArrayLike<number>): Tensor {
  if (!(t instanceof Tensor) || t.ndim < 1) {
    throw new Error(`gatherRows: t must be a Tensor with at least one dimension, got ${t instanceof Tensor ? t.shapeString() : typeof t}`);
  }
  const n = t.shape[0];
  checkIndex("gatherRows", idx, n, t.shapeString());
  const row = n === 0 ? 0 : t.size / n;
  const out = allocate(idx.length * row, t.dtype);
  const src = t.data;
  if (row >= 16) {
    for (let i = 0; i < idx.length; i++) out.set(src.subarray(idx[i] * row, idx[i] * row + row), i * row);
  } else {
    for (let i = 0; i < idx.length; i++) {
      const from = idx[i] * row;
      for (let j = 0; j < row; j++) out[i * row + j] = src[from + j];
    }
  }
  return new Tensor(out, [idx.length, ...t.shape.slice(1)]);
}

/** labels [N], idx [B] → labels[idx] as a new Int32Array [B]. */
export function gatherLabels(labels: ArrayLike<number>, idx: ArrayLike<number>): Int32Array {
  checkIndex("gatherLabels", idx, labels.length, `labels [${labels.length}]`);
  const out = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = labels[idx[i]];
  return out;
}

export interface Split<Y> {
  train: { x: Tensor; y: Y };
  val: { x: Tensor; y: Y };
}

/**
 * Split x [N, ...] and y ([N] labels or a [N, ...] tensor) into training and validation parts.
 * `val` is a count (≥ 1) or a fraction of N (< 1). With `seed` the rows are shuffled first;
 * without it the last `val` rows become the validation set (as is usual for MNIST: the last 5,000).
 * Returns { train: { x [N−V, ...], y }, val: { x [V, ...], y } }; inputs are not changed.
 */
export function splitTrainVal<Y extends Int32Array | Tensor>(
  x: Tensor,
  y: Y,
  opts: { val: number; seed?: number },
): Split<Y> {
  const n = x instanceof Tensor && x.ndim >= 1 ? x.shape[0] : -1;
  if (n < 0) throw new Error("splitTrainVal: x must be a Tensor [N, ...]");
  const ny = y instanceof Tensor ? y.shape[0] : y.length;
  if (ny !== n) {
    const ys = y instanceof Tensor ? y.shapeString() : `[${y.length}]`;
    throw new Error(`splitTrainVal: x ${x.shapeString()} and y ${ys} disagree on N`);
  }
  const v = opts.val < 1 ? Math.round(opts.val * n) : opts.val;
  if (!(Number.isInteger(v) && v >= 0 && v <= n)) {
    throw new Error(`splitTrainVal: val must be a fraction in [0, 1) or a count 1..${n}, got ${opts.val}`);
  }
  const order = opts.seed === undefined ? identity(n) : new Rng(opts.seed).permutation(n);
  const trainIdx = order.subarray(0, n - v);
  const valIdx = order.subarray(n - v);
  const pick = (idx: Int32Array): Y =>
    (y instanceof Tensor ? gatherRows(y, idx) : gatherLabels(y, idx)) as Y;
  return {
    train: { x: gatherRows(x, trainIdx), y: pick(trainIdx) },
    val: { x: gatherRows(x, valIdx), y: pick(valIdx) },
  };
}
