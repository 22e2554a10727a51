/**
 * How much `nnkit train` does by default, what it says before the long work, and the test pass with
 * a progress line. In the student kit the models run on the student's own loops (no fast paths), so
 * the defaults are smaller there: LeNet-5 trains on 1,000 images and is tested on 500, the MLP on
 * 10,000 and 2,000 — a couple of minutes on the reference loops — unless --limit / --test-limit ask
 * for more. Elsewhere the whole sets are used.
 */
import type { Sequential } from "../models/sequential.js";
import { evaluate } from "../models/train.js";
import { Tensor } from "../tensor.js";
import type { ProgressLine } from "./progress.js";

/** The sizes of a run: training images (undefined: all 60,000) and test images (undefined: all 10,000). */
export interface RunSizes {
  limit?: number;
  testLimit?: number;
}

/** The sizes of a run of the MLP (`isMlp`) or LeNet-5, from the options given; smaller defaults on the student's loops. */
export function runSizes(isMlp: boolean, given: RunSizes, studentLoops: boolean): RunSizes {
  if (!studentLoops) return given;
  return { limit: given.limit ?? (isMlp ? 10_000 : 1_000), testLimit: given.testLimit ?? (isMlp ? 2_000 : 500) };
}

/** "95 s", "3 min 20 s". */
export function duration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  return s < 120 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/**
 * The estimate printed once the first steps were timed: training `trainImages` image-passes at
 * `imagesPerSecond`, and testing `testImages` (a forward pass only: about three times as fast).
 */
export function estimateLine(trainImages: number, testImages: number, imagesPerSecond: number): string {
  const train = trainImages / imagesPerSecond;
  const test = testImages / (3 * imagesPerSecond);
  return `about ${duration(train + test)} in all at this speed: training ${duration(train)}, testing ${duration(test)} on ${testImages.toLocaleString("en-US")} images (--limit and --test-limit change the sizes)`;
}

/** Rows [start, end) of t [N, …] as a tensor sharing t's data. */
function rows(t: Tensor, start: number, end: number): Tensor {
  const per = t.size / t.shape[0];
  return new Tensor(t.data.subarray(start * per, end * per), [end - start, ...t.shape.slice(1)]);
}

/** Accuracy of `model` on x [N, …] with labels y [N], `chunk` images at a time, each chunk shown on `progress`. */
export function evaluateWithProgress(model: Sequential, x: Tensor, y: Int32Array, progress: ProgressLine, chunk = 250): number {
  const n = x.shape[0];
  const started = Date.now();
  let right = 0;
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    right += Math.round(evaluate(model, rows(x, start, end), y.subarray(start, end), 64) * (end - start));
    const elapsed = (Date.now() - started) / 1000;
    const left = (elapsed / end) * (n - end);
    progress.update(`testing ${end.toLocaleString("en-US")}/${n.toLocaleString("en-US")} images  ${elapsed.toFixed(0)} s${end < n ? `, about ${duration(left)} left` : ""}`);
  }
  progress.done(`tested ${n.toLocaleString("en-US")} images in ${duration((Date.now() - started) / 1000)}`);
  return n ? right / n : 0;
}
