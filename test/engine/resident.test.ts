// Parameters, gradients and Adam state that live in kernel memory: the in-place paths agree with
// the plain ones (Adam in float32 vs float64; linearBackwardInto vs linearBackward).
import { afterAll, describe, expect, it } from "vitest";
import { Rng } from "../../src/random.js";
import { Tensor, randn } from "../../src/tensor.js";
import { linearBackward as refBackward, linearForward as refForward } from "../../src/layers/linear.js";
import { configureKernels } from "../../src/engine/index.js";
import { fastKernels } from "../../src/ops/fast.js";
import { kernelArray } from "../../src/engine/index.js";
import { Adam } from "../../src/optim.js";
import { ENGINES, FLOAT32_TOLERANCE, maxRelError, useEngine } from "./compare.js";

afterAll(() => configureKernels({ engine: "wasm", threads: 1 }));

/** A float32 tensor whose data sits in kernel memory when the engine allows it, holding `t`'s values. */
function resident(t: Tensor): Tensor {
  const data = kernelArray(t.size);
  data.set(t.data);
  return new Tensor(data, t.shape);
}

describe.each(ENGINES)("kernel-resident training state ($label)", ({ options }) => {
  it("float32 Adam (SIMD kernel when resident) follows float64 Adam over 5 steps", () => {
    useEngine(options);
    const rng = new Rng(5);
    // large enough to be split over the threads
    const start = randn([70_000], { rng, dtype: "float64" });
    const x64 = start.clone();
    const x32 = resident(start.astype("float32"));
    const a64 = new Adam({ lr: 1e-2 });
    const a32 = new Adam({ lr: 1e-2 });
    for (let step = 0; step < 5; step++) {
      const g = randn([70_000], { rng, dtype: "float64" });
      a64.step([x64], [g]);
      a32.step([x32], [resident(g.astype("float32"))]);
    }
    let worst = 0;
    let moved = 0;
    for (let i = 0; i < x64.size; i++) {
      worst = Math.max(worst, Math.abs(x32.data[i] - x64.data[i]));
      moved = Math.max(moved, Math.abs(x64.data[i] - start.data[i]));
    }
    expect(moved).toBeGreaterThan(0.03); // 5 steps of about lr each really moved the weights
    expect(worst).toBeLessThan(1e-5);
  });

  it.each([[1, 7, 3], [64, 300, 10], [16, 2450, 500]])(
    "linearBackwardInto adds dW and db into resident gradients like linearBackward (N=%i, D=%i, M=%i)",
    (N, D, M) => {
      useEngine(options);
      const rng = new Rng(N * 31 + D * 7 + M);
      const x = randn([N, D], { rng, dtype: "float32" });
      const W = resident(randn([D, M], { rng, dtype: "float32" }));
      const b = randn([M], { rng, dtype: "float32" });
      const dout = randn([N, M], { rng, dtype: "float32" });
      const before = randn([D, M], { rng, dtype: "float32" });
      const dbBefore = randn([M], { rng, dtype: "float32" });
      const dW = resident(before);
      const db = resident(dbBefore);
      const [, cache] = fastKernels.linearForward(x, W, b);
      const dx = fastKernels.linearBackwardInto(dout, cache, dW, db);
      const [, refCache] = refForward(x, W, b);
      const want = refBackward(dout, refCache);
      const sum = (a: Tensor, c: Tensor): Tensor => new Tensor(a.data.map((v, i) => v + c.data[i]), a.shape);
      expect(maxRelError(dx, want.dx)).toBeLessThan(FLOAT32_TOLERANCE);
      expect(maxRelError(dW, sum(before, want.dW))).toBeLessThan(FLOAT32_TOLERANCE);
      expect(maxRelError(db, sum(dbBefore, want.db))).toBeLessThan(FLOAT32_TOLERANCE);
    },
  );
});
