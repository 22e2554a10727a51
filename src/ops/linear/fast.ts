/**
 * Fast fully connected layer for float32: out = x·W + b and its gradients as GEMMs on the kernel
 * engine. Same contract (./contract.ts), cache and results (up to float32 rounding) as the
 * reference in src/layers/linear.ts; ../fast.ts sends only float32 inputs here. The phases below
 * are also what a whole model's program (../sequential/) runs for this layer.
 */
import { Tensor } from "../../tensor.js";
import { checkShape } from "../../shapes.js";
import { kernelEngine } from "../../engine/index.js";
import { call, pointer, put, take, ThreadScratch, withEngineMemory, type Call, type Engine } from "../../engine/engine.js";
import { gemmItems } from "../../engine/gemm.js";
import { float32Data } from "../dispatch.js";
import { checkLinearBackward, checkLinearForward, type LinearCache } from "./contract.js";
import { BIAS_GRADIENT, BIAS_ROWS } from "./kernels.js";

/** Where a linear layer's arrays are in engine memory: x [N, D], W [D, M], b [M], out [N, M] and their gradients. */
export interface LinearPointers {
  N: number; D: number; M: number;
  pX: number; pW: number; pB: number; pOut: number;
  pDout: number; pDx: number; pDW: number; pDb: number;
}

/** Phases of the forward pass: out = b in every row, then out += x·W. `work`: per-thread GEMM scratch. */
export function linearForwardPhases(e: Engine, p: LinearPointers, work: number): Call[][][] {
  const { N, D, M } = p;
  return [
    [[call(BIAS_ROWS, { pB: p.pB, N, M, pOut: p.pOut })]],
    gemmItems(e, { M: N, N: M, K: D, pA: p.pX, rsA: D, csA: 1, pB: p.pW, rsB: M, csB: 1, pC: p.pOut, ldc: M, accumulate: true }, work),
  ];
}

/**
 * The phase of the backward pass: db = column sums of dout and dW = xᵀ·dout (both added to what is
 * there when `accumulate`) and, when `needDx`, dx = dout·Wᵀ. `work`: per-thread GEMM scratch.
 */
export function linearBackwardPhase(e: Engine, p: LinearPointers, work: number, accumulate: boolean, needDx: boolean): Call[][] {
  const { N, D, M } = p;
  return [
    [call(BIAS_GRADIENT, { pDout: p.pDout, N, M, pDb: p.pDb, accumulate: accumulate ? 1 : 0 })],
    ...(needDx ? gemmItems(e, { M: N, N: D, K: M, pA: p.pDout, rsA: M, csA: 1, pB: p.pW, rsB: 1, csB: M, pC: p.pDx, ldc: D, accumulate: false }, work) : []),
    ...gemmItems(e, { M: D, N: M, K: N, pA: p.pX, rsA: 1, csA: D, pB: p.pDout, rsB: M, csB: 1, pC: p.pDW, ldc: M, accumulate }, work),
  ];
}

/** Run `phases(work)` with per-thread GEMM scratch `work`. */
function runWithWork(e: Engine, phases: (work: number) => Call[][][]): void {
  const scratch = new ThreadScratch();
  const work = scratch.add(e.gemmWorkBytes());
  const { base, stride } = scratch.allocate(e);
  e.execute({ phases: phases(base + work), threadStride: stride });
}

/**
 * Forward pass of a fully connected layer (float32).
 * Inputs: x [N, D], W [D, M], b [M]. Returns [out [N, M], cache].
 */
export function linearForward(x: Tensor, W: Tensor, b: Tensor): [Tensor, LinearCache] {
  const [N, D, M] = checkLinearForward(x, W, b);
  const fn = "linearForward";
  const [xd, Wd, bd] = [float32Data(fn, x), float32Data(fn, W), float32Data(fn, b)];
  const e = kernelEngine();
  const out = withEngineMemory(e, () => {
    const p = { ...NO_GRADIENTS, N, D, M, pX: pointer(e, xd), pW: pointer(e, Wd), pB: pointer(e, bd), pOut: e.alloc(4 * N * M) };
    runWithWork(e, (work) => linearForwardPhases(e, p, work));
    return take(e, p.pOut, N * M);
  });
  return [new Tensor(out, [N, M]), { x, W, b }];
}

const NO_GRADIENTS = { pDout: 0, pDx: 0, pDW: 0, pDb: 0 };

/**
 * The backward pass on engine memory: dx new; dW at pDW and a new db, both added to when
 * `accumulate` (db starts at 0) and overwritten otherwise.
 */
function backwardAt(e: Engine, N: number, D: number, M: number, xd: Float32Array, Wd: Float32Array, g: Float32Array, pDW: number, accumulate: boolean) {
  const p = { N, D, M, pX: pointer(e, xd), pW: pointer(e, Wd), pB: 0, pOut: 0, pDout: put(e, g), pDx: e.alloc(4 * N * D), pDW, pDb: e.alloc(4 * M) };
  e.f32().fill(0, p.pDb >> 2, (p.pDb >> 2) + M);
  runWithWork(e, (work) => [linearBackwardPhase(e, p, work, accumulate, true)]);
  return p;
}

/**
 * Backward pass of a fully connected layer (float32).
 * Inputs: dout [N, M], cache from linearForward. Returns { dx [N, D], dW [D, M], db [M] }.
 */
export function linearBackward(dout: Tensor, cache: LinearCache): { dx: Tensor; dW: Tensor; db: Tensor } {
  const [N, D, M] = checkLinearBackward(dout, cache);
  const fn = "linearBackward";
  const [xd, Wd, g] = [float32Data(fn, cache.x), float32Data(fn, cache.W), float32Data(fn, dout)];
  float32Data(fn, cache.b);
  const e = kernelEngine();
  return withEngineMemory(e, () => {
    const p = backwardAt(e, N, D, M, xd, Wd, g, e.alloc(4 * D * M), false);
    return {
      dx: new Tensor(take(e, p.pDx, N * D), [N, D]),
      dW: new Tensor(take(e, p.pDW, D * M), [D, M]),
      db: new Tensor(take(e, p.pDb, M), [M]),
    };
  });
}

/** Check linearBackwardInto's arguments: those of linearBackward plus dW [D, M] and db [M]. */
export function checkLinearBackwardInto(dout: Tensor, cache: LinearCache, dW: Tensor, db: Tensor): [number, number, number] {
  const fn = "linearBackwardInto";
  const shape = checkLinearBackward(dout, cache, fn);
  checkShape(fn, "dW", dW, cache.W.shape, ["W", cache.W]);
  checkShape(fn, "db", db, [cache.W.shape[1]], ["W", cache.W]);
  return shape;
}

/** True when dW lives in kernel memory, so that the GEMM can accumulate into it in place. */
export function residentGradient(dW: Tensor): boolean {
  return dW.data instanceof Float32Array && kernelEngine().pointerOf(dW.data) >= 0;
}

/**
 * Backward pass of a fully connected layer that adds the parameter gradients into dW [D, M] and
 * db [M] (a layer's gradient tensors, dW resident in kernel memory: the GEMM accumulates into it
 * in place) instead of returning new ones. Inputs: dout [N, M], cache from linearForward (float32).
 * Returns dx [N, D].
 */
export function linearBackwardInto(dout: Tensor, cache: LinearCache, dW: Tensor, db: Tensor): Tensor {
  const [N, D, M] = checkLinearBackwardInto(dout, cache, dW, db);
  const fn = "linearBackwardInto";
  const [xd, Wd, g, dbd, dWd] = [cache.x, cache.W, dout, db, dW].map((t) => float32Data(fn, t));
  const e = kernelEngine();
  const pDW = e.pointerOf(dWd);
  if (pDW < 0) throw new Error(`${fn}: the fast path needs dW in kernel memory`);
  return withEngineMemory(e, () => {
    const p = backwardAt(e, N, D, M, xd, Wd, g, pDW, true);
    const h = e.f32();
    for (let m = 0; m < M; m++) dbd[m] += h[(p.pDb >> 2) + m];
    return new Tensor(take(e, p.pDx, N * D), [N, D]);
  });
}
