/**
 * How a graded test fails. A failure that is the student's (a wrong output, a call that threw, hung
 * or ran out of memory, a changed input) is a StudentFailure: it costs the test's points and its
 * message goes into the feedback. Any other error a test throws is the grader's: the submission is
 * then "not graded (grader fault)", never given a zero for it.
 */
import { TestRunner } from "vitest";

/** The likely mistake behind a wrong output, named with a hint to fix it. */
export interface MistakeName {
  name: string;
  hint: string;
}

/** One failing case as the feedback shows it. */
export interface CaseFailure {
  label: string;
  message: string;
  mistake?: MistakeName;
}

/** What the reporter reads from a test's meta: its cases' labels, its failing cases, its remarks, and the forward pass whose cache it used. */
export interface TestRecord {
  cases: string[];
  failures: CaseFailure[];
  notes: string[];
  uses?: string;
}

/** The student's mistake, with `kind` "mismatch" (a wrong output) or the kind of failed call ("timeout", "call", "changed", …). */
export class StudentFailure extends Error {
  override name = "StudentFailure";
  constructor(
    message: string,
    readonly kind: string,
    readonly mistake?: MistakeName,
    /** For a function not called again ("broken"): why it failed the first time. */
    readonly reason?: string,
  ) {
    super(message);
  }
}


declare module "@vitest/runner" {
  interface TaskMeta {
    nnkit?: TestRecord;
  }
}

/** The record of the test running now (created on first use). */
export function testRecord(): TestRecord {
  const test = TestRunner.getCurrentTest();
  if (!test) throw new Error("nnkit/grading: used outside a test");
  return (test.meta.nnkit ??= { cases: [], failures: [], notes: [] });
}

/** Add a remark to the running test's feedback (shown once however often it is added). */
export function note(text: string): void {
  const r = testRecord();
  if (!r.notes.includes(text)) r.notes.push(text);
}

/** True for a failure that is the student's (vitest's own assertion errors count as the student's too). */
export function isStudentFailure(e: unknown): e is Error {
  return e instanceof StudentFailure || (e instanceof Error && (e.name === "AssertionError" || e.constructor?.name === "AssertionError"));
}
