/**
 * k-means clustering (Lloyd's algorithm) and the "triangle" encoding of Coates, Lee & Ng (2011),
 * which turns the learned centroids into a feature extractor:
 *
 *   assign   each row xₙ to its nearest centroid  argminₖ ‖xₙ − cₖ‖²
 *   update   each centroid to the mean of its rows (an empty cluster takes the row farthest from its centroid)
 *   encode   zₖ = ‖x − cₖ‖,  fₖ(x) = max(0, mean(z) − zₖ)   (k-means "triangle")
 *
 * Distances are computed as ‖x‖² − 2·x·c + ‖c‖²: in float64 loops, or with the fast float32
 * matrix product when x is float32 (e.g. the features of many image patches).
 */
import { matmul } from "../engine/gemm.js";
import { Rng } from "../random.js";
import { Tensor } from "../tensor.js";
import { checkRank } from "../shapes.js";

export interface KMeansResult {
  /** The K centroids [K, D] (float64). */
  centroids: Tensor;
  /** Index of the nearest centroid for every row [N]. */
  assignments: Int32Array;
  /** Mean squared distance of the rows to their centroids after each iteration. */
  inertia: number[];
}

function checkPair(fn: string, x: Tensor, c: Tensor): void {
  checkRank(fn, "x", x, ["N", "D"]);
  checkRank(fn, "centroids", c, ["K", "D"]);
  if (x.shape[1] !== c.shape[1]) {
    throw new Error(`${fn}: x ${x.shapeString()} and centroids ${c.shapeString()} disagree on D`);
  }
}

/** The dot products x·cₖ [N, K]: plain float64 loops, or the fast GEMM when x is float32. */
function dotProducts(x: Tensor, c: Tensor): Float32Array | Float64Array {
  const [N, D] = x.shape;
  const K = c.shape[0];
  if (x.dtype === "float32") {
    const ct = new Float32Array(D * K);
    for (let k = 0; k < K; k++) for (let d = 0; d < D; d++) ct[d * K + k] = c.data[k * D + d];
    return matmul(x, new Tensor(ct, [D, K])).data;
  }
  const out = new Float64Array(N * K);
  const xd = x.data, cd = c.data;
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      let dot = 0;
      for (let d = 0; d < D; d++) dot += xd[n * D + d] * cd[k * D + d];
      out[n * K + k] = dot;
    }
  }
  return out;
}

/**
 * Squared distances of every row of x [N, D] to every centroid c [K, D] → [N, K] (float64),
 * clipped at 0 (rounding can make ‖x‖² − 2x·c + ‖c‖² slightly negative). A float32 x takes the
 * fast matrix product (float32 precision); float64 is computed in plain loops.
 */
export function squaredDistances(x: Tensor, c: Tensor): Tensor {
  checkPair("squaredDistances", x, c);
  const [N, D] = x.shape;
  const K = c.shape[0];
  const cn = rowNorms(c.data, K, D);
  const xn = rowNorms(x.data, N, D);
  const dots = dotProducts(x, c);
  const out = new Float64Array(N * K);
  for (let n = 0; n < N; n++) {
    const o = n * K;
    const xv = xn[n];
    for (let k = 0; k < K; k++) {
      const v = xv - 2 * dots[o + k] + cn[k];
      out[o + k] = v > 0 ? v : 0;
    }
  }
  return new Tensor(out, [N, K]);
}

/** ‖row‖² of each of the `rows` rows of length D in data. */
function rowNorms(data: Float32Array | Float64Array, rows: number, D: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const o = r * D;
    for (let d = 0; d < D; d++) s += data[o + d] * data[o + d];
    out[r] = s;
  }
  return out;
}

/** Index of the nearest centroid c [K, D] for every row of x [N, D] → [N]. */
export function nearestCentroid(x: Tensor, c: Tensor): Int32Array {
  const dist = squaredDistances(x, c);
  const [N, K] = dist.shape;
  const out = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (dist.data[n * K + k] < dist.data[n * K + best]) best = k;
    out[n] = best;
  }
  return out;
}

/**
 * Cluster the rows of x [N, D] into k groups. Starts from k distinct rows picked at random (seeded),
 * then alternates assignment and update for `iterations` rounds (default 10) or until no row moves.
 * Returns centroids [k, D], assignments [N] and the inertia after each round.
 */
export function kmeans(x: Tensor, k: number, opts: { iterations?: number; seed?: number } = {}): KMeansResult {
  checkRank("kmeans", "x", x, ["N", "D"]);
  const [N, D] = x.shape;
  if (!Number.isInteger(k) || k < 1 || k > N) {
    throw new Error(`kmeans: k must be a whole number from 1 to N = ${N} (the rows of x ${x.shapeString()}), got ${k}`);
  }
  const iterations = opts.iterations ?? 10;
  const rng = new Rng(opts.seed ?? 0);
  const start = rng.permutation(N).subarray(0, k);
  const c = new Float64Array(k * D);
  start.forEach((r, i) => {
    for (let d = 0; d < D; d++) c[i * D + d] = x.data[r * D + d];
  });
  let centroids = new Tensor(c, [k, D]);
  let assignments = new Int32Array(N).fill(-1);
  const inertia: number[] = [];
  for (let it = 0; it < iterations; it++) {
    const dist = squaredDistances(x, centroids);
    const next = new Int32Array(N);
    let total = 0;
    let moved = 0;
    for (let n = 0; n < N; n++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (dist.data[n * k + j] < dist.data[n * k + best]) best = j;
      next[n] = best;
      total += dist.data[n * k + best];
      if (best !== assignments[n]) moved++;
    }
    assignments = next;
    inertia.push(total / N);
    if (moved === 0) break;
    const sums = new Float64Array(k * D);
    const counts = new Int32Array(k);
    for (let n = 0; n < N; n++) {
      const j = assignments[n];
      counts[j]++;
      for (let d = 0; d < D; d++) sums[j * D + d] += x.data[n * D + d];
    }
    // An empty cluster restarts at the row that its centroid explains worst.
    const taken = new Set<number>();
    for (let j = 0; j < k; j++) {
      if (counts[j] > 0) {
        for (let d = 0; d < D; d++) sums[j * D + d] /= counts[j];
        continue;
      }
      let far = -1;
      for (let n = 0; n < N; n++) {
        if (taken.has(n)) continue;
        if (far < 0 || dist.data[n * k + assignments[n]] > dist.data[far * k + assignments[far]]) far = n;
      }
      taken.add(far);
      for (let d = 0; d < D; d++) sums[j * D + d] = x.data[far * D + d];
    }
    centroids = new Tensor(sums, [k, D]);
  }
  return { centroids, assignments, inertia };
}

/**
 * The k-means "triangle" features of Coates et al.: for every row x of x [N, D] and centroids
 * c [K, D], zₖ = ‖x − cₖ‖ and fₖ = max(0, mean(z) − zₖ) → [N, K] (float64). Only centroids
 * closer than average respond; the others give 0.
 */
export function triangleEncode(x: Tensor, c: Tensor): Tensor {
  checkPair("triangleEncode", x, c);
  const dist = squaredDistances(x, c);
  const [N, K] = dist.shape;
  const f = dist.data;
  for (let n = 0; n < N; n++) {
    const o = n * K;
    let mean = 0;
    for (let k = 0; k < K; k++) {
      const z = Math.sqrt(f[o + k]);
      f[o + k] = z;
      mean += z;
    }
    mean /= K;
    for (let k = 0; k < K; k++) {
      const v = mean - f[o + k];
      f[o + k] = v > 0 ? v : 0;
    }
  }
  return dist;
}
