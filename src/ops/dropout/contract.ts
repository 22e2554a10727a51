/**
 * The contract of (inverted) dropout, kept by its reference loops (src/layers/dropout.ts):
 * parameters, cache, and the input checks with their messages.
 */
import type { Rng } from "../../random.js";
import type { Tensor } from "../../tensor.js";
import { checkUpstream, expectTensor } from "../../shapes.js";

export interface DropoutParams {
  /** Probability of dropping a unit, in [0, 1). */
  p: number;
  /** 'train' drops and rescales; 'test' passes x through. */
  mode: "train" | "test";
  /** The generator the mask is drawn from (advanced); or a seed for a fresh one (default 0). */
  rng?: Rng;
  seed?: number;
}

/** What dropoutForward keeps for dropoutBackward: the input's shape and the mask (null when x passed through). */
export interface DropoutCache {
  shape: number[];
  /** 0 for a dropped unit, 1/(1 − p) for a kept one, shaped like x (float64); null in test mode or for p = 0. */
  mask: Tensor | null;
}

/** Check dropoutForward's x (any shape) and params. */
export function checkDropoutForward(x: Tensor, params: DropoutParams): void {
  const fn = "dropoutForward";
  expectTensor(fn, "x", x);
  const p = params?.p;
  if (!(typeof p === "number" && p >= 0 && p < 1)) throw new Error(`${fn}: p must be in [0, 1), got ${p}`);
  if (params.mode !== "train" && params.mode !== "test") {
    throw new Error(`${fn}: mode must be 'train' or 'test', got ${JSON.stringify(params.mode)}`);
  }
}

/** Check dropoutBackward's dout (the shape of x) and the cache of dropoutForward. */
export function checkDropoutBackward(dout: Tensor, cache: DropoutCache): void {
  const fn = "dropoutBackward";
  if (typeof cache !== "object" || cache === null || !Array.isArray(cache.shape)) {
    throw new Error(`${fn}: cache must be the cache returned by dropoutForward`);
  }
  checkUpstream(fn, dout, cache.shape);
}
