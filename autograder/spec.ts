/**
 * What a hidden test is: for one student function, seeded float64 cases whose expected outputs
 * come from the reference implementation (run here, in the trusted process), plus known wrong
 * variants of those outputs for naming the mistake.
 */
import { Tensor, randn } from "../src/tensor.js";
import type { Candidate } from "./mistakes.js";

/** One case: the arguments (trusted values, possibly with nested student calls) and the answers. */
export interface HiddenCase {
  /** Shown in feedback, e.g. "x [3, 4], W [4, 5], b [5]". */
  label: string;
  /** Batch size N (for the 1/N diagnosis). */
  batch: number;
  args: unknown[];
  /** Expected value of each output of the spec. */
  expected: Record<string, Tensor>;
  /** Mistakes specific to this function, per output (generic ones are added by the runner). */
  candidates?: Record<string, Candidate[]>;
}

/** One student function under test and how to read its outputs. */
export interface FunctionSpec {
  /** Unique id, the prefix of the manifest's test ids (e.g. "linearBackward", "batchNormForward.test"). */
  id: string;
  fn: string;
  file: string;
  /** Output name → path into the returned value, e.g. { dW: ["dW"] } or { out: [0] }. */
  outputs: Record<string, (string | number)[]>;
  /** The cases (deterministic: fixed seeds). */
  cases: () => HiddenCase[];
  /** What the function returns, for messages (default: from `outputs`, e.g. "a Tensor", "[out, cache]", "{ dx, dW, db }"). */
  returns?: string;
}

/** What `spec`'s function returns, in words for the feedback. */
export function returnsText(spec: FunctionSpec): string {
  if (spec.returns) return spec.returns;
  const paths = Object.values(spec.outputs);
  if (paths.some((p) => p.length === 0)) return "a Tensor";
  if (paths.some((p) => typeof p[0] === "number")) return "[out, cache]";
  return `{ ${Object.keys(spec.outputs).join(", ")} }`;
}

/**
 * An argument that is the result (at `pick`) of a call of the student's own function, e.g. the
 * cache of their forward pass for their backward pass. The grader calls it first, on its own; if it
 * fails in any way (throws, hangs, runs out of memory, changes its input, returns a Promise or
 * something malformed), `fallback` (the reference's value) is used instead and the feedback says so.
 */
export interface StudentCall {
  $t: "call";
  call: { file: string; fn: string; args: unknown[] };
  pick: (string | number)[];
  fallback: unknown;
}

/** A StudentCall argument (see there); plain data, so the public cases' JSON file keeps it. */
export function studentCall(file: string, fn: string, args: unknown[], pick: (string | number)[], fallback: unknown): StudentCall {
  return { $t: "call", call: { file, fn, args }, pick, fallback };
}

/** True for a StudentCall argument. */
export function isStudentCall(v: unknown): v is StudentCall {
  return v !== null && typeof v === "object" && (v as { $t?: unknown }).$t === "call";
}

/** Seeded normal tensor; every spec derives its seeds from a fixed base so cases never change. */
export function normal(shape: number[], seed: number, std = 1): Tensor {
  return randn(shape, { seed, std });
}

/** "[2, 3]" for labels. */
export function dims(t: Tensor): string {
  return `[${t.shape.join(", ")}]`;
}

/** Elementwise map into a new float64 tensor of the same shape. */
export function map(t: Tensor, f: (v: number, i: number) => number): Tensor {
  return new Tensor(Float64Array.from(t.data, f), t.shape);
}

/** Cases of a spec computed once per process (the reference runs once, not once per submission). */
export function memo(make: () => HiddenCase[]): () => HiddenCase[] {
  let cached: HiddenCase[] | undefined;
  return () => (cached ??= make());
}
