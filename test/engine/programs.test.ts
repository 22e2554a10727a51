// Programs on the worker threads: phases really wait for each other, per-thread arguments get
// each thread's own scratch, and a failing kernel is reported without hanging the threads.
import { afterAll, describe, expect, it } from "vitest";
import { Rng } from "../../src/random.js";
import { configureKernels, kernelEngine } from "../../src/engine/index.js";
import { call, ThreadScratch, withEngineMemory, type Call } from "../../src/engine/engine.js";
import { ADD_PARTS, ZERO_FLOATS } from "../../src/engine/arrays.js";
import { RELU } from "../../src/ops/relu/kernels.js";
import { ENGINES, useEngine } from "./compare.js";

afterAll(() => configureKernels({ engine: "wasm", threads: 1 }));

const PARTS = 8;
const PART = 20_000;

describe.each([...ENGINES, { label: "wasm, 3 threads", options: { engine: "wasm" as const, threads: 3 } }])("programs ($label)", ({ options }) => {
  it("run phase after phase: every item of a phase sees every item of the one before done (100 programs)", () => {
    useEngine(options);
    const e = kernelEngine();
    const rng = new Rng(3);
    withEngineMemory(e, () => {
      const n = PARTS * PART;
      const [x, y, z] = [e.alloc(4 * n), e.alloc(4 * n), e.alloc(4 * n)];
      // Phase 1: y = relu(x), part by part. Phase 2: z's part i = y's part i + 1 (written by another item).
      const phases: Call[][][] = [
        Array.from({ length: PARTS }, (_, i) => [call(RELU, { pX: x + 4 * i * PART, pOut: y + 4 * i * PART, n: PART })]),
        Array.from({ length: PARTS }, (_, i) => [
          call(ADD_PARTS, { pParts: y + 4 * ((i + 1) % PARTS) * PART, stride: 0, parts: 1, pOut: z + 4 * i * PART, n: PART, accumulate: 0 }),
        ]),
      ];
      const program = { phases, threadStride: 0 };
      for (let run = 0; run < 100; run++) {
        const values = Float32Array.from({ length: n }, () => rng.normal());
        e.f32().set(values, x >> 2);
        e.f32().fill(NaN, y >> 2, (y >> 2) + n); // a part read before it was written stays NaN in z
        e.execute(program);
        const h = e.f32();
        for (let i = 0; i < n; i++) {
          const want = Math.max(0, values[(i + PART) % n]);
          if (h[(z >> 2) + i] !== want) expect.fail(`program ${run}: z[${i}] = ${h[(z >> 2) + i]}, want ${want}`);
        }
      }
      // y was overwritten by phase 1 (the partial sums ADD_PARTS read are zeroed after it).
      expect(Array.from(e.f32().subarray(y >> 2, (y >> 2) + 4))).toEqual([0, 0, 0, 0]);
    });
  });

  it("give each thread its own scratch through per-thread arguments (sums of all items, whichever thread ran them)", () => {
    useEngine(options);
    const e = kernelEngine();
    withEngineMemory(e, () => {
      const items = 64, n = 1000;
      const src = e.alloc(4 * n * items);
      const h0 = e.f32();
      for (let i = 0; i < n * items; i++) h0[(src >> 2) + i] = (i % 7) - 3;
      const scratch = new ThreadScratch();
      const partial = scratch.add(4 * n);
      const { base, stride } = scratch.allocate(e);
      for (let t = 0; t < e.threads; t++) e.f32().fill(0, (base + partial + t * stride) >> 2, ((base + partial + t * stride) >> 2) + n);
      const out = e.alloc(4 * n);
      // Each item adds one block of src into the running thread's partial sum (ADD_PARTS with the
      // block as its one "part" accumulates into pOut, the per-thread argument); then the partial sums are summed.
      const block = (i: number) => call(ADD_PARTS, { pParts: src + 4 * i * n, stride: 0, parts: 1, pOut: base + partial, n, accumulate: 1 }, ["pOut"]);
      e.execute({
        phases: [
          Array.from({ length: items }, (_, i) => [block(i)]),
          [[call(ADD_PARTS, { pParts: base + partial, stride, parts: e.threads, pOut: out, n, accumulate: 0 })]],
        ],
        threadStride: stride,
      });
      const h = e.f32();
      for (let j = 0; j < n; j++) {
        let want = 0;
        for (let i = 0; i < items; i++) want += ((i * n + j) % 7) - 3;
        if (h[(out >> 2) + j] !== want) expect.fail(`out[${j}] = ${h[(out >> 2) + j]}, want ${want}`);
      }
    });
  });

  it("report a kernel that fails and stay usable afterwards", () => {
    useEngine(options);
    const e = kernelEngine();
    if (e.name === "js") return; // the TypeScript twins index a typed array: out of range is not a fault there
    withEngineMemory(e, () => {
      const p = e.alloc(4 * 1024);
      const tooFar = 2 ** 31 - 64; // beyond the memory: the WebAssembly kernel traps
      const item = (q: number) => [call(ZERO_FLOATS, { p: q, n: 16 })];
      expect(() => e.execute({ phases: [[item(p), item(tooFar), item(p)], [item(p)]], threadStride: 0 })).toThrow(/kernel|memory access out of bounds/);
      e.f32().fill(1, p >> 2, (p >> 2) + 16);
      e.execute({ phases: [[item(p), item(p)]], threadStride: 0 });
      expect(Array.from(e.f32().subarray(p >> 2, (p >> 2) + 16))).toEqual(new Array(16).fill(0));
    });
  });
});
