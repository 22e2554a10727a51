import { describe, expect, it } from "vitest";
import { gatherLabels, gatherRows, orderedBatches, shuffledBatches, splitTrainVal } from "../../src/data/batches.js";
import { Rng } from "../../src/random.js";
import { randn, tensor } from "../../src/tensor.js";

/** Reference: rows of t picked one value at a time through nested arrays. */
function gatherReference(t: ReturnType<typeof randn>, idx: number[]): unknown {
  const rows = t.toArray() as unknown[];
  return idx.map((i) => rows[i]);
}

describe("mini-batches", () => {
  it("shuffledBatches covers every index once per epoch, in batches of batchSize and a shorter last one", () => {
    const batches = [...shuffledBatches(10, 4, new Rng(1))];
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    const all = batches.flatMap((b) => Array.from(b));
    expect([...all].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(all).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const again = [...shuffledBatches(10, 4, new Rng(1))].flatMap((b) => Array.from(b));
    expect(again).toEqual(all);
    expect([...shuffledBatches(10, 4, new Rng(1), { dropLast: true })].map((b) => b.length)).toEqual([4, 4]);
    expect([...orderedBatches(5, 2)].map((b) => Array.from(b))).toEqual([[0, 1], [2, 3], [4]]);
    expect([...shuffledBatches(0, 3, new Rng(0))]).toEqual([]);
    expect(() => shuffledBatches(10, 0, new Rng(0))).toThrow(/batchSize must be a whole number ≥ 1, got 0/);
  });

  it("gatherRows matches a reference for rank 1, 2 (narrow rows) and 4 (wide rows), keeping dtype", () => {
    const idx = [3, 0, 3, 4];
    for (const shape of [[5], [5, 2], [5, 3, 4, 2]]) {
      for (const dtype of ["float32", "float64"] as const) {
        const t = randn(shape, { seed: 7, dtype });
        const g = gatherRows(t, idx);
        expect(g.shape).toEqual([4, ...shape.slice(1)]);
        expect(g.dtype).toBe(dtype);
        expect(g.toArray()).toEqual(gatherReference(t, idx));
      }
    }
    const t = tensor([[1, 2], [3, 4], [5, 6]]);
    const g = gatherRows(t, new Int32Array([2, 0]));
    expect(g.toArray()).toEqual([[5, 6], [1, 2]]);
    g.data[0] = 99;
    expect(t.data[4]).toBe(5);
    expect(gatherRows(t, []).shape).toEqual([0, 2]);
    expect(() => gatherRows(t, [0, 3])).toThrow(/gatherRows: index 3 at position 1 is out of range for \[3, 2\] \(rows 0\.\.2\)/);
    expect(() => gatherRows(t, [1.5])).toThrow(/index 1\.5/);
  });

  it("gatherLabels picks labels by index", () => {
    expect(Array.from(gatherLabels(new Int32Array([7, 8, 9]), [2, 2, 0]))).toEqual([9, 9, 7]);
    expect(() => gatherLabels([1, 2], [2])).toThrow(/index 2 .* labels \[2\]/);
  });

  it("splitTrainVal: last rows without a seed; a seeded shuffle that keeps every row exactly once", () => {
    const x = tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => [i, 10 * i]));
    const y = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const plain = splitTrainVal(x, y, { val: 3 });
    expect(plain.train.x.shape).toEqual([7, 2]);
    expect(Array.from(plain.val.y)).toEqual([7, 8, 9]);
    expect(plain.val.x.toArray()).toEqual([[7, 70], [8, 80], [9, 90]]);
    const shuffled = splitTrainVal(x, y, { val: 0.2, seed: 3 });
    expect(shuffled.val.x.shape).toEqual([2, 2]);
    const ids = [...Array.from(shuffled.train.y), ...Array.from(shuffled.val.y)];
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from(y));
    for (let i = 0; i < 8; i++) expect(shuffled.train.x.data[2 * i]).toBe(shuffled.train.y[i]);
    const asTensor = splitTrainVal(x, x, { val: 1 });
    expect(asTensor.val.y.toArray()).toEqual([[9, 90]]);
    expect(() => splitTrainVal(x, y.subarray(0, 9), { val: 1 })).toThrow(/x \[10, 2\] and y \[9\] disagree on N/);
    expect(() => splitTrainVal(x, y, { val: 11 })).toThrow(/val must be a fraction in \[0, 1\) or a count 1\.\.10, got 11/);
  });
});
