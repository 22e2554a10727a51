/**
 * A student's function, as a test calls it: `student("linearForward", { returns: "[out, cache]",
 * keep: "cache" })` gives an async function. Each call goes to the submission's sandbox child
 * (never into this process); its outputs come back as plain data, validated and copied
 * (StudentOutput), and the part named by `keep` (a forward pass's cache) stays in the child, as a
 * Kept handle (keptOf) the test can pass to the next call. A function that changes its arguments in
 * place (an update rule) is read after the call through paths that start with "$args":
 * `student("sgdRule", { returns: { x: ["$args", 0] } })`. A call that fails (throws, hangs, runs out of
 * memory, returns a Promise, changes an input the manifest does not let it change) rejects with a
 * StudentFailure saying so in the feedback's words.
 */
import { Tensor } from "../../src/tensor.js";
import { readOutput, toWire, type Output, type Wire } from "../sandbox/wire.js";
import { ask } from "./channel.js";
import { StudentFailure } from "./failure.js";

/** One output of a call: the validated value, and the inputs the call changed (that it may not). */
export class StudentOutput {
  constructor(
    readonly fn: string,
    readonly name: string,
    readonly value: Output,
    readonly changed: readonly string[],
  ) {}

  /** The output as a Tensor (float64 copy), or undefined when it is not one. */
  get tensor(): Tensor | undefined {
    return this.value.kind === "tensor" ? this.value.tensor : undefined;
  }

  /** The output as a number, or undefined when it is not one. */
  get number(): number | undefined {
    return this.value.kind === "number" ? this.value.value : undefined;
  }
}

/** A value kept in the sandbox child (e.g. a forward pass's cache); pass it as an argument to the next call. */
export interface Kept {
  $t: "kept";
  pick: (string | number)[];
  /** The function whose result it is. */
  fn: string;
}

/** What a call returns: each output by name (the kept one is had with keptOf). */
export type StudentResult = { readonly [name: string]: StudentOutput };

const keptValues = new WeakMap<StudentResult, Kept>();

/** The value a call kept in the child (its `keep` output), if any. */
export function keptOf(result: StudentResult): Kept | undefined {
  return keptValues.get(result);
}

/** How to read a student function's result. */
export interface StudentOptions {
  /**
   * The result's shape: "[out, cache]" (positions), "{ dx, dW, db }" (fields), one name for the
   * whole value (default "value"), or nested, e.g. "[out, { runningMean }]"; or output name → path,
   * where a path that starts with "$args" reads an argument after the call
   * (`{ x: ["$args", 0], v: ["$args", 2] }`).
   */
  returns?: string | Readonly<Record<string, readonly (string | number)[]>>;
  /** The output that stays in the child (e.g. "cache"), returned as `kept`. */
  keep?: string;
}

/** A student function: call it with trusted values (Tensors, numbers, Int32Array labels, Float64Arrays, plain objects, Kept handles). */
export type StudentFunction = ((...args: unknown[]) => Promise<StudentResult>) & { readonly fn: string; readonly returns: string; readonly keepPath?: readonly (string | number)[] };

const NAME = /^[A-Za-z_$][\w$]*$/;

/** The comma-separated items of `text` at bracket depth 0; undefined when the brackets do not balance. */
function topLevelItems(text: string): string[] | undefined {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "[" || ch === "{") depth++;
    else if (ch === "]" || ch === "}") depth--;
    if (depth < 0) return undefined;
    if (ch === "," && depth === 0) {
      items.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  items.push(text.slice(start).trim());
  return depth === 0 ? items.filter((s) => s !== "") : undefined;
}

/** The outputs of pattern `text` found at `at` in the result, into `out`; false when `text` is no pattern. */
function readPattern(text: string, at: (string | number)[], out: Record<string, (string | number)[]>): boolean {
  if (NAME.test(text)) {
    out[text] = at;
    return true;
  }
  const open = text[0];
  const close = open === "[" ? "]" : open === "{" ? "}" : undefined;
  const items = close && text.endsWith(close) ? topLevelItems(text.slice(1, -1)) : undefined;
  if (!items || items.length === 0) return false;
  return items.every((item, i) => {
    if (open === "[") return readPattern(item, [...at, i], out);
    const colon = item.indexOf(":");
    if (colon < 0) return NAME.test(item) && readPattern(item, [...at, item], out);
    const key = item.slice(0, colon).trim();
    return NAME.test(key) && readPattern(item.slice(colon + 1).trim(), [...at, key], out);
  });
}

/**
 * Output name → path into the result, parsed from a `returns` text written like a destructuring:
 * "[out, cache]" (positions), "{ dx, dW, db }" (fields), "dx" (the whole value), and nested ones,
 * e.g. "[out, { runningMean, runningVar }]" (fields of the result's [1]) or "{ cache: { mean } }".
 */
export function parseReturns(returns: string): Record<string, (string | number)[]> {
  const out: Record<string, (string | number)[]> = {};
  if (!readPattern(returns.trim(), [], out)) {
    throw new Error(`nnkit/grading: returns "${returns}" is not "[a, b]", "{ a, b }", a name, or such patterns nested (e.g. "[out, { mean }]")`);
  }
  return out;
}

/** Output name → path and the result in words (for messages), from StudentOptions.returns. */
function outputPaths(returns: StudentOptions["returns"] = "value"): { paths: Record<string, (string | number)[]>; text: string } {
  if (typeof returns === "string") return { paths: parseReturns(returns), text: returns };
  const paths = Object.fromEntries(Object.entries(returns).map(([name, path]) => [name, [...path]]));
  const inPlace = Object.values(paths).every((p) => p[0] === "$args");
  return { paths, text: inPlace ? "nothing (it changes its arguments in place)" : `{ ${Object.keys(paths).join(", ")} }` };
}

/** The student function `fn` (a function the manifest lists), called in the sandbox. */
export function student(fn: string, opts: StudentOptions = {}): StudentFunction {
  const { paths, text: returns } = outputPaths(opts.returns);
  const keepPath = opts.keep === undefined ? undefined : paths[opts.keep];
  if (opts.keep !== undefined && !keepPath) throw new Error(`nnkit/grading: keep "${opts.keep}" is not one of the outputs in "${returns}"`);
  const outputs = Object.fromEntries(Object.entries(paths).filter(([name]) => name !== opts.keep));
  const call = async (...args: unknown[]): Promise<StudentResult> => {
    const reply = await ask({ op: "call", fn, returns, args: args.map(toWire) as Wire[], outputs, ...(keepPath ? { keep: keepPath } : {}) });
    if (!reply.ok) {
      if (reply.kind === "fault" || reply.kind === "unlisted") throw new Error(reply.message); // the grader's, not the student's
      throw new StudentFailure(reply.message, reply.kind, undefined, reply.kind === "broken" ? reply.cause : undefined);
    }
    if (!("outcome" in reply)) throw new Error("nnkit/grading: a call was answered as a recording");
    const { outcome } = reply;
    const result: Record<string, StudentOutput> = {};
    for (const name of Object.keys(outputs)) result[name] = new StudentOutput(fn, name, readOutput(outcome.outputs[name]), outcome.changed);
    if (keepPath && outcome.kept === true) keptValues.set(result, { $t: "kept", pick: keepPath, fn });
    return result;
  };
  return Object.assign(call, { fn, returns, ...(keepPath ? { keepPath } : {}) });
}
