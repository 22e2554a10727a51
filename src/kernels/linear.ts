/**
 * Fast fully connected layer for float32: out = x·W + b and its gradients as GEMMs on the kernel
 * engine. Same contract, cache and results (up to float32 rounding) as ../layers/linear.ts; other
 * dtypes are passed on to the reference.
 */
import { Tensor } from "../tensor.js";
import { linearBackward as referenceBackward, linearForward as referenceForward, type LinearCache } from "../layers/linear.js";
import { checkCache, checkRank, checkShape, checkUpstream } from "../layers/shapes.js";
import { kernelEngine } from "./backend.js";
import { pointer, put, take, withEngineMemory } from "./engine.js";
import { gemmOnThreads } from "./matmul.js";

/**
 * Forward pass of a fully connected layer (fast path for float32).
 * Inputs: x [N, D], W [D, M], b [M]. Returns [out [N, M], cache].
 */
export function linearForward(x: Tensor, W: Tensor, b: Tensor): [Tensor, LinearCache] {
  const fn = "linearForward";
  checkRank(fn, "x", x, ["N", "D"]);
  checkShape(fn, "W", W, [x.shape[1], -1], ["x", x]);
  checkShape(fn, "b", b, [W.shape[1]], ["W", W]);
  if (!(x.data instanceof Float32Array && W.data instanceof Float32Array && b.data instanceof Float32Array)) {
    return referenceForward(x, W, b);
  }
  // BEGIN SOLUTION
  const [N, D] = x.shape;
  const M = W.shape[1];
  const xd = x.data, Wd = W.data, bd = b.data;
  const e = kernelEngine();
  const out = withEngineMemory(e, () => {
    const pOut = e.alloc(4 * N * M);
    const heap = e.f32();
    for (let n = 0; n < N; n++) heap.set(bd, (pOut >> 2) + n * M);
    gemmOnThreads(e, N, M, D, put(e, xd), D, 1, pointer(e, Wd), M, 1, pOut, M, true);
    return take(e, pOut, N * M);
  });
  return [new Tensor(out, [N, M]), { x, W, b }];
  // END SOLUTION
}

/**
 * Backward pass of a fully connected layer (fast path for float32).
 * Inputs: dout [N, M], cache from linearForward. Returns { dx [N, D], dW [D, M], db [M] }.
 */
export function linearBackward(dout: Tensor, cache: LinearCache): { dx: Tensor; dW: Tensor; db: Tensor } {
  const fn = "linearBackward";
  checkCache(fn, cache, ["x", "W", "b"]);
  const { x, W, b } = cache;
  checkUpstream(fn, dout, [x.shape[0], W.shape[1]]);
  if (!(x.data instanceof Float32Array && W.data instanceof Float32Array && dout.data instanceof Float32Array && b.dtype === "float32")) {
    return referenceBackward(dout, cache);
  }
  // BEGIN SOLUTION
  const [N, D] = x.shape;
  const M = W.shape[1];
  const xd = x.data, Wd = W.data, g = dout.data;
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
  // END SOLUTION
}

/** dW += g.dW and db += g.db (same shapes); returns g.dx. */
function addGradients(g: { dx: Tensor; dW: Tensor; db: Tensor }, dW: Tensor, db: Tensor): Tensor {
  for (const [into, add] of [[dW.data, g.dW.data], [db.data, g.db.data]]) {
    for (let i = 0; i < into.length; i++) into[i] += add[i];
  }
  return g.dx;
}

/**
 * Backward pass of a fully connected layer that adds the parameter gradients into dW [D, M] and
 * db [M] (a layer's gradient tensors) instead of returning new ones: when dW lives in kernel memory
 * the GEMM accumulates into it in place. Inputs: dout [N, M], cache from linearForward. Returns dx [N, D].
 */
export function linearBackwardInto(dout: Tensor, cache: LinearCache, dW: Tensor, db: Tensor): Tensor {
  const fn = "linearBackwardInto";
  checkCache(fn, cache, ["x", "W", "b"]);
  const { x, W } = cache;
  checkUpstream(fn, dout, [x.shape[0], W.shape[1]]);
  checkShape(fn, "dW", dW, W.shape, ["W", W]);
  checkShape(fn, "db", db, [W.shape[1]], ["W", W]);
  const e = kernelEngine();
  const pDW = dW.data instanceof Float32Array ? e.pointerOf(dW.data) : -1;
  if (!(pDW >= 0 && x.data instanceof Float32Array && W.data instanceof Float32Array && dout.data instanceof Float32Array && db.data instanceof Float32Array)) {
    return addGradients(linearBackward(dout, cache), dW, db);
  }
  // BEGIN SOLUTION release: return addGradients(linearBackward(dout, cache), dW, db);
  const [N, D] = x.shape;
  const M = W.shape[1];
  const xd = x.data, Wd = W.data, g = dout.data, dbd = db.data;
  for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) dbd[m] += g[n * M + m];
  return withEngineMemory(e, () => {
    const pX = put(e, xd);
    const pDout = put(e, g);
    const pDx = e.alloc(4 * N * D);
    gemmOnThreads(e, N, D, M, pDout, M, 1, pointer(e, Wd), 1, M, pDx, D, false); // dx = dout·Wᵀ
    gemmOnThreads(e, D, M, N, pX, 1, D, pDout, M, 1, pDW, M, true); // dW += xᵀ·dout
    return new Tensor(take(e, pDx, N * D), [N, D]);
  });
  // END SOLUTION
}
