/**
 * The messages between an assignment's vitest files (in vitest's worker threads, trusted code) and
 * the grading process that owns the sandbox children. Student code runs in neither: a test asks
 * the grading process to call a student function, and the grading process asks the submission's
 * sandbox child. The messages travel on a BroadcastChannel whose name the run provides; each
 * carries who it is for, so a worker ignores the answers meant for another.
 */
import type { CallOutcome } from "../sandbox/process.js";
import type { Wire } from "../sandbox/wire.js";

/** Call outcomes after which the child was ended: the function is not called again in this submission. */
export const ENDS_CHILD: ReadonlySet<string> = new Set(["timeout", "memory", "crash", "output"]);

/** The key under which a run provides its GradingContext to the tests (vitest's provide/inject). */
export const CONTEXT_KEY = "nnkitGrading";

/** How `recorded()` values are found: computed with the reference, computed and sent back to be stored, or read from the stored file. */
export type RecordMode = "compute" | "record" | "replay";

/** What every test of a run can read (plain data, given to vitest's provide). */
export interface GradingContext {
  /** The BroadcastChannel's name. */
  channel: string;
  /** The tolerance of the manifest: the default threshold of expectTensor. */
  tolerance: number;
  /** How recorded() works in this run. */
  record: RecordMode;
  /** With record "replay": the stored values' file. */
  recordedFile?: string;
}

/** A request from a test. `slot` says which submission (the slot's wrapper file the test runs in). */
export type Request =
  | {
      to: "server";
      from: string;
      id: number;
      slot: number;
      op: "call";
      fn: string;
      /** What the function returns, in words ("[out, cache]"), for the message when it returns a Promise. */
      returns: string;
      args: Wire[];
      outputs: Record<string, (string | number)[]>;
      keep?: (string | number)[];
    }
  | { to: "server"; from: string; id: number; slot: number; op: "record"; key: string; value: unknown };

/**
 * Why a call gave no outputs, beyond the sandbox's own kinds: "file" (the function's file is not in
 * the submission, does not compile or failed to import), "broken" (the function ended its child in
 * an earlier call), "budget" (the submission's time budget is used up), "unlisted" (the manifest
 * lists no such function: the test is wrong).
 */
export type ServerKind = "file" | "broken" | "budget" | "unlisted";

/** The answer to one request. */
export type Reply =
  | { to: string; id: number; ok: true; outcome: CallOutcome & { ok: true } }
  | { to: string; id: number; ok: false; kind: Exclude<CallOutcome, { ok: true }>["kind"] | ServerKind; message: string; cause?: string }
  | { to: string; id: number; ok: true; recorded: true };
