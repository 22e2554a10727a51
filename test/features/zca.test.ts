import { describe, expect, it } from "vitest";
import { symmetricEigen, zcaApply, zcaFit } from "../../src/features/zca.js";
import { Rng } from "../../src/random.js";
import { Tensor, tensor } from "../../src/tensor.js";

/** Covariance (divide by N) of the rows of x [N, D]. */
function covariance(x: Tensor): number[][] {
  const [N, D] = x.shape;
  const mean = Array.from({ length: D }, (_, d) => {
    let s = 0;
    for (let n = 0; n < N; n++) s += x.data[n * D + d];
    return s / N;
  });
  return Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => {
    let s = 0;
    for (let n = 0; n < N; n++) s += (x.data[n * D + i] - mean[i]) * (x.data[n * D + j] - mean[j]);
    return s / N;
  }));
}

/** N rows of correlated 3-D data: x = z·A with z standard normal. */
function correlated(N: number, seed: number): Tensor {
  const A = [[2, 0.5, 0], [0, 1, 0.8], [0, 0, 0.3]];
  const rng = new Rng(seed);
  const out = new Float64Array(N * 3);
  for (let n = 0; n < N; n++) {
    const z = [rng.normal(), rng.normal(), rng.normal()];
    for (let j = 0; j < 3; j++) out[n * 3 + j] = 5 + z[0] * A[0][j] + z[1] * A[1][j] + z[2] * A[2][j];
  }
  return new Tensor(out, [N, 3]);
}

describe("symmetricEigen", () => {
  it("finds the eigenvalues of a 2×2 matrix computed by hand", () => {
    // [[2, 1], [1, 2]] has eigenvalues 3 (vector (1, 1)/√2) and 1 (vector (1, −1)/√2)
    const { values, vectors } = symmetricEigen(tensor([[2, 1], [1, 2]]));
    expect(values.data[0]).toBeCloseTo(3, 12);
    expect(values.data[1]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors.data[0])).toBeCloseTo(Math.SQRT1_2, 12);
    expect(vectors.data[0] * vectors.data[2]).toBeGreaterThan(0); // first column ∝ (1, 1)
  });

  it("reconstructs a 5×5 symmetric matrix as U·diag(λ)·Uᵀ with orthonormal U", () => {
    const rng = new Rng(3);
    const D = 5;
    const a = new Float64Array(D * D);
    for (let i = 0; i < D; i++) for (let j = 0; j <= i; j++) a[i * D + j] = a[j * D + i] = rng.normal();
    const { values, vectors } = symmetricEigen(new Tensor(a, [D, D]));
    const U = vectors.data;
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) {
        let rec = 0;
        let orth = 0;
        for (let k = 0; k < D; k++) {
          rec += U[i * D + k] * values.data[k] * U[j * D + k];
          orth += U[k * D + i] * U[k * D + j];
        }
        expect(rec).toBeCloseTo(a[i * D + j], 10);
        expect(orth).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
    for (let k = 1; k < D; k++) expect(values.data[k]).toBeLessThanOrEqual(values.data[k - 1]);
  });

  it("refuses a matrix that is not symmetric", () => {
    expect(() => symmetricEigen(tensor([[1, 2], [0, 1]]))).toThrow(/not symmetric/);
  });
});

describe("zcaFit / zcaApply", () => {
  it("whitened data has zero mean and identity covariance (eps = 0)", () => {
    const x = correlated(2000, 1);
    const zca = zcaFit(x, { eps: 0 });
    const w = zcaApply(x, zca);
    const cov = covariance(w);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(cov[i][j]).toBeCloseTo(i === j ? 1 : 0, 8);
    const mean = [0, 1, 2].map((d) => Array.from({ length: 2000 }, (_, n) => w.data[n * 3 + d]).reduce((a, b) => a + b) / 2000);
    for (const m of mean) expect(Math.abs(m)).toBeLessThan(1e-10);
  });

  it("W is symmetric and W·Σ·W = I with eps = 0; eps shrinks the variances to λ/(λ + eps)", () => {
    const x = correlated(500, 2);
    const zca = zcaFit(x, { eps: 0 });
    const W = zca.matrix.data;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(W[i * 3 + j]).toBeCloseTo(W[j * 3 + i], 12);
    const eps = 0.5;
    const soft = zcaApply(x, zcaFit(x, { eps }));
    // along eigenvector k the whitened variance is λk / (λk + eps): the trace is their sum
    const cov = covariance(soft);
    const expected = Array.from(zca.eigenvalues.data, (l) => l / (l + eps)).reduce((a, b) => a + b);
    expect(cov[0][0] + cov[1][1] + cov[2][2]).toBeCloseTo(expected, 8);
  });

  it("keeps the dtype of x and checks the column count", () => {
    const x = correlated(50, 4);
    const zca = zcaFit(x);
    expect(zcaApply(x.astype("float32"), zca).dtype).toBe("float32");
    expect(() => zcaApply(tensor([[1, 2]]), zca)).toThrow(/zcaApply: x \[1, 2\] has 2 columns but the whitening was fitted on 3/);
    expect(() => zcaFit(tensor([[1, 2, 3]]))).toThrow(/at least 2 rows/);
  });
});

describe("zcaApply float32 fast path", () => {
  it("agrees with the float64 loops", () => {
    const x = correlated(400, 6);
    const zca = zcaFit(x);
    const exact = zcaApply(x, zca).data;
    const fast = zcaApply(x.astype("float32"), zca).data;
    for (let i = 0; i < exact.length; i++) expect(Math.abs(fast[i] - exact[i])).toBeLessThan(1e-4 * (1 + Math.abs(exact[i])));
  });
});
