import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { defaultMnistDir, readIdx } from "../../src/data/files.js";
import { isGzip, parseIdx } from "../../src/data/idx.js";
import { idxBytes, tempDir } from "./helpers.js";

const tmp = tempDir("idx");
afterAll(tmp.cleanup);

function write(name: string, bytes: Uint8Array): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe("IDX parser", () => {
  it("reads the real MNIST label files: counts 60000/10000, first labels 5 and 7", () => {
    const dir = defaultMnistDir();
    const train = readIdx(join(dir, "train-labels-idx1-ubyte"), { rank: 1 });
    const test = readIdx(join(dir, "t10k-labels-idx1-ubyte"), { rank: 1 });
    expect(train.dims).toEqual([60000]);
    expect(test.dims).toEqual([10000]);
    expect(train.data[0]).toBe(5);
    expect(test.data[0]).toBe(7);
    const images = readIdx(join(dir, "t10k-images-idx3-ubyte"), { rank: 3, innerDims: [28, 28] });
    expect(images.dims).toEqual([10000, 28, 28]);
    expect(images.data.length).toBe(7840000);
  });

  it("parses a hand-built 2×2×3 file row-major", () => {
    const values = [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255];
    const { dims, data } = parseIdx(idxBytes([2, 2, 3], values), "hand.idx", { rank: 3 });
    expect(dims).toEqual([2, 2, 3]);
    expect(Array.from(data)).toEqual(values);
  });

  it("names the file and the sizes when it is truncated or too long", () => {
    const short = write("short-idx3-ubyte", idxBytes([2, 2, 3], [1, 2, 3, 4, 5]));
    expect(() => readIdx(short, { label: "MNIST", unit: "pixels" })).toThrow(
      `MNIST: ${short} is truncated: header says 2×2×3 = 12 bytes of pixels but the file has 5 after its 16-byte header`,
    );
    const long = write("long-idx1-ubyte", idxBytes([3], [1, 2, 3, 4]));
    expect(() => readIdx(long)).toThrow(/long-idx1-ubyte is too long: header says 3 = 3 bytes of values but the file has 4/);
    const cut = write("cut-header", idxBytes([60000, 28, 28], []).subarray(0, 10));
    expect(() => readIdx(cut)).toThrow(/cut-header is truncated: its header needs 16 bytes for 3 dimension\(s\) but the file has 10/);
  });

  it("rejects foreign files, other dtypes and the wrong number of dimensions", () => {
    const png = write("image.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(() => readIdx(png, { rank: 3 })).toThrow(/image\.png is not an IDX file: magic number 0x89504e47 \(expected 0x00000803\)/);
    const html = write("page.html", new TextEncoder().encode("<!DOCTYPE html><html>"));
    expect(() => readIdx(html)).toThrow(/HTML page/);
    const floats = write("floats", idxBytes([1], [0, 0, 0, 0], 0x0d));
    expect(() => readIdx(floats)).toThrow(/dtype byte 0x0d \(float32\); only 0x08 \(unsigned byte\)/);
    const labels = write("labels", idxBytes([2], [1, 2]));
    expect(() => readIdx(labels, { rank: 3 })).toThrow(/magic number 0x00000801 \(expected 0x00000803\): 1 dimension\(s\) instead of 3/);
    const wide = write("wide", idxBytes([1, 2, 3], [0, 0, 0, 0, 0, 0]));
    expect(() => readIdx(wide, { innerDims: [28, 28] })).toThrow(/has dimensions 1×2×3, expected N×28×28/);
    expect(() => readIdx(join(tmp.dir, "nothing-here"), { label: "MNIST" })).toThrow(/MNIST: .*nothing-here does not exist/);
    expect(() => parseIdx(new Uint8Array([0, 0]), "tiny")).toThrow(/tiny is too short/);
  });

  it("reads gzipped files and reports a broken gzip stream", () => {
    const values = [9, 8, 7, 6, 5, 4];
    const gz = gzipSync(idxBytes([2, 3], values));
    expect(isGzip(gz)).toBe(true);
    const path = write("two-idx2-ubyte.gz", gz);
    const parsed = readIdx(path, { rank: 2 });
    expect(parsed.dims).toEqual([2, 3]);
    expect(Array.from(parsed.data)).toEqual(values);
    const broken = write("broken.gz", gz.subarray(0, gz.length - 12));
    expect(() => readIdx(broken)).toThrow(/broken\.gz looks gzipped \(starts with 1f 8b\) but does not decompress/);
  });
});
