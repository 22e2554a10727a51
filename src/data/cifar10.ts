/**
 * CIFAR-10 from its binary batches (the "binary version" archive, folder cifar-10-batches-bin):
 * data_batch_1.bin … data_batch_5.bin (training, 10,000 images each) and test_batch.bin.
 * Each record is 1 label byte then 3072 pixel bytes: the 32×32 red plane, then green, then blue,
 * each row-major. nnkit never downloads it: the user points `dir` at files they already have.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Tensor, allocate, type DType } from "../tensor.js";

export const CIFAR10_CLASSES: readonly string[] = [
  "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
];

/** Bytes per record: 1 label + 3 × 32 × 32 pixels. */
export const CIFAR10_RECORD_BYTES = 3073;
const PIXELS = 3072;

export interface Cifar10Options {
  /** Folder with the .bin files (or its parent holding cifar-10-batches-bin/). */
  dir: string;
  /** 'train' (data_batch_1..5, 50,000 images) or 'test' (test_batch.bin, 10,000); default 'train'. */
  split?: "train" | "test";
  /** Keep only the first `limit` images (default all). */
  limit?: number;
  /** dtype of the images; default 'float32'. */
  dtype?: DType;
}

export interface Cifar10Set {
  /** [N, 3, 32, 32], channels R, G, B, values in [0, 1]. */
  images: Tensor;
  /** [N] class indices 0–9 into classNames. */
  labels: Int32Array;
  classNames: readonly string[];
  count: number;
}

const HOW_TO_GET =
  "Download the CIFAR-10 binary version (cifar-10-binary.tar.gz) yourself, unpack it, and pass " +
  "{ dir } = the cifar-10-batches-bin folder.";

function batchFiles(split: "train" | "test"): string[] {
  return split === "train" ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ["test_batch.bin"];
}

/** The folder that holds the batch files: `dir` itself or `dir/cifar-10-batches-bin`. */
function resolveDir(dir: string, files: string[]): string {
  if (typeof dir !== "string" || dir === "") throw new Error(`loadCifar10: { dir } is required. ${HOW_TO_GET}`);
  if (!existsSync(dir)) throw new Error(`loadCifar10: the folder ${dir} does not exist. ${HOW_TO_GET}`);
  const nested = join(dir, "cifar-10-batches-bin");
  if (!existsSync(join(dir, files[0])) && existsSync(join(nested, files[0]))) return nested;
  const missing = files.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) throw new Error(`loadCifar10: ${dir} lacks ${missing.join(", ")}. ${HOW_TO_GET}`);
  return dir;
}

/** Number of records in `path`; throws when its size is not a positive multiple of 3073. */
function recordCount(path: string): number {
  const size = statSync(path).size;
  if (size === 0 || size % CIFAR10_RECORD_BYTES !== 0) {
    const hint = size > 0 && size % 3074 === 0 ? " (a multiple of 3074: is it the CIFAR-100 binary, with 2 label bytes?)" : "";
    throw new Error(`CIFAR-10: ${path} has ${size} bytes, not a positive multiple of the record size ` +
      `${CIFAR10_RECORD_BYTES} (1 label + 3072 pixels)${hint}; the file is truncated or not a CIFAR-10 batch`);
  }
  return size / CIFAR10_RECORD_BYTES;
}

/**
 * Load a CIFAR-10 split from binary batches in `dir`.
 * Returns images [N, 3, 32, 32] scaled to [0, 1], labels [N] (0–9), and the class names.
 */
export function loadCifar10(opts: Cifar10Options): Cifar10Set {
  if (opts === undefined || opts === null) throw new Error(`loadCifar10: { dir } is required. ${HOW_TO_GET}`);
  const split = opts.split ?? "train";
  if (split !== "train" && split !== "test") throw new Error(`loadCifar10: split must be 'train' or 'test', got '${split}'`);
  const limit = opts.limit;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
    throw new Error(`loadCifar10: limit must be a whole number ≥ 0, got ${limit}`);
  }
  const names = batchFiles(split);
  const dir = resolveDir(opts.dir, names);
  const paths = names.map((f) => join(dir, f));
  const counts = paths.map(recordCount);
  const total = counts.reduce((a, b) => a + b, 0);
  const n = Math.min(total, limit ?? Infinity);

  const dtype = opts.dtype ?? "float32";
  const table = allocate(256, dtype);
  for (let v = 0; v < 256; v++) table[v] = v / 255;
  const out = allocate(n * PIXELS, dtype);
  const labels = new Int32Array(n);
  let k = 0;
  for (let f = 0; f < paths.length && k < n; f++) {
    const bytes = readFileSync(paths[f]);
    for (let r = 0; r < counts[f] && k < n; r++, k++) {
      const at = r * CIFAR10_RECORD_BYTES;
      const label = bytes[at];
      if (label > 9) {
        throw new Error(`CIFAR-10: ${paths[f]} record ${r} has label byte ${label}; CIFAR-10 labels are 0–9`);
      }
      labels[k] = label;
      const o = k * PIXELS;
      for (let i = 0; i < PIXELS; i++) out[o + i] = table[bytes[at + 1 + i]];
    }
  }
  return { images: new Tensor(out, [n, 3, 32, 32]), labels, classNames: CIFAR10_CLASSES, count: n };
}
