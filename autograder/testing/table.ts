/**
 * Case tables: a function's cases as data (arguments, expected outputs, known wrong answers), and
 * the tests that check one output of it over every case. A backward pass's case names the forward
 * call whose cache it takes (`forward`): the student's own forward pass is called for it, and the
 * reference forward's cache stands in when that fails (see forward.ts).
 *
 *   const calls = caseCalls(linearBackwardTable);       // at the top of the test file
 *   test("dW", () => checkOutput(calls, "dW"));
 */
import type { Tensor } from "../../src/tensor.js";
import type { Candidate } from "../mistakes.js";
import { forEachCase, once } from "./cases.js";
import { StudentFailure, note, testRecord } from "./failure.js";
import { expectNumber, expectTensor } from "./expect.js";
import { cacheArg, forwardCache, isWrongOutput } from "./forward.js";
import { student, type StudentFunction, type StudentResult } from "./student.js";

/** The forward call whose cache a backward case takes, as argument `at` of the case's args. */
export interface ForwardOf {
  fn: string;
  args: unknown[];
  /** The reference forward's cache (used when the student's forward fails). */
  reference: unknown;
  at: number;
}

/** One case of a table. */
export interface GradedCase {
  /** Shown in feedback, e.g. "x [3, 4], W [4, 5], b [5]". */
  label: string;
  /** Batch size N (for the generic 1/N diagnoses). */
  batch: number;
  /** The arguments (at `forward.at`, whatever: the cache is put there). */
  args: unknown[];
  /** Expected value of each output. */
  expected: Record<string, Tensor | number>;
  /** Known wrong answers per output, most specific first. */
  mistakes?: Record<string, Candidate[]>;
  forward?: ForwardOf;
}

/** The cases of one student function and how to read its result. */
export interface CaseTable {
  fn: string;
  /** The result's shape, as student() reads it: "[out, cache]", "{ dx, dW, db }", "dx". */
  returns: string;
  /** The forward passes' kept output (their cache), for tables of forward passes that backward tables use. */
  keep?: string;
  cases: GradedCase[];
}

/** A case's call: the result or the error it failed with, and the notes for the feedback (the reference cache stood in). */
export type CaseCall = { result: StudentResult; notes: string[] } | { result?: undefined; error: unknown; notes: string[] };

/** The calls of a table, each made once for all the tests of its outputs (one submission's). */
export interface CaseCalls {
  table: CaseTable;
  /** Case k's call; a backward case on the student's own forward cache when that forward works. */
  call: (k: number) => Promise<CaseCall & { ownCache: boolean }>;
  /** Case k's call on the reference forward's cache (backward cases only). */
  onReference: (k: number) => Promise<CaseCall>;
}

/** How the forward pass of a backward table is read: its output and its kept cache. */
const FORWARD = { returns: "[out, cache]", keep: "cache" };

/** The once-per-case calls of `table`; call it at the top level of a test file (each submission runs its own copy). */
export function caseCalls(table: CaseTable): CaseCalls {
  const fn: StudentFunction = student(table.fn, { returns: table.returns });
  const forwards = new Map<string, StudentFunction>();
  const calls = table.cases.map((c) =>
    once(async (): Promise<CaseCall & { ownCache: boolean }> => {
      const args = [...c.args];
      const notes: string[] = [];
      let ownCache = false;
      try {
        const f = c.forward;
        if (f) {
          const forward = forwards.get(f.fn) ?? student(f.fn, FORWARD);
          forwards.set(f.fn, forward);
          const cache = await forwardCache(forward, f.args, f.reference);
          args[f.at] = cacheArg(cache);
          ownCache = cache.kept !== undefined;
          if (!cache.kept) notes.push(cache.note);
        }
        return { result: await fn(...args), notes, ownCache };
      } catch (error) {
        // a function whose file is missing or broken was not tested at all: which cache it would have had is beside the point
        const untested = error instanceof StudentFailure && error.kind === "file";
        return { error, notes: untested ? [] : notes, ownCache };
      }
    }),
  );
  const onReference = table.cases.map((c) =>
    once(async (): Promise<CaseCall> => {
      const args = [...c.args];
      if (c.forward) args[c.forward.at] = c.forward.reference;
      try {
        return { result: await fn(...args), notes: [] };
      } catch (error) {
        return { error, notes: [] };
      }
    }),
  );
  return { table, call: (k) => calls[k](), onReference: (k) => onReference[k]() };
}

/** Compare output `name` of `result` with case `c`'s expected value; throws the student's failure. */
function verify(c: GradedCase, result: StudentResult, name: string): void {
  const out = result[name];
  const expected = c.expected[name];
  if (typeof expected === "number") expectNumber(out, expected);
  else expectTensor(out, expected, { mistakes: c.mistakes?.[name] ?? [], batch: c.batch });
}

/**
 * The test of output `name` of a table: every case's output compared with the expected one. A
 * backward pass graded on the student's own forward cache whose output is wrong is tried on the
 * reference forward's cache too: right there, it passes (with a note), since the difference comes
 * from the forward pass, which is graded on its own.
 */
export function checkOutput(calls: CaseCalls, name: string): Promise<void> {
  const { cases, fn } = calls.table;
  const uses = cases.find((c) => c.forward)?.forward?.fn;
  if (uses) testRecord().uses = uses;
  return forEachCase(cases, (c) => c.label, async (c, k) => {
    const made = await calls.call(k);
    for (const n of made.notes) note(n);
    if (!made.result) throw made.error;
    try {
      verify(c, made.result, name);
    } catch (e) {
      if (!made.ownCache || !isWrongOutput(e)) throw e;
      const alt = await calls.onReference(k);
      if (!alt.result) throw e;
      try {
        verify(c, alt.result, name);
      } catch {
        throw e;
      }
      note(`${fn}'s ${name} is wrong on the cache of your ${uses} but right on the reference ${uses}'s cache, so it was graded on that: the difference comes from ${uses}, which is graded on its own.`);
    }
  });
}
