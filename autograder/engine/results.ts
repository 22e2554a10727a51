/**
 * From what vitest reported for one slot to the submission's result: each test of the manifest
 * gets its points when it passed, and its failing cases when not. Anything that is not the
 * student's doing — the sandbox could not start, a test file did not import, a test threw an error
 * of its own, a test gave no result — makes the whole submission a grader fault (GraderFault),
 * never a zero.
 */
import { GraderFault } from "../sandbox/permission.js";
import type { Manifest } from "../manifest.js";
import type { CaseFailure, TestResult } from "../runner.js";
import type { Session } from "./server.js";
import type { SlotOutcome, TestOutcome } from "./vitest.js";

/** Error names that are the student's (see testing/failure.ts). */
const STUDENT_ERRORS = new Set(["StudentFailure", "AssertionError"]);

/** Why the slot's results cannot be trusted, or undefined when they can. */
export function graderProblem(session: Session, outcome: SlotOutcome | undefined, runErrors: readonly string[]): string | undefined {
  if (session.fault) return session.fault;
  if (runErrors.length > 0) return `the test run failed: ${runErrors[0]}`;
  if (!outcome) return "the tests gave no result for this submission";
  if (outcome.moduleErrors.length > 0) return `a test file failed: ${outcome.moduleErrors[0]}`;
  if (session.unlisted.size > 0) return `the tests call ${[...session.unlisted].join(", ")}, which the manifest does not list`;
  for (const t of outcome.tests) {
    const own = t.errors.find((e) => !STUDENT_ERRORS.has(e.name));
    if (own) return `the test ${t.id} failed for a reason of its own: ${own.name}: ${own.message}`;
  }
  return undefined;
}

/** The failing cases of a failed test: its recorded cases, else its errors as one line each. */
function failuresOf(t: TestOutcome): CaseFailure[] {
  const recorded = t.record?.failures ?? [];
  if (recorded.length > 0) return recorded;
  return t.errors.map((e) => ({ label: "all cases", message: e.message }));
}

/** Each manifest test of `tests` (ids) scored from `outcome`; throws GraderFault when one gave no result. */
export function scoreTests(manifest: Manifest, outcome: SlotOutcome, ids?: ReadonlySet<string>): TestResult[] {
  const byId = new Map(outcome.tests.map((t) => [t.id, t]));
  return manifest.tests
    .filter((entry) => !ids || ids.has(entry.id))
    .map((entry) => {
      const t = byId.get(entry.id);
      if (!t || (t.state !== "passed" && t.state !== "failed")) throw new GraderFault(`the test ${entry.id} gave no result (${t ? t.state : "it did not run"})`);
      const passed = t.state === "passed";
      return {
        id: entry.id,
        name: entry.name,
        points: passed ? entry.points : 0,
        maxPoints: entry.points,
        passed,
        failures: passed ? [] : failuresOf(t),
        notes: [...(t.record?.notes ?? [])],
        ...(t.record?.cases.length ? { cases: [...t.record.cases] } : {}),
        ...(t.record?.uses ? { uses: t.record.uses } : {}),
      };
    });
}
