/**
 * The contract of the fully connected layer, the one the reference loops (src/layers/linear.ts,
 * the assignment) and the fast float32 path (./fast.ts) both keep: the cache and the input checks
 * with their messages.
 */
import type { Tensor } from "../../tensor.js";
import { checkCache, checkRank, checkShape, checkUpstream } from "../../shapes.js";

/** What linearForward keeps for linearBackward: its inputs. */
export interface LinearCache {
  x: Tensor;
  W: Tensor;
  b: Tensor;
}

/** Check linearForward's inputs x [N, D], W [D, M], b [M]; returns [N, D, M]. */
export function checkLinearForward(x: Tensor, W: Tensor, b: Tensor): [number, number, number] {
  const fn = "linearForward";
  checkRank(fn, "x", x, ["N", "D"]);
  checkShape(fn, "W", W, [x.shape[1], -1], ["x", x]);
  checkShape(fn, "b", b, [W.shape[1]], ["W", W]);
  return [x.shape[0], x.shape[1], W.shape[1]];
}

/**
 * Check linearBackward's dout [N, M] and the cache of linearForward; returns [N, D, M].
 * `fn` names the caller in messages.
 */
export function checkLinearBackward(dout: Tensor, cache: LinearCache, fn = "linearBackward"): [number, number, number] {
  checkCache(fn, cache, ["x", "W", "b"]);
  const { x, W } = cache;
  checkUpstream(fn, dout, [x.shape[0], W.shape[1]]);
  return [x.shape[0], x.shape[1], W.shape[1]];
}
