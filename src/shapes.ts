/**
 * The shape and parameter checks of the whole library, one version of each message. They run
 * before any arithmetic, so a wrong shape gives an Error that names the function and both shapes
 * instead of a NaN or an out-of-range read deep inside a loop. Each op's contract
 * (src/ops/<op>/contract.ts) is written with them; they ship in the student release (no solution).
 */
import { Tensor, shapeStr, type Shape } from "./tensor.js";

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array (wrap it with tensor(...))";
  return typeof value === "object" ? "an object that is not a Tensor" : typeof value;
}

/**
 * True for a Tensor, also one made by another copy of this module (a notebook's dist/ build, a
 * grader's checkout): what counts is a shape array and Float32Array/Float64Array data.
 */
export function isTensor(t: unknown): t is Tensor {
  if (t instanceof Tensor) return true;
  const c = t as { shape?: unknown; data?: unknown } | null;
  return (
    typeof c === "object" && c !== null && Array.isArray(c.shape) &&
    (c.data instanceof Float32Array || c.data instanceof Float64Array)
  );
}

/** Throw unless `t` is a Tensor; names the function and the argument. */
export function expectTensor(fn: string, what: string, t: unknown): asserts t is Tensor {
  if (!isTensor(t)) throw new Error(`${fn}: ${what} must be a Tensor, got ${describe(t)}`);
}

/** True when `shape` matches `expected` (same rank; -1 in `expected` matches any size). */
export function fitsShape(shape: Shape, expected: Shape): boolean {
  return shape.length === expected.length && expected.every((d, i) => d === -1 || d === shape[i]);
}

/** An expected shape as text, -1 written as "*": [4, -1] → "[4, *]". */
export function expectedShapeStr(expected: Shape): string {
  return `[${expected.map((d) => (d === -1 ? "*" : String(d))).join(", ")}]`;
}

/**
 * Throw unless `t` is a Tensor of shape `expected` (-1 matches any size). When `other` is given,
 * the message also shows the shape the expectation was derived from, e.g.
 * `linearForward: W has shape [3, 5], expected [4, *] (x is [2, 4])`.
 */
export function checkShape(fn: string, what: string, t: unknown, expected: Shape, other?: [string, Tensor]): void {
  expectTensor(fn, what, t);
  if (fitsShape(t.shape, expected)) return;
  const from = other ? ` (${other[0]} is ${shapeStr(other[1].shape)})` : "";
  throw new Error(`${fn}: ${what} has shape ${shapeStr(t.shape)}, expected ${expectedShapeStr(expected)}${from}`);
}

/** Throw unless `t` is a Tensor with `layout.length` dimensions, e.g. layout ["N", "C", "H", "W"]. */
export function checkRank(fn: string, what: string, t: unknown, layout: readonly string[]): void {
  expectTensor(fn, what, t);
  if (t.shape.length !== layout.length) {
    throw new Error(
      `${fn}: ${what} has shape ${shapeStr(t.shape)}, expected ${layout.length} dimensions [${layout.join(", ")}]`,
    );
  }
}

/**
 * Throw unless `cache` is an object holding a Tensor under each of `keys` (the cache that the
 * matching forward function returned).
 */
export function checkCache(fn: string, cache: unknown, keys: readonly string[]): void {
  const forward = fn.replace(/Backward$/, "Forward");
  if (typeof cache !== "object" || cache === null) {
    throw new Error(`${fn}: cache must be the cache returned by ${forward}, got ${describe(cache)}`);
  }
  for (const k of keys) {
    if (!isTensor((cache as Record<string, unknown>)[k])) {
      throw new Error(`${fn}: cache.${k} is not a Tensor; pass the cache returned by ${forward}`);
    }
  }
}

/** Throw unless `dout` has exactly the shape of the forward output (`expected`). */
export function checkUpstream(fn: string, dout: unknown, expected: Shape): void {
  expectTensor(fn, "dout", dout);
  if (dout.shape.length !== expected.length || !expected.every((d, i) => d === dout.shape[i])) {
    throw new Error(
      `${fn}: dout has shape ${shapeStr(dout.shape)}, expected ${shapeStr(expected)} (the shape of the forward output)`,
    );
  }
}

/** Throw unless `value` is a finite number in [low, high]; names the function and the parameter. */
export function checkRange(fn: string, what: string, value: unknown, low: number, high: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < low || value > high) {
    throw new Error(`${fn}: ${what} must be a number in [${low}, ${high}], got ${String(value)}`);
  }
  return value;
}

/** Throw unless `value` is an integer ≥ `min`; names the function and the parameter. */
export function checkInteger(fn: string, what: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new Error(`${fn}: ${what} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/**
 * Output size of a convolution or pooling window along one axis: (in − kernel + 2·pad)/stride + 1.
 * Throws (naming `fn` and `axis`) when the kernel does not fit the padded input or the windows do
 * not tile it exactly. `window` is the word used in messages ("window" for pooling).
 */
export function slidingOutputSize(
  fn: string,
  axis: string,
  inSize: number,
  kernel: number,
  stride: number,
  pad: number,
  window: "kernel" | "window" = "kernel",
): number {
  checkInteger(fn, `input ${axis}`, inSize, 1);
  checkInteger(fn, `${window} ${axis}`, kernel, 1);
  checkInteger(fn, "stride", stride, 1);
  checkInteger(fn, "pad", pad, 0);
  const padded = inSize + 2 * pad;
  if (kernel > padded) {
    const input = pad > 0 ? `padded input ${axis} ${padded} (${inSize} + 2·${pad})` : `input ${axis} ${inSize}`;
    const advice = window === "kernel" ? "use a smaller kernel or more padding" : "use a smaller window";
    throw new Error(`${fn}: ${window} ${axis} ${kernel} is larger than the ${input}; ${advice}`);
  }
  const steps = (padded - kernel) / stride;
  if (!Number.isInteger(steps)) {
    throw new Error(
      `${fn}: along ${axis}, (in ${inSize} − kernel ${kernel} + 2·pad ${pad}) / stride ${stride} + 1 = ` +
        `${Number((steps + 1).toFixed(3))} is not an integer; choose stride and pad so that stride divides ${padded - kernel}`,
    );
  }
  return steps + 1;
}
