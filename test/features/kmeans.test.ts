import { describe, expect, it } from "vitest";
import { kmeans, nearestCentroid, squaredDistances, triangleEncode } from "../../src/features/kmeans.js";
import { Rng } from "../../src/random.js";
import { Tensor, tensor } from "../../src/tensor.js";

/** Three tight blobs of 30 points around (0, 0), (10, 0) and (0, 10). */
function blobs(seed: number): { x: Tensor; label: Int32Array } {
  const centres = [[0, 0], [10, 0], [0, 10]];
  const rng = new Rng(seed);
  const x = new Float64Array(90 * 2);
  const label = new Int32Array(90);
  for (let n = 0; n < 90; n++) {
    const c = n % 3;
    label[n] = c;
    x[2 * n] = centres[c][0] + 0.3 * rng.normal();
    x[2 * n + 1] = centres[c][1] + 0.3 * rng.normal();
  }
  return { x: new Tensor(x, [90, 2]), label };
}

describe("squaredDistances / nearestCentroid", () => {
  it("matches distances computed by hand", () => {
    const x = tensor([[0, 0], [3, 4]]);
    const c = tensor([[0, 0], [3, 0], [6, 8]]);
    expect(Array.from(squaredDistances(x, c).data)).toEqual([0, 9, 100, 25, 16, 25]);
    expect(Array.from(nearestCentroid(x, c))).toEqual([0, 1]);
  });

  it("names the function and both shapes when D differs", () => {
    expect(() => squaredDistances(tensor([[1, 2]]), tensor([[1, 2, 3]]))).toThrow(/squaredDistances: x \[1, 2\] and centroids \[1, 3\] disagree on D/);
  });
});

describe("kmeans", () => {
  it("finds three well separated blobs: each cluster is one blob, centroids at the blob means", () => {
    const { x, label } = blobs(1);
    const { centroids, assignments, inertia } = kmeans(x, 3, { iterations: 20, seed: 5 });
    // the clustering equals the true grouping up to renaming
    const map = new Map<number, number>();
    for (let n = 0; n < 90; n++) {
      if (!map.has(label[n])) map.set(label[n], assignments[n]);
      expect(assignments[n]).toBe(map.get(label[n]));
    }
    expect(new Set(map.values()).size).toBe(3);
    for (const [blob, cluster] of map) {
      let mx = 0, my = 0;
      for (let n = blob; n < 90; n += 3) { mx += x.data[2 * n]; my += x.data[2 * n + 1]; }
      expect(centroids.data[2 * cluster]).toBeCloseTo(mx / 30, 10);
      expect(centroids.data[2 * cluster + 1]).toBeCloseTo(my / 30, 10);
    }
    for (let i = 1; i < inertia.length; i++) expect(inertia[i]).toBeLessThanOrEqual(inertia[i - 1] + 1e-12);
    expect(inertia.at(-1)!).toBeLessThan(0.3);
  });

  it("is reproducible with a seed", () => {
    const { x } = blobs(2);
    expect(Array.from(kmeans(x, 5, { seed: 9 }).centroids.data)).toEqual(Array.from(kmeans(x, 5, { seed: 9 }).centroids.data));
  });

  it("one cluster per point when k = N; refuses k > N", () => {
    const x = tensor([[0], [1], [5]]);
    const { inertia } = kmeans(x, 3);
    expect(inertia.at(-1)).toBe(0);
    expect(() => kmeans(x, 4)).toThrow(/kmeans: k must be a whole number from 1 to N = 3/);
  });
});

describe("triangleEncode", () => {
  it("f_k = max(0, mean(z) − z_k) with z the distances, by hand", () => {
    // distances of (0, 0) to (3, 4), (0, 1), (0, 7): 5, 1, 7 → mean 13/3
    const f = triangleEncode(tensor([[0, 0]]), tensor([[3, 4], [0, 1], [0, 7]]));
    expect(f.shape).toEqual([1, 3]);
    expect(f.data[0]).toBe(0);
    expect(f.data[1]).toBeCloseTo(13 / 3 - 1, 12);
    expect(f.data[2]).toBe(0);
  });
});

describe("float32 fast path", () => {
  it("squaredDistances and triangleEncode agree with the float64 loops", () => {
    const rng = new Rng(11);
    const x = new Tensor(Float64Array.from({ length: 300 * 36 }, () => rng.normal()), [300, 36]);
    const c = new Tensor(Float64Array.from({ length: 20 * 36 }, () => rng.normal()), [20, 36]);
    const exact = squaredDistances(x, c).data;
    const fast = squaredDistances(x.astype("float32"), c).data;
    // float32 products of 36 terms of size ~1 on distances of size ~72: 1e-4 relative is ample
    for (let i = 0; i < exact.length; i++) expect(Math.abs(fast[i] - exact[i])).toBeLessThan(1e-4 * exact[i] + 1e-4);
    const te = triangleEncode(x, c).data, tf = triangleEncode(x.astype("float32"), c).data;
    for (let i = 0; i < te.length; i++) expect(Math.abs(tf[i] - te[i])).toBeLessThan(1e-4);
  });
});
