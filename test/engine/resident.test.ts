// Parameters, gradients and Adam state that live in kernel memory: the in-place paths agree with
// the plain ones (the fused Adam vs the slide's; linearBackwardInto vs linearBackward).
import { afterAll, describe, expect, it } from "vitest";
import { Rng } from "../../src/random.js";
import { Tensor, randn } from "../../src/tensor.js";
import { linearBackward as refBackward, linearForward as refForward } from "../../src/layers/linear.js";
import { configureKernels } from "../../src/engine/index.js";
import { fastKernels } from "../../src/ops/fast.js";
import { kernelArray } from "../../src/engine/index.js";
import { Adam, OPTIMIZER_NAMES, makeOptimizer, type OptimizerBase } from "../../src/optim/index.js";
import type { FusedStep, FusedSteps } from "../../src/optim/fused.js";
import { fusedSteps } from "../../src/ops/update/fast.js";
import { ENGINES, FLOAT32_TOLERANCE, scaledMaxError, useEngine } from "./compare.js";

afterAll(() => configureKernels({ engine: "wasm", threads: 1 }));

/** The fused step of optimizer `name` (every optimizer of the lecture has one). */
function fusedStep(name: string): FusedStep {
  const step = fusedSteps[name];
  if (!step) throw new Error(`no fused step for ${name}`);
  return step;
}

/** A float32 tensor whose data sits in kernel memory when the engine allows it, holding `t`'s values. */
function resident(t: Tensor): Tensor {
  const data = kernelArray(t.size);
  data.set(t.data);
  return new Tensor(data, t.shape);
}

describe.each(ENGINES)("kernel-resident training state ($label)", ({ options }) => {
  it("the fused Adam (SIMD kernel when resident) follows the slide's Adam in float64 over 5 steps, and the slide's in float32", () => {
    useEngine(options);
    const rng = new Rng(5);
    // large enough to be split over the threads
    const start = randn([70_000], { rng, dtype: "float64" });
    const x64 = start.clone();
    const x32 = resident(start.astype("float32"));
    const slide32 = start.astype("float32");
    const a64 = new Adam({ lr: 1e-2 });
    const a32 = new Adam({ lr: 1e-2 });
    const s32 = new Adam({ lr: 1e-2 });
    const fusedCalls: boolean[] = [];
    const counted: FusedSteps = {
      ...fusedSteps,
      adam: (...args) => {
        const ran = fusedStep("adam")(...args);
        fusedCalls.push(ran);
        return ran;
      },
    };
    a32.prepare([x32], [resident(start.astype("float32"))], kernelArray); // its state in kernel memory too
    for (let step = 0; step < 5; step++) {
      const g = randn([70_000], { rng, dtype: "float64" });
      a64.step([x64], [g]);
      a32.stepFused([x32], [resident(g.astype("float32"))], counted);
      s32.step([slide32], [g.astype("float32")]);
    }
    let worst = 0;
    let worstSlide = 0;
    let moved = 0;
    for (let i = 0; i < x64.size; i++) {
      worst = Math.max(worst, Math.abs(x32.data[i] - x64.data[i]));
      worstSlide = Math.max(worstSlide, Math.abs(x32.data[i] - slide32.data[i]));
      moved = Math.max(moved, Math.abs(x64.data[i] - start.data[i]));
    }
    expect(moved).toBeGreaterThan(0.03); // 5 steps of about lr each really moved the weights
    expect(worst).toBeLessThan(1e-5);
    expect(worstSlide).toBeLessThan(1e-5);
    // the kernel took every step where the engine keeps arrays in its memory (WebAssembly), none on the plain engine
    expect(fusedCalls).toEqual(new Array(5).fill(options.engine === "wasm"));
  });

  it.each(OPTIMIZER_NAMES)("%s: the fused step follows the slide's rule (float32, 3 steps) and runs wherever the arrays are resident", (name) => {
    useEngine(options);
    const rng = new Rng(11);
    const start = randn([70_001], { rng, dtype: "float32" }); // an odd length: the kernels' scalar tail too
    const fusedX = resident(start);
    const slideX = start.clone();
    const fusedOpt = makeOptimizer(name, { lr: 1e-2 }) as OptimizerBase;
    const slideOpt = makeOptimizer(name, { lr: 1e-2 });
    const ran: boolean[] = [];
    const counted: FusedSteps = { ...fusedSteps, [name]: (...args: Parameters<FusedStep>) => (ran.push(fusedStep(name)(...args)), ran[ran.length - 1]) };
    fusedOpt.prepare([fusedX], [resident(start)], kernelArray); // its state in kernel memory too
    for (let step = 0; step < 3; step++) {
      const g = randn([70_001], { rng, dtype: "float32" });
      fusedOpt.stepFused([fusedX], [resident(g)], counted);
      slideOpt.step([slideX], [g]);
    }
    let worst = 0;
    let moved = 0;
    for (let i = 0; i < start.size; i++) {
      worst = Math.max(worst, Math.abs(fusedX.data[i] - slideX.data[i]));
      moved = Math.max(moved, Math.abs(slideX.data[i] - start.data[i]));
    }
    expect(moved).toBeGreaterThan(1e-3);
    expect(worst).toBeLessThan(1e-5 * Math.max(1, moved));
    expect(ran).toEqual(new Array(3).fill(options.engine === "wasm"));
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
      expect(scaledMaxError(dx, want.dx)).toBeLessThan(FLOAT32_TOLERANCE);
      expect(scaledMaxError(dW, sum(before, want.dW))).toBeLessThan(FLOAT32_TOLERANCE);
      expect(scaledMaxError(db, sum(dbBefore, want.db))).toBeLessThan(FLOAT32_TOLERANCE);
    },
  );
});
