/**
 * "nnkit/node" in the page: `loadMnist` with the notebook's options, reading the MNIST files that
 * the course site carries (gzipped IDX files under data/, listed in data/mnist.json) instead of the
 * file system. A request for N training images reads the smallest file holding at least N. The
 * worker reads synchronously (a worker may), so the notebook's code stays as it is.
 */
import { gunzipSync } from "fflate";
import type { Cifar10Options, MnistOptions } from "../data/files.js";
import { isGzip, parseIdx, type IdxArray } from "../data/idx.js";
import { checkLimit, decodeMnist, MNIST_FILES, MNIST_IMAGES_IDX, MNIST_LABELS_IDX, type MnistSet } from "../data/mnist.js";
import type { SiteData } from "./site-data.js";

export type { MnistOptions, Cifar10Options };

let base = "";
let manifest: SiteData | undefined;
const parsed = new Map<string, IdxArray>();

/** The site's root URL (ends with "/"), where data/ lies. */
export function setDataBase(url: string): void {
  base = url;
  manifest = undefined;
  parsed.clear();
}

function getBytes(path: string): Uint8Array {
  const url = new URL(path, base).href;
  const request = new XMLHttpRequest();
  request.open("GET", url, false);
  request.responseType = "arraybuffer";
  try {
    request.send();
  } catch (e) {
    throw new Error(`loadMnist: ${url} could not be read (${(e as Error).message})`);
  }
  if (request.status !== 200) throw new Error(`loadMnist: ${url} could not be read (HTTP ${request.status}); was the site built with its data?`);
  return new Uint8Array(request.response as ArrayBuffer);
}

function siteData(): SiteData {
  manifest ??= JSON.parse(new TextDecoder().decode(getBytes("data/mnist.json"))) as SiteData;
  return manifest;
}

function idx(path: string, expect: typeof MNIST_IMAGES_IDX | typeof MNIST_LABELS_IDX): IdxArray {
  let a = parsed.get(path);
  if (!a) {
    const raw = getBytes(`data/${path}`);
    a = parseIdx(isGzip(raw) ? gunzipSync(raw) : raw, path, expect);
    parsed.set(path, a);
  }
  return a;
}

/**
 * Load an MNIST split from the course site's files (`dir` has no meaning in the page).
 * Returns images [N, 1, 28, 28] (or [N, 784] with `flatten`) scaled to [0, 1] and labels [N].
 */
export function loadMnist(opts: MnistOptions = {}): MnistSet {
  const split = opts.split ?? "train";
  if (MNIST_FILES[split] === undefined) throw new Error(`loadMnist: split must be 'train' or 'test', got '${split}'`);
  checkLimit("loadMnist", opts.limit);
  if (opts.dir !== undefined) throw new Error("loadMnist: { dir } reads a folder, which a web page cannot; the page reads MNIST from the course site");
  const files = siteData().mnist.filter((f) => f.split === split).sort((a, b) => a.count - b.count);
  const wanted = opts.limit ?? Infinity;
  const file = files.find((f) => f.count >= wanted) ?? files[files.length - 1];
  if (!file) throw new Error(`loadMnist: the course site carries no MNIST ${split} images`);
  return decodeMnist(
    "loadMnist",
    { idx: idx(file.images, MNIST_IMAGES_IDX), source: file.images },
    { idx: idx(file.labels, MNIST_LABELS_IDX), source: file.labels },
    opts,
  );
}

/** CIFAR-10 is not on the course site (no package ships it): always an Error saying so. */
export function loadCifar10(opts: Cifar10Options): never {
  void opts;
  throw new Error("loadCifar10: the course site does not carry CIFAR-10; run this notebook in Jupyter with the CIFAR-10 files");
}
