import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CIFAR10_CLASSES, cifar10FromBytes } from "../../src/data/cifar10.js";
import { loadCifar10 } from "../../src/data/files.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir("cifar");
afterAll(tmp.cleanup);

/** The byte the test writes for record `id`, channel c, row y, column x. */
const pixel = (id: number, c: number, y: number, x: number): number => (id * 37 + c * 50 + y * 3 + x) % 256;

/** A batch file of records with the given ids and labels. */
function batch(records: { id: number; label: number }[]): Uint8Array {
  const out = new Uint8Array(records.length * 3073);
  records.forEach(({ id, label }, r) => {
    const at = r * 3073;
    out[at] = label;
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) out[at + 1 + c * 1024 + y * 32 + x] = pixel(id, c, y, x);
    }
  });
  return out;
}

function folder(name: string): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Five training batches with 2, 1, 1, 1, 1 records (ids 0..5, labels 9 − id) and a test batch of 3. */
function writeAll(dir: string): void {
  const sizes = [2, 1, 1, 1, 1];
  let id = 0;
  sizes.forEach((k, b) => {
    const recs = Array.from({ length: k }, () => ({ id, label: 9 - id++ }));
    writeFileSync(join(dir, `data_batch_${b + 1}.bin`), batch(recs));
  });
  writeFileSync(join(dir, "test_batch.bin"), batch([{ id: 100, label: 3 }, { id: 101, label: 0 }, { id: 102, label: 7 }]));
}

const okDir = folder("ok");
writeAll(okDir);

describe("loadCifar10", () => {
  it("reads a written test batch: labels, channel-major pixels scaled to [0,1], class names", () => {
    const set = loadCifar10({ dir: okDir, split: "test", dtype: "float64" });
    expect(set.count).toBe(3);
    expect(set.images.shape).toEqual([3, 3, 32, 32]);
    expect(Array.from(set.labels)).toEqual([3, 0, 7]);
    expect(set.classNames[3]).toBe("cat");
    expect(CIFAR10_CLASSES).toHaveLength(10);
    const d = set.images.data;
    for (const [n, c, y, x] of [[0, 0, 0, 0], [1, 2, 31, 31], [2, 1, 5, 17], [0, 2, 10, 3]]) {
      expect(d[((n * 3 + c) * 32 + y) * 32 + x]).toBe(pixel(100 + n, c, y, x) / 255);
    }
  });

  it("concatenates data_batch_1..5 in order for 'train' and honours limit", () => {
    const dir = okDir;
    const train = loadCifar10({ dir });
    expect(train.count).toBe(6);
    expect(train.images.dtype).toBe("float32");
    expect(Array.from(train.labels)).toEqual([9, 8, 7, 6, 5, 4]);
    expect(train.images.data[5 * 3072 + 1024 + 40]).toBeCloseTo(pixel(5, 1, 1, 8) / 255, 6);
    const three = loadCifar10({ dir, limit: 3, dtype: "float64" });
    expect(three.images.shape).toEqual([3, 3, 32, 32]);
    expect(Array.from(three.labels)).toEqual([9, 8, 7]);
    expect(three.images.data[2 * 3072]).toBe(pixel(2, 0, 0, 0) / 255);
  });

  it("also finds the files in a cifar-10-batches-bin subfolder", () => {
    const parent = folder("parent");
    writeAll(folder("parent/cifar-10-batches-bin"));
    expect(loadCifar10({ dir: parent, split: "test" }).count).toBe(3);
  });

  it("explains a missing folder, missing files, wrong sizes and bad labels", () => {
    expect(() => loadCifar10({ dir: join(tmp.dir, "absent") })).toThrow(/the folder .*absent does not exist\. Download the CIFAR-10 binary version/);
    const part = folder("part");
    writeFileSync(join(part, "data_batch_1.bin"), batch([{ id: 1, label: 1 }]));
    expect(() => loadCifar10({ dir: part })).toThrow(/part lacks data_batch_2\.bin, data_batch_3\.bin, data_batch_4\.bin, data_batch_5\.bin/);
    const odd = folder("odd");
    writeFileSync(join(odd, "test_batch.bin"), new Uint8Array(3073 * 2 + 5));
    expect(() => loadCifar10({ dir: odd, split: "test" })).toThrow(/test_batch\.bin has 6151 bytes, not a positive multiple of the record size 3073/);
    writeFileSync(join(odd, "test_batch.bin"), new Uint8Array(3074 * 2));
    expect(() => loadCifar10({ dir: odd, split: "test" })).toThrow(/CIFAR-100/);
    writeFileSync(join(odd, "test_batch.bin"), batch([{ id: 0, label: 1 }, { id: 1, label: 12 }]));
    expect(() => loadCifar10({ dir: odd, split: "test" })).toThrow(/test_batch\.bin record 1 has label byte 12/);
    expect(() => loadCifar10({ dir: "" })).toThrow(/\{ dir \} is required/);
  });

  it("cifar10FromBytes decodes batches held in memory like loadCifar10 reads them", () => {
    const set = cifar10FromBytes([batch([{ id: 7, label: 2 }]), batch([{ id: 8, label: 5 }, { id: 9, label: 1 }])], { limit: 2, dtype: "float64" });
    expect(Array.from(set.labels)).toEqual([2, 5]);
    expect(set.images.data[3072 + 2 * 1024 + 33]).toBe(pixel(8, 2, 1, 1) / 255);
    expect(() => cifar10FromBytes([new Uint8Array(10)])).toThrow("CIFAR-10: batch 1 has 10 bytes, not a positive multiple of the record size 3073");
  });
});
