/** The limits of one sandbox child, and what a request to it can come to (see process.ts). */

/** Limits for one child. */
export interface SandboxLimits {
  /** Time limit per call, milliseconds (starting a child has its own, longer limit). */
  callTimeoutMs: number;
  /** V8 heap cap (--max-old-space-size) in MiB; resident memory is capped at twice this. */
  memoryMb: number;
  /** stdout+stderr bytes the student's code may print in one call (or import) before the child is killed. */
  outputBytes: number;
  /** Largest single response frame accepted, bytes. */
  responseBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  callTimeoutMs: 5000,
  memoryMb: 512,
  outputBytes: 1 << 20,
  responseBytes: 64 << 20,
};

/**
 * Outcome of one request. A call that returned: its outputs (plain data, still to be validated),
 * the inputs it changed ("argument 1", …) and, for a call made with `keep`, whether the kept
 * value is there. Otherwise `kind` says why there are no outputs ("promise": the function returned
 * a Promise or thenable; "fault": the sandbox could not start, the grader's fault).
 */
export type CallOutcome =
  | { ok: true; outputs: Record<string, unknown>; changed: string[]; kept?: boolean }
  | {
      ok: false;
      kind: "timeout" | "crash" | "import" | "missing" | "call" | "promise" | "memory" | "output" | "protocol" | "fault";
      message: string;
    };

/** What a call that ran out of memory is told, whichever limit stopped it. */
export function memoryMessage(limits: SandboxLimits): string {
  return `ran out of memory: it used more than ${limits.memoryMb} MB (the limit for one call)`;
}
