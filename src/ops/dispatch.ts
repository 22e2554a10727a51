/**
 * The one dispatch from a layer to the reference loops or a fast float32 path: `dispatch` picks
 * per call, and both paths check their inputs with the op's one contract, so a bad input gives the
 * same message whichever runs (a test checks it for every op).
 */
import type { Tensor } from "../tensor.js";

/** True when every argument is a tensor holding Float32Array data. */
export function allFloat32(...ts: unknown[]): boolean {
  return ts.every((t) => typeof t === "object" && t !== null && (t as { data?: unknown }).data instanceof Float32Array);
}

/** `t`'s data for a fast path, which takes float32 tensors only (dispatch sends it no others). */
export function float32Data(fn: string, t: Tensor): Float32Array {
  if (!(t.data instanceof Float32Array)) throw new Error(`${fn}: the fast path takes float32 tensors, got ${t.dtype}`);
  return t.data;
}

/** The op that runs `fast` when `useFast` holds for its arguments, else `reference`. */
export function dispatch<A extends unknown[], R>(
  reference: (...args: A) => R,
  fast: (...args: A) => R,
  useFast: (...args: A) => boolean,
): (...args: A) => R {
  return (...args: A) => (useFast(...args) ? fast(...args) : reference(...args));
}
