/**
 * Recorded values as data: what the public tests compute with the reference solution is recorded
 * when the release is built and shipped as JSON (the student kit has no reference to compute them
 * with). Tensors, label arrays (Int32Array), plain Float64Arrays, numbers, strings and plain objects and arrays of them
 * survive the round trip exactly: float64 values are written with the shortest text that reads
 * back to the same number.
 */
import { Tensor } from "../src/tensor.js";

/** The file's format version (bump when the layout changes). */
export const RECORDED_FORMAT = 2;

/** Plain JSON. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The JSON form of a trusted value (`where` names it in errors). */
export function encodeValue(v: unknown, where: string): Json {
  // NaN and ±Infinity (a known wrong answer's reads past an array's end) as text, which Float64Array.from reads back
  if (v instanceof Tensor) return { $tensor: [...v.shape], data: Array.from(v.data, (x): number | string => (Number.isFinite(x) ? x : String(x))) };
  if (v instanceof Int32Array) return { $int32: Array.from(v) };
  if (v instanceof Float64Array) return { $float64: Array.from(v, (x, i) => encodeValue(x, `${where}[${i}]`) as number) };
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`recorded value: ${where} is ${v}, which JSON cannot hold`);
    return v;
  }
  if (typeof v === "string" || typeof v === "boolean" || v === null) return v;
  if (Array.isArray(v)) return v.map((x, i) => encodeValue(x, `${where}[${i}]`));
  if (typeof v === "object" && v !== undefined && !ArrayBuffer.isView(v)) {
    const out: { [key: string]: Json } = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = encodeValue(x, `${where}.${k}`);
    return out;
  }
  throw new Error(`recorded value: cannot store ${where} (a ${typeof v})`);
}

/** The value of a JSON form made by encodeValue. */
export function decodeValue(v: Json): unknown {
  if (Array.isArray(v)) return v.map(decodeValue);
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v.$tensor) && Array.isArray(v.data)) return new Tensor(Float64Array.from(v.data, Number), v.$tensor as number[]);
  if (Array.isArray(v.$int32)) return Int32Array.from(v.$int32 as number[]);
  if (Array.isArray(v.$float64)) return Float64Array.from(v.$float64 as number[]);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = decodeValue(x);
  return out;
}

/** The text of a recorded-values file: key → value, keys sorted (the same values, the same bytes). */
export function recordedFileText(values: ReadonlyMap<string, Json>): string {
  const sorted = Object.fromEntries([...values.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify({ format: RECORDED_FORMAT, values: sorted })}\n`;
}

/** The values of a recorded-values file; throws a one-line reason when `text` is not one. */
export function readRecordedFile(text: string, file: string): Map<string, Json> {
  let parsed: { format?: unknown; values?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}): download the kit again`);
  }
  if (parsed.format !== RECORDED_FORMAT || parsed.values === null || typeof parsed.values !== "object") throw new Error(`${file} is not a recorded-values file of this kit version: download the kit again`);
  return new Map(Object.entries(parsed.values as Record<string, Json>));
}
