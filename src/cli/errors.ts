/** Errors the CLI reports as one line (no stack trace) with exit code 2: the user's input was wrong. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Exit codes scripts can rely on. */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** The work ran but found failures (tests failed, a cell failed, a submission failed to grade). */
  failures: 1,
  /** Bad usage or input (unknown option, missing file, wrong format). */
  usage: 2,
} as const;
