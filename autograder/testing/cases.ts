/**
 * Running a test over several cases as the feedback shows them: each case is tried, a failing case
 * is recorded with its label and the next one runs; after a call that ended the child (hung, ran
 * out of memory, crashed, flooded the output) the remaining cases are "not run". The test fails
 * when any case failed, with every failing case in the feedback.
 */
import { ENDS_CHILD } from "../engine/protocol.js";
import { StudentFailure, isStudentFailure, testRecord, type CaseFailure } from "./failure.js";

/** One case's failure from the error it threw; rethrows errors that are not the student's. */
function failureOf(label: string, e: unknown): CaseFailure {
  if (!isStudentFailure(e)) throw e;
  const mistake = e instanceof StudentFailure ? e.mistake : undefined;
  return { label, message: e.message, ...(mistake ? { mistake } : {}) };
}

/** Run `body` on every case (label(c, k) names case k in the feedback); fails the test when any case failed. */
export async function forEachCase<C>(cases: readonly C[], label: (c: C, k: number) => string, body: (c: C, k: number) => Promise<void>): Promise<void> {
  const record = testRecord();
  const failed: CaseFailure[] = [];
  let stopped: string | undefined;
  for (let k = 0; k < cases.length; k++) {
    const name = `case ${k + 1} of ${cases.length} (${label(cases[k], k)})`;
    record.cases.push(name);
    if (stopped) {
      failed.push({ label: name, message: `not run after the previous case failed (${stopped})` });
      continue;
    }
    try {
      await body(cases[k], k);
    } catch (e) {
      if (e instanceof StudentFailure && e.kind === "file") {
        failed.push(failureOf("all cases", e)); // the function's file is missing or broken: one line says so
        break;
      }
      failed.push(failureOf(name, e));
      if (e instanceof StudentFailure && ENDS_CHILD.has(e.kind)) stopped = e.kind;
    }
  }
  record.failures.push(...failed);
  if (failed.length > 0) throw new StudentFailure(`${failed.length} of ${cases.length} cases failed: ${failed[0].message}`, "cases");
}

/**
 * A value computed once per submission: call it at the top level of a test file (each submission
 * runs its own copy of the file), e.g. to share one call of a backward pass among the tests of its
 * outputs. A rejection is shared too, so every test that uses the call fails with its reason.
 */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= make());
}
