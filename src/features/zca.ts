/**
 * ZCA whitening (as used by Coates, Lee & Ng 2011 before k-means): decorrelate the dimensions of
 * a set of vectors and give each unit variance, while staying as close as possible to the input.
 *
 *   μ = mean of the rows of x,  Σ = (x − μ)ᵀ(x − μ) / N = U·diag(λ)·Uᵀ
 *   W = U · diag(1 / √(λ + ε)) · Uᵀ,   whitened = (x − μ) · W
 *
 * ε keeps directions of tiny variance (noise) from being blown up. Because W is symmetric and
 * built from the same U as Σ, whitened patches still look like patches (edges stay edges),
 * unlike PCA whitening which rotates them into the eigenbasis.
 */
import { matmul } from "../engine/gemm.js";
import { Tensor } from "../tensor.js";
import { checkRank } from "../shapes.js";

/** Jacobi sweeps symmetricEigen makes at most (each roughly squares the off-diagonal error: a few dozen suffice). */
const MAX_SWEEPS = 100;

/** A fitted whitening: the mean [D] to subtract and the symmetric matrix W [D, D] to multiply by. */
export interface ZcaWhitening {
  mean: Tensor;
  matrix: Tensor;
  /** Eigenvalues of the covariance, largest first [D]. */
  eigenvalues: Tensor;
  eps: number;
}

/**
 * Eigen-decomposition of a symmetric matrix a [D, D] by cyclic Jacobi rotations.
 * Returns eigenvalues [D] (largest first) and the eigenvectors as the columns of vectors [D, D].
 */
export function symmetricEigen(a: Tensor): { values: Tensor; vectors: Tensor } {
  checkRank("symmetricEigen", "a", a, ["D", "D"]);
  const D = a.shape[0];
  if (a.shape[1] !== D) throw new Error(`symmetricEigen: a must be square [D, D], got ${a.shapeString()}`);
  const m = Float64Array.from(a.data);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < i; j++) {
      const d = Math.abs(m[i * D + j] - m[j * D + i]);
      if (d > 1e-8 * (Math.abs(m[i * D + j]) + Math.abs(m[j * D + i]) + 1e-300)) {
        throw new Error(`symmetricEigen: a is not symmetric (a[${i}][${j}] = ${m[i * D + j]} but a[${j}][${i}] = ${m[j * D + i]})`);
      }
    }
  }
  const v = new Float64Array(D * D);
  for (let i = 0; i < D; i++) v[i * D + i] = 1;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < D; i++) {
      diag += m[i * D + i] * m[i * D + i];
      for (let j = i + 1; j < D; j++) off += m[i * D + j] * m[i * D + j];
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < D; p++) {
      for (let q = p + 1; q < D; q++) {
        const apq = m[p * D + q];
        if (apq === 0) continue;
        // Rotation angle that zeroes m[p][q]: tan(2θ) = 2·apq / (aqq − app).
        const theta = (m[q * D + q] - m[p * D + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < D; k++) {
          // columns p and q of m, then rows p and q (m stays symmetric)
          const mkp = m[k * D + p], mkq = m[k * D + q];
          m[k * D + p] = c * mkp - s * mkq;
          m[k * D + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < D; k++) {
          const mpk = m[p * D + k], mqk = m[q * D + k];
          m[p * D + k] = c * mpk - s * mqk;
          m[q * D + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < D; k++) {
          const vkp = v[k * D + p], vkq = v[k * D + q];
          v[k * D + p] = c * vkp - s * vkq;
          v[k * D + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: D }, (_, i) => i).sort((i, j) => m[j * D + j] - m[i * D + i]);
  const values = new Float64Array(D);
  const vectors = new Float64Array(D * D);
  order.forEach((src, dst) => {
    values[dst] = m[src * D + src];
    for (let k = 0; k < D; k++) vectors[k * D + dst] = v[k * D + src];
  });
  return { values: new Tensor(values, [D]), vectors: new Tensor(vectors, [D, D]) };
}

/**
 * Fit ZCA whitening to the rows of x [N, D] (N ≥ 2); eps (default 0.01) is added to every
 * eigenvalue. Returns the mean [D], W [D, D] (float64) and the covariance's eigenvalues.
 */
export function zcaFit(x: Tensor, opts: { eps?: number } = {}): ZcaWhitening {
  checkRank("zcaFit", "x", x, ["N", "D"]);
  const [N, D] = x.shape;
  if (N < 2) throw new Error(`zcaFit: need at least 2 rows to estimate a covariance, got x ${x.shapeString()}`);
  const eps = opts.eps ?? 0.01;
  if (!(eps >= 0)) throw new Error(`zcaFit: eps must be ≥ 0, got ${eps}`);
  const mean = new Float64Array(D);
  for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) mean[d] += x.data[n * D + d];
  for (let d = 0; d < D; d++) mean[d] /= N;
  const cov = new Float64Array(D * D);
  const row = new Float64Array(D);
  for (let n = 0; n < N; n++) {
    for (let d = 0; d < D; d++) row[d] = x.data[n * D + d] - mean[d];
    for (let i = 0; i < D; i++) {
      const ri = row[i];
      if (ri === 0) continue;
      for (let j = i; j < D; j++) cov[i * D + j] += ri * row[j];
    }
  }
  for (let i = 0; i < D; i++) {
    for (let j = i; j < D; j++) {
      cov[i * D + j] /= N;
      cov[j * D + i] = cov[i * D + j];
    }
  }
  const { values, vectors } = symmetricEigen(new Tensor(cov, [D, D]));
  const U = vectors.data;
  const scale = Array.from(values.data, (l) => 1 / Math.sqrt(Math.max(l, 0) + eps));
  if (scale.some((s) => !Number.isFinite(s))) {
    throw new Error("zcaFit: the covariance has zero-variance directions and eps = 0; use eps > 0");
  }
  const W = new Float64Array(D * D);
  for (let i = 0; i < D; i++) {
    for (let j = i; j < D; j++) {
      let s = 0;
      for (let k = 0; k < D; k++) s += U[i * D + k] * scale[k] * U[j * D + k];
      W[i * D + j] = s;
      W[j * D + i] = s;
    }
  }
  return { mean: new Tensor(mean, [D]), matrix: new Tensor(W, [D, D]), eigenvalues: values, eps };
}

/**
 * Whiten the rows of x [N, D] with a fitted ZCA: (x − mean)·W → [N, D] (dtype of x). A float32 x
 * takes the fast matrix product (x·W − mean·W); float64 is computed in plain loops.
 */
export function zcaApply(x: Tensor, zca: ZcaWhitening): Tensor {
  checkRank("zcaApply", "x", x, ["N", "D"]);
  const [N, D] = x.shape;
  if (zca.mean.size !== D) {
    throw new Error(`zcaApply: x ${x.shapeString()} has ${D} columns but the whitening was fitted on ${zca.mean.size}`);
  }
  if (x.dtype === "float32") {
    const out = matmul(x, zca.matrix.astype("float32"));
    const shift = new Float64Array(D);
    for (let k = 0; k < D; k++) for (let j = 0; j < D; j++) shift[j] += zca.mean.data[k] * zca.matrix.data[k * D + j];
    for (let n = 0; n < N; n++) for (let j = 0; j < D; j++) out.data[n * D + j] -= shift[j];
    return out;
  }
  const out = new Tensor(new Float64Array(N * D), [N, D]);
  const W = zca.matrix.data;
  const mu = zca.mean.data;
  const row = new Float64Array(D);
  const acc = new Float64Array(D);
  for (let n = 0; n < N; n++) {
    for (let d = 0; d < D; d++) row[d] = x.data[n * D + d] - mu[d];
    acc.fill(0);
    for (let k = 0; k < D; k++) {
      const r = row[k];
      if (r === 0) continue;
      for (let j = 0; j < D; j++) acc[j] += r * W[k * D + j];
    }
    out.data.set(acc, n * D);
  }
  return out;
}
