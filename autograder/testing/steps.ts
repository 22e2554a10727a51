/**
 * Functions called several times in a row, each call given what the previous one left: an update
 * rule that changes its parameter and its state in place, run for a few steps with the state
 * carried. A case lists every call's arguments; the carried ones (output name → argument
 * position) are read after each call (paths "$args", k) and passed to the next call in place of the
 * case's own, so a mistake that compounds over steps (momentum not carried) shows as it would in
 * training. The test of one output compares its value after the last call.
 *
 *   const calls = stepCalls(momentumTable);   // carried: { x: 0, v: 2 }
 *   test("v", () => checkStepOutput(calls, "v"));
 */
import type { Tensor } from "../../src/tensor.js";
import type { Candidate } from "../mistakes.js";
import { forEachCase, once } from "./cases.js";
import { StudentFailure } from "./failure.js";
import { expectTensor } from "./expect.js";
import { StudentOutput, student, type StudentResult } from "./student.js";

/** One case: the calls' arguments, and the expected carried values after the last call. */
export interface StepCase {
  /** Shown in feedback, e.g. "x [6], 3 steps, lr 0.1". */
  label: string;
  /** Each call's arguments; at the carried positions only the first call's are used. */
  calls: unknown[][];
  /** Expected value of each carried output after the last call (a Float64Array where the argument is one). */
  expected: Record<string, Tensor | Float64Array>;
  /** Known wrong answers per output (the value after the last call of a wrong variant), most specific first. */
  mistakes?: Record<string, Candidate[]>;
}

/** The cases of one function that changes its arguments, and which arguments it carries from call to call. */
export interface StepTable {
  fn: string;
  /** Output name → the argument (0-based) read after each call and passed to the next one. */
  carried: Record<string, number>;
  cases: StepCase[];
}

/** The once-per-case runs of a table: the outputs after the last call (changed: what any call changed that it may not), or why the run stopped. */
export interface StepCalls {
  table: StepTable;
  run: (k: number) => Promise<StudentResult>;
}

/** The value a carried output passes to the next call: a plain Float64Array, a Tensor or a number, as read. */
function carry(out: StudentOutput): unknown {
  const v = out.value;
  if (v.kind === "tensor") return v.array ? v.tensor.data : v.tensor;
  if (v.kind === "number") return v.value;
  throw new StudentFailure(`${out.fn} left ${out.name} as ${v.desc}`, "mismatch");
}

/** Run case `c`: every call in a row, the carried arguments passed on. */
async function runCase(table: StepTable, c: StepCase): Promise<StudentResult> {
  const fn = student(table.fn, { returns: Object.fromEntries(Object.entries(table.carried).map(([name, at]) => [name, ["$args", at]])) });
  const carried = new Map<number, unknown>();
  const changed = new Set<string>();
  let last: StudentResult = {};
  for (const args of c.calls) {
    last = await fn(...args.map((a, i) => (carried.has(i) ? carried.get(i) : a)));
    for (const [name, at] of Object.entries(table.carried)) {
      carried.set(at, carry(last[name]));
      for (const ch of last[name].changed) changed.add(ch);
    }
  }
  return Object.fromEntries(Object.entries(last).map(([name, out]) => [name, new StudentOutput(out.fn, name, out.value, [...changed])]));
}

/** The once-per-case runs of `table`; call it at the top level of a test file (each submission runs its own copy). */
export function stepCalls(table: StepTable): StepCalls {
  const runs = table.cases.map((c) => once(() => runCase(table, c)));
  return { table, run: (k) => runs[k]() };
}

/** The test of carried output `name`: its value after every case's last call compared with the expected one. */
export function checkStepOutput(calls: StepCalls, name: string): Promise<void> {
  return forEachCase(calls.table.cases, (c) => c.label, async (c, k) => {
    const result = await calls.run(k);
    expectTensor(result[name], c.expected[name], { mistakes: c.mistakes?.[name] ?? [], noGeneric: true });
  });
}
