/**
 * Fast fully connected layer for float32: out = x·W + b and its gradients as GEMMs on the kernel
 * engine. Same contract (./contract.ts), cache and results (up to float32 rounding) as the
 * reference in src/layers/linear.ts; ../fast.ts sends only float32 inputs here.
 */
import { Tensor } from "../../tensor.js";
import { checkShape } from "../../shapes.js";
import { kernelEngine } from "../../engine/index.js";
import { pointer, put, take, withEngineMemory } from "../../engine/engine.js";
import { gemmOnThreads } from "../../engine/gemm.js";
import { float32Data } from "../dispatch.js";
import { checkLinearBackward, checkLinearForward, type LinearCache } from "./contract.js";

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
    const pOut = e.alloc(4 * N * M);
    const heap = e.f32();
    for (let n = 0; n < N; n++) heap.set(bd, (pOut >> 2) + n * M);
    gemmOnThreads(e, N, M, D, put(e, xd), D, 1, pointer(e, Wd), M, 1, pOut, M, true);
    return take(e, pOut, N * M);
  });
  return [new Tensor(out, [N, M]), { x, W, b }];
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
  const db = new Float32Array(M);
  for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) db[m] += g[n * M + m];
  return withEngineMemory(e, () => {
    const pX = put(e, xd);
    const pW = pointer(e, Wd);
    const pDout = put(e, g);
    const pDx = e.alloc(4 * N * D);
    const pDW = e.alloc(4 * D * M);
    gemmOnThreads(e, N, D, M, pDout, M, 1, pW, 1, M, pDx, D, false); // dx = dout·Wᵀ
    gemmOnThreads(e, D, M, N, pX, 1, D, pDout, M, 1, pDW, M, false); // dW = xᵀ·dout
    return {
      dx: new Tensor(take(e, pDx, N * D), [N, D]),
      dW: new Tensor(take(e, pDW, D * M), [D, M]),
      db: new Tensor(db, [M]),
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
  for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) dbd[m] += g[n * M + m];
  return withEngineMemory(e, () => {
    const pX = put(e, xd);
    const pDout = put(e, g);
    const pDx = e.alloc(4 * N * D);
    gemmOnThreads(e, N, D, M, pDout, M, 1, pointer(e, Wd), 1, M, pDx, D, false); // dx = dout·Wᵀ
    gemmOnThreads(e, D, M, N, pX, 1, D, pDout, M, 1, pDW, M, true); // dW += xᵀ·dout
    return new Tensor(take(e, pDx, N * D), [N, D]);
  });
}
