/** Errors the CLI reports as one line (no stack trace) with exit code 2: the user's input was wrong. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * The tool could not do its work because of its own set-up or machine, not the user's input (exit
 * code 3): e.g. the grading sandbox cannot start. Nothing half-done is written.
 */
export class FaultError extends Error {
  override name = "FaultError";
}

/** Exit codes scripts can rely on. */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** The work ran but found failures (tests failed, a cell failed, a submission failed to grade). */
  failures: 1,
  /** Bad usage or input (unknown option, missing file, wrong format). */
  usage: 2,
  /** The tool or its machine is at fault (e.g. the grading sandbox cannot start); nothing was graded. */
  fault: 3,
} as const;
