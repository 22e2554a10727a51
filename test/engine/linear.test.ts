import { afterAll, describe, expect, it } from "vitest";
import { Rng } from "../../src/random.js";
import { randn, tensor } from "../../src/tensor.js";
import { linearBackward as refBackward, linearForward as refForward } from "../../src/layers/linear.js";
import { configureKernels } from "../../src/engine/index.js";
import { matmul } from "../../src/engine/gemm.js";
import { fastKernels } from "../../src/ops/fast.js";
import { ENGINES, FLOAT32_TOLERANCE, scaledMaxError, useEngine } from "./compare.js";

afterAll(() => configureKernels({ engine: "wasm", threads: 1 }));

// Sizes around the GEMM's register tile (4×8) and cache blocks (128 rows, 256 deep, 512 wide),
// plus batch 1 and LeNet-5's fc1 (2450 → 500), which the threads split; up to 128 rows the GEMM
// reads B (W) where it is, packing only a last strip narrower than 8 columns (M = 203).
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 3], [3, 5, 9], [4, 8, 8], [5, 9, 17], [17, 33, 65], [64, 300, 10],
  [128, 300, 203], [130, 257, 513], [64, 2450, 500], [1, 2450, 500],
];

describe.each(ENGINES)("fast linear ($label)", ({ options }) => {
  it.each(SHAPES)("matches the reference for N=%i, D=%i, M=%i", (N, D, M) => {
    useEngine(options);
    const rng = new Rng(N * 10007 + D * 31 + M);
    const x = randn([N, D], { rng, dtype: "float32" });
    const W = randn([D, M], { rng, dtype: "float32" });
    const b = randn([M], { rng, dtype: "float32" });
    const [out, cache] = fastKernels.linearForward(x, W, b);
    const [ref, refCache] = refForward(x, W, b);
    expect(scaledMaxError(out, ref)).toBeLessThan(FLOAT32_TOLERANCE);
    const dout = randn([N, M], { rng, dtype: "float32" });
    const got = fastKernels.linearBackward(dout, cache);
    const want = refBackward(dout, refCache);
    expect(scaledMaxError(got.dx, want.dx)).toBeLessThan(FLOAT32_TOLERANCE);
    expect(scaledMaxError(got.dW, want.dW)).toBeLessThan(FLOAT32_TOLERANCE);
    expect(scaledMaxError(got.db, want.db)).toBeLessThan(FLOAT32_TOLERANCE);
  });

  it("matmul matches the linear layer without bias and a hand-computed 2×2 case", () => {
    useEngine(options);
    const a = randn([37, 70], { seed: 1, dtype: "float32" });
    const b = randn([70, 29], { seed: 2, dtype: "float32" });
    const [ref] = refForward(a, b, randn([29], { seed: 3, dtype: "float32", std: 0 }));
    expect(scaledMaxError(matmul(a, b), ref)).toBeLessThan(FLOAT32_TOLERANCE);
    const m = matmul(tensor([[1, 2], [0, 1]], undefined, "float32"), tensor([[1, 2], [3, 4]], undefined, "float32"));
    expect(Array.from(m.data)).toEqual([7, 10, 3, 4]);
  });

  it("matmul into out writes the product there and returns it, also when out is an input", () => {
    useEngine(options);
    const a = randn([37, 70], { seed: 1, dtype: "float32" });
    const b = randn([70, 29], { seed: 2, dtype: "float32" });
    const out = randn([37, 29], { seed: 4, dtype: "float32" });
    expect(matmul(a, b, out)).toBe(out);
    expect(Array.from(out.data)).toEqual(Array.from(matmul(a, b).data));
    const s = tensor([[1, 2], [0, 1]], undefined, "float32");
    matmul(s, tensor([[1, 2], [3, 4]], undefined, "float32"), s);
    expect(Array.from(s.data)).toEqual([7, 10, 3, 4]);
    expect(() => matmul(a, b, randn([29, 37], { seed: 5, dtype: "float32" }))).toThrow("matmul: out has shape [29, 37], expected [37, 29]");
    expect(() => matmul(a, b, randn([37, 29], { seed: 5 }))).toThrow("matmul: out must be a float32 tensor, got float64");
  });
});

describe("fast linear contract", () => {
  it("names the function and both shapes on a mismatch", () => {
    const x = randn([2, 4], { seed: 1, dtype: "float32" });
    const W = randn([3, 5], { seed: 2, dtype: "float32" });
    const b = randn([5], { seed: 3, dtype: "float32" });
    expect(() => fastKernels.linearForward(x, W, b)).toThrow("linearForward: W has shape [3, 5], expected [4, *] (x is [2, 4])");
    expect(() => matmul(x, W)).toThrow(/matmul: b has shape \[3, 5\]/);
  });

  it("keeps float64 on the reference path", () => {
    const x = randn([2, 3], { seed: 1 });
    const [out] = fastKernels.linearForward(x, randn([3, 2], { seed: 2 }), randn([2], { seed: 3 }));
    expect(out.dtype).toBe("float64");
  });
});
