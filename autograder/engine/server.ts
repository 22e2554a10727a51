/**
 * The grading process's side of the channel: it owns each submission's sandbox child and answers
 * the tests' requests. A call goes to the child of the test's slot, one at a time per submission;
 * the answer is the child's plain data (validated in the test's process), or why there is none:
 * the function's file is missing or broken, the function ended its child in an earlier call, the
 * submission used up its time budget. A sandbox that cannot start is a grader fault, kept on the
 * session so that the submission is not graded rather than given a zero.
 */
import { BroadcastChannel } from "node:worker_threads";
import type { Json } from "../casefile.js";
import { GraderFault } from "../sandbox/permission.js";
import type { CallOutcome, SandboxProcess } from "../sandbox/process.js";
import { ENDS_CHILD, type Reply, type Request } from "./protocol.js";


/** What a call needs of its submission once it is prepared. */
export interface Target {
  sandbox: SandboxProcess;
  /** File → why its functions cannot be tested (not handed in, does not compile, failed to import). */
  fileProblem: ReadonlyMap<string, string>;
}

/** One submission being graded, in one slot. */
export interface Session {
  /** Function → its file (the manifest's functions). */
  files: ReadonlyMap<string, string>;
  /** Function → the arguments (1-based) it may change (the manifest's `mutates`). */
  mutates: Readonly<Record<string, readonly number[]>>;
  /** Time budget of the whole submission, ms, counted from `started`. */
  budgetMs: number;
  /** When its tests made their first call (not when it was prepared: waiting for its turn in a batch costs it nothing). */
  started?: number;
  /** Functions that ended their child, with why. */
  broken: Map<string, string>;
  /** Set when the sandbox failed in a way that is the grader's (then nothing of this submission counts). */
  fault?: string;
  /** Functions the tests called that the manifest does not list. */
  unlisted: Set<string>;
  /** Values recorded by the tests (the release's recording run). */
  recordings: Map<string, Json>;
  /** The calls of this session, one after another. */
  queue: Promise<unknown>;
  /**
   * Called (and awaited) before each call: the first time, it waits for the submission to be
   * compiled and its folder made, starts the child and imports the files. A rejection is the grader's fault.
   */
  ready: () => Promise<Target>;
}

/** A new session (see Session). */
export function newSession(opts: Pick<Session, "files" | "mutates" | "budgetMs" | "ready">): Session {
  return { ...opts, broken: new Map(), unlisted: new Set(), recordings: new Map(), queue: Promise.resolve() };
}

type CallRequest = Extract<Request, { op: "call" }>;

/** What went wrong in a failed call, in the feedback's words. */
function failureText(fn: string, returns: string, outcome: Exclude<CallOutcome, { ok: true }>): string {
  if (outcome.kind === "promise") return `${fn} returned a Promise: it must return ${returns}, not a Promise (is it declared async?)`;
  return outcome.message;
}

/** `changed` without the arguments that `fn` may change ("argument 2" and its parts, for 2 in `allowed`). */
export function forbiddenChanges(changed: readonly string[], allowed: readonly number[]): string[] {
  return changed.filter((c) => !allowed.some((k) => c === `argument ${k}` || c.startsWith(`argument ${k}.`) || c.startsWith(`argument ${k}[`)));
}

/** Answer one call request of session `s`. */
async function answerCall(s: Session, r: CallRequest): Promise<Reply> {
  const base = { to: r.from, id: r.id };
  const file = s.files.get(r.fn);
  if (file === undefined) {
    s.unlisted.add(r.fn);
    return { ...base, ok: false, kind: "unlisted", message: `the tests call ${r.fn}, which the assignment's manifest does not list` };
  }
  const { sandbox, fileProblem } = await s.ready();
  const problem = fileProblem.get(file);
  if (problem) return { ...base, ok: false, kind: "file", message: `${r.fn} could not be tested: ${problem}` };
  const earlier = s.broken.get(r.fn);
  if (earlier) return { ...base, ok: false, kind: "broken", message: `not run: ${r.fn} failed in an earlier call: ${earlier}`, cause: earlier };
  s.started ??= Date.now();
  if (Date.now() - s.started > s.budgetMs) return { ...base, ok: false, kind: "budget", message: `not run: the submission used up its time budget of ${s.budgetMs / 1000} s` };
  const outcome = await sandbox.call({ file, fn: r.fn, args: r.args }, r.outputs, r.keep);
  if (outcome.ok) return { ...base, ok: true, outcome: { ...outcome, changed: forbiddenChanges(outcome.changed, s.mutates[r.fn] ?? []) } };
  if (outcome.kind === "fault") s.fault ??= outcome.message;
  const why = failureText(r.fn, r.returns, outcome);
  if (ENDS_CHILD.has(outcome.kind)) s.broken.set(r.fn, why);
  return { ...base, ok: false, kind: outcome.kind, message: why };
}

/**
 * Answers the tests' requests for the sessions open in it. Each vitest worker announces itself on
 * the run's channel (`name`) and then talks on a channel of its own (`${name}/${worker}`), so a
 * message is delivered to its one receiver only.
 */
export class CallServer {
  readonly name: string;
  private readonly hello: BroadcastChannel;
  private readonly workers = new Map<string, BroadcastChannel>();
  private readonly sessions = new Map<number, Session>();

  constructor(name: string) {
    this.name = name;
    this.hello = new BroadcastChannel(name);
    this.hello.onmessage = (e: { data: unknown }) => this.onHello(e.data);
  }

  /** Serve `session` to the tests of slot `slot`. */
  open(slot: number, session: Session): void {
    this.sessions.set(slot, session);
  }

  /** Stop serving slot `slot`; returns its session. */
  close(slot: number): Session | undefined {
    const s = this.sessions.get(slot);
    this.sessions.delete(slot);
    return s;
  }

  private onHello(m: unknown): void {
    const me = (m as { hello?: unknown } | null)?.hello;
    if (typeof me !== "string" || this.workers.has(me)) return;
    const channel = new BroadcastChannel(`${this.name}/${me}`);
    channel.onmessage = (e: { data: unknown }) => this.onRequest(channel, e.data as Request);
    this.workers.set(me, channel);
    channel.postMessage({ ready: true });
  }

  private onRequest(channel: BroadcastChannel, r: Request): void {
    if (r?.to !== "server") return;
    const s = this.sessions.get(r.slot);
    if (!s) {
      channel.postMessage({ to: r.from, id: r.id, ok: false, kind: "fault", message: `no submission is being graded in slot ${r.slot}` } satisfies Reply);
      return;
    }
    if (r.op === "record") {
      s.recordings.set(r.key, r.value as Json);
      channel.postMessage({ to: r.from, id: r.id, ok: true, recorded: true } satisfies Reply);
      return;
    }
    const answer = s.queue.then(() => answerCall(s, r));
    s.queue = answer.catch(() => undefined);
    answer.then(
      (reply) => channel.postMessage(reply),
      (e: unknown) => {
        s.fault ??= e instanceof GraderFault ? e.message : `the grader failed while calling ${r.fn}: ${(e as Error).message}`;
        channel.postMessage({ to: r.from, id: r.id, ok: false, kind: "fault", message: s.fault } satisfies Reply);
      },
    );
  }

  /** Stop listening. */
  shutdown(): void {
    this.hello.close();
    for (const c of this.workers.values()) c.close();
    this.workers.clear();
  }
}
