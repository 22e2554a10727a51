/**
 * The sandbox child's record of what a call was given: each tensor, label or float array passed to
 * student code (and each float array of the value kept from the previous call) with a private copy
 * of its values, so that a change the call made is seen after it. Like child.ts it uses only the
 * intrinsics captured before any student code runs (intrinsics.ts): student code may replace any
 * global, and these run after it.
 */
import { F64, getOwnPropertyDescriptor, objectIs, objectKeys, put, typedArrayName, typedLength } from "./intrinsics.js";

/** The largest array copied (elements). */
export const MAX_ELEMENTS = 1e7;

/** A tensor (or label array) given to the student, with private copies of its data and shape to detect changes. */
export interface Given {
  where: string;
  tensor?: { shape: number[]; data: Float32Array | Float64Array };
  data: Float32Array | Float64Array | Int32Array;
  copy: Float64Array;
  shape: number[];
  shapeCopy: Float64Array;
}

/** A copy of `src` in a new `T`, and a private float64 copy of its values. */
export function copyOf<A extends Float32Array | Float64Array | Int32Array>(T: new (n: number) => A, src: ArrayLike<number>): [A, Float64Array] {
  const n = typedLength(src);
  const data = new T(n);
  const copy = new F64(n);
  for (let i = 0; i < n; i++) {
    data[i] = src[i];
    copy[i] = data[i];
  }
  return [data, copy];
}

/**
 * Record the float arrays inside a kept value (the student's own forward cache: its tensors' data,
 * plain arrays) so that a call that changes them is caught like one that changes a given tensor.
 * Only own data properties are read (no getter runs), two levels deep, at most 64 keys each.
 */
export function trackKept(value: unknown, where: string, given: Given[], depth: number): void {
  const plain = typedArrayName(value);
  if (plain === "Float64Array" || plain === "Float32Array" || plain === "Int32Array") {
    const data = value as Float64Array;
    const copy = floatCopy(data as Float64Array);
    if (copy) put(given, given.length, { where, data, copy, shape: [], shapeCopy: new F64(0) });
    return;
  }
  if (value === null || typeof value !== "object" || plain !== undefined || depth > 2) return;
  const keys = objectKeys(value);
  for (let i = 0; i < keys.length && i < 64; i++) {
    const d = getOwnPropertyDescriptor(value, keys[i]);
    if (d && "value" in d) trackKept(d.value, keys[i] === "data" ? where : `${where}.${keys[i]}`, given, depth + 1);
  }
}

/** The inputs the call changed ("argument 1", "argument 4.runningMean", …). */
export function changedInputs(given: Given[]): string[] {
  const out: string[] = [];
  for (let g = 0; g < given.length; g++) {
    const r = given[g];
    const n = typedLength(r.copy);
    const dims = typedLength(r.shapeCopy);
    let changed = (r.tensor !== undefined && (r.tensor.data !== r.data || r.tensor.shape !== r.shape)) || typedLength(r.data) !== n || r.shape.length !== dims;
    for (let i = 0; !changed && i < n; i++) changed = !objectIs(r.data[i], r.copy[i]);
    for (let i = 0; !changed && i < dims; i++) changed = !objectIs(r.shape[i], r.shapeCopy[i]);
    if (changed) put(out, out.length, r.where);
  }
  return out;
}

/** A fresh Float64Array with the values of genuine float array `src`, or undefined when it is too large. */
export function floatCopy(src: Float64Array | Float32Array): Float64Array | undefined {
  const n = typedLength(src);
  if (!(n >= 0 && n <= MAX_ELEMENTS)) return undefined;
  const data = new F64(n);
  for (let i = 0; i < n; i++) data[i] = src[i];
  return data;
}

