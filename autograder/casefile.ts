/**
 * Test specs as data: the public tests are computed with the reference solution when the release is
 * built and shipped as JSON (the student kit has no reference to compute them with). Tensors,
 * label arrays (Int32Array) and nested student calls survive the round trip exactly: float64
 * values are written with the shortest text that reads back to the same number.
 */
import { Tensor } from "../src/tensor.js";
import type { Candidate } from "./mistakes.js";
import type { FunctionSpec, HiddenCase } from "./spec.js";

/** The file's format version (bump when the layout changes). */
const FORMAT = 1;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function encode(v: unknown, where: string): Json {
  if (v instanceof Tensor) return { $tensor: [...v.shape], data: Array.from(v.data) };
  if (v instanceof Int32Array) return { $int32: Array.from(v) };
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`casefile: ${where} is ${v}, which JSON cannot hold`);
    return v;
  }
  if (typeof v === "string" || typeof v === "boolean" || v === null) return v;
  if (Array.isArray(v)) return v.map((x, i) => encode(x, `${where}[${i}]`));
  if (typeof v === "object" && v !== undefined && !ArrayBuffer.isView(v)) {
    const out: { [key: string]: Json } = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = encode(x, `${where}.${k}`);
    return out;
  }
  throw new Error(`casefile: cannot store ${where} (a ${typeof v})`);
}

function decode(v: Json): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v.$tensor) && Array.isArray(v.data)) return new Tensor(Float64Array.from(v.data as number[]), v.$tensor as number[]);
  if (Array.isArray(v.$int32)) return Int32Array.from(v.$int32 as number[]);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = decode(x);
  return out;
}

/** JSON text of `specs` with every case computed (runs the reference through `cases()`). */
export function specsToJson(specs: readonly FunctionSpec[]): string {
  const data = specs.map((s) => ({
    id: s.id,
    fn: s.fn,
    file: s.file,
    outputs: s.outputs,
    cases: s.cases().map((c, k) => encode(c, `${s.id} case ${k + 1}`)),
  }));
  return `${JSON.stringify({ format: FORMAT, specs: data })}\n`;
}

/** The specs stored by specsToJson; throws with a one-line reason when the text is not such a file. */
export function specsFromJson(text: string, file: string): FunctionSpec[] {
  let parsed: { format?: unknown; specs?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}): download the kit again`);
  }
  if (parsed.format !== FORMAT || !Array.isArray(parsed.specs)) throw new Error(`${file} is not a test-case file of this kit version: download the kit again`);
  return (parsed.specs as { id: string; fn: string; file: string; outputs: FunctionSpec["outputs"]; cases: Json[] }[]).map((s) => {
    const cases = s.cases.map((c) => decode(c) as HiddenCase & { candidates?: Record<string, Candidate[]> });
    return { id: s.id, fn: s.fn, file: s.file, outputs: s.outputs, cases: () => cases };
  });
}
