/**
 * The tensor matcher of graded tests: `expectTensor(r.dW, expected, { mistakes, batch })` passes
 * when the student's output is a Tensor of the expected shape and dtype (or, when `expected` is a
 * plain Float64Array, a plain Float64Array of its length) whose relative error
 * (cs231n's max |x − y| / max(1e-8, |x| + |y|)) is within the manifest's tolerance, and the call
 * changed none of its inputs. Otherwise it throws a StudentFailure whose message says what is
 * wrong (shape, NaN, the first wrong element) and names the likely mistake: the first of the given
 * known wrong answers, then the generic ones (sign, 1/N, transposed, zeros), that the output matches.
 */
import { Tensor, shapeStr } from "../../src/tensor.js";
import { compareTensor } from "../compare.js";
import { diagnose, genericCandidates, type Candidate } from "../mistakes.js";
import { gradingContext } from "./channel.js";
import { StudentFailure } from "./failure.js";
import type { StudentOutput } from "./student.js";

/** Options of expectTensor. */
export interface TensorExpectation {
  /** Known wrong answers of this case, most specific first. */
  mistakes?: readonly Candidate[];
  /** The batch size N, for the generic "missing 1/N" diagnosis (default: no 1/N candidates). */
  batch?: number;
  /** Relative-error threshold (default: the manifest's tolerance). */
  tolerance?: number;
  /** Leave out the generic candidates (sign, 1/N, transposed, zeros). */
  noGeneric?: boolean;
}

/** The message for an output that is not a plain float array when `expected` is one [n], or undefined. */
function arrayProblem(out: StudentOutput, expected: Tensor): string | undefined {
  const v = out.value;
  if (v.kind === "tensor" && v.array) return v.dtype === "float64" ? undefined : `${out.name} is a Float32Array; expected a Float64Array of length ${expected.size}.`;
  return `${out.name} is ${v.kind === "number" ? `the number ${v.value}` : v.kind === "tensor" ? "a Tensor" : v.desc}; expected a Float64Array of length ${expected.size}.`;
}

/** The message for an output that is not a Tensor of the right dtype, or undefined. */
function kindProblem(out: StudentOutput, expected: Tensor): string | undefined {
  const v = out.value;
  if (v.kind === "tensor" && v.array) return `${out.name} is a plain ${v.dtype === "float32" ? "Float32Array" : "Float64Array"}; expected a Tensor of shape ${shapeStr(expected.shape)}.`;
  if (v.kind === "other") return `${out.name} is ${v.desc}; expected a Tensor of shape ${shapeStr(expected.shape)}.`;
  if (v.kind === "number") return `${out.name} is the number ${v.value}; expected a Tensor of shape ${shapeStr(expected.shape)}.`;
  if (v.dtype !== expected.dtype) {
    return `${out.name} is a ${v.dtype} Tensor; expected ${expected.dtype}, the dtype of the inputs (allocate the result with the input's dtype, e.g. allocate(n, x.dtype)).`;
  }
  return undefined;
}

/** Check one output of a student call against `expected` (a Tensor [any shape] or a plain Float64Array [n]); throws a StudentFailure when it is wrong. */
export function expectTensor(out: StudentOutput, want: Tensor | Float64Array, opts: TensorExpectation = {}): void {
  const expected = want instanceof Float64Array ? new Tensor(want, [want.length]) : want;
  const problem = want instanceof Float64Array ? arrayProblem(out, expected) : kindProblem(out, expected);
  if (problem) throw new StudentFailure(problem, "mismatch");
  const actual = out.value.kind === "tensor" ? out.value.tensor : expected;
  const mismatch = compareTensor(out.name, expected, actual, opts.tolerance ?? gradingContext().tolerance);
  if (mismatch) {
    const candidates = [...(opts.mistakes ?? []), ...(opts.noGeneric ? [] : genericCandidates(out.name, expected, opts.batch ?? 1))];
    const found = diagnose(actual, candidates);
    throw new StudentFailure(mismatch.message, "mismatch", found ? { name: found.mistake, hint: found.hint } : undefined);
  }
  if (out.changed.length > 0) {
    throw new StudentFailure(`${out.fn} changed its input ${out.changed.join(", ")}: functions must not change their inputs (make a new tensor).`, "changed");
  }
}

/** Check a number output (a loss) against `expected` with the same relative-error rule. */
export function expectNumber(out: StudentOutput, expected: number, opts: { tolerance?: number } = {}): void {
  const v = out.value;
  if (v.kind !== "number") throw new StudentFailure(`${out.name} is ${v.kind === "tensor" ? "a Tensor" : v.desc}; expected a number.`, "mismatch");
  const err = Math.abs(v.value - expected) / Math.max(1e-8, Math.abs(v.value) + Math.abs(expected));
  const tol = opts.tolerance ?? gradingContext().tolerance;
  if (!(err <= tol)) throw new StudentFailure(`${out.name} is ${v.value}, expected ${expected} (relative error ${Number.isFinite(err) ? err.toExponential(1) : err} > ${tol.toExponential(0)}).`, "mismatch");
  if (out.changed.length > 0) {
    throw new StudentFailure(`${out.fn} changed its input ${out.changed.join(", ")}: functions must not change their inputs (make a new tensor).`, "changed");
  }
}
