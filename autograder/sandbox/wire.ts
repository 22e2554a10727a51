/**
 * The data that crosses the process boundary, seen from the trusted side.
 *
 * Going out: trusted values (Tensors, numbers, labels, plain Float64Arrays, plain objects, nested
 * calls) are turned into plain data. Coming back: whatever the child sent is untrusted; `readOutput`
 * accepts only a number, { shape: integer[], data: Float64Array of the right length } (a Tensor) or
 * { data: Float64Array } (a plain float array) and copies the data into a fresh Float64Array owned
 * by the grader, so no object from the child is ever compared.
 */
import { Tensor } from "../../src/tensor.js";

/** A call of a student function: file (as in the manifest), export name, arguments. */
export interface CallSpec {
  file: string;
  fn: string;
  args: Wire[];
}

/** Plain data accepted by the child: tensors, numbers, labels, plain float arrays, objects, and the value the child kept from the previous call. */
export type Wire =
  | number
  | string
  | boolean
  | null
  | Int32Array
  | Float64Array
  | Wire[]
  | { $t: "tensor"; shape: number[]; dtype: string; data: Float64Array }
  | { $t: "kept"; pick: (string | number)[] }
  | { [key: string]: Wire };

/** Encode a trusted value (Tensor, number, Int32Array, Float64Array, array or plain object of those) for the child. */
export function toWire(v: unknown): Wire {
  if (v instanceof Tensor) return { $t: "tensor", shape: [...v.shape], dtype: v.dtype, data: Float64Array.from(v.data) };
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean" || v === null) return v;
  if (v instanceof Int32Array) return Int32Array.from(v);
  if (v instanceof Float64Array) return Float64Array.from(v);
  if (Array.isArray(v)) return v.map(toWire);
  if (typeof v === "object" && v !== undefined && !ArrayBuffer.isView(v)) {
    const out: { [key: string]: Wire } = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = toWire(x);
    return out;
  }
  throw new Error(`toWire: cannot send a ${typeof v} to the sandbox`);
}

/**
 * A student function's output as the grader sees it after validation (`dtype`: the student's result's own).
 * A plain Float32Array or Float64Array (e.g. a parameter an update rule changed in place) is a
 * "tensor" of shape [n] marked `array`, so that a test expecting a Tensor can tell it apart.
 */
export type Output =
  | { kind: "tensor"; tensor: Tensor; dtype: "float32" | "float64"; array?: true }
  | { kind: "number"; value: number }
  | { kind: "other"; desc: string };

const MAX_DIMS = 8;

/** Validate and copy one untrusted output value received from the child. */
export function readOutput(v: unknown): Output {
  if (typeof v === "number") return { kind: "number", value: v };
  if (v === null || typeof v !== "object") return { kind: "other", desc: "an unreadable value" };
  const o = v as Record<string, unknown>;
  if (o.$t === "tensor") {
    const shape = o.shape instanceof Float64Array ? Array.from(o.shape) : o.shape;
    const data = o.data;
    if (
      !Array.isArray(shape) ||
      shape.length > MAX_DIMS ||
      !shape.every((d) => typeof d === "number" && Number.isInteger(d) && d >= 0)
    ) {
      return { kind: "other", desc: "a Tensor whose shape is not a list of non-negative integers" };
    }
    if (!(data instanceof Float64Array)) return { kind: "other", desc: "a Tensor whose data is not numeric" };
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      return { kind: "other", desc: `a Tensor of shape [${shape.join(", ")}] holding ${data.length} values` };
    }
    return { kind: "tensor", tensor: new Tensor(new Float64Array(data), shape as number[]), dtype: o.dtype === "float32" ? "float32" : "float64" };
  }
  if (o.$t === "array") {
    if (!(o.data instanceof Float64Array)) return { kind: "other", desc: "an array whose data is not numeric" };
    return { kind: "tensor", tensor: new Tensor(new Float64Array(o.data), [o.data.length]), dtype: o.dtype === "float32" ? "float32" : "float64", array: true };
  }
  if (o.$t === "other" && typeof o.desc === "string") return { kind: "other", desc: o.desc.slice(0, 200) };
  return { kind: "other", desc: "an unreadable value" };
}
