/**
 * A grading session for one assignment: the sandbox base shared by its submissions, the vitest
 * engine that runs the assignment's test files, and the channel through which those tests reach
 * each submission's sandbox child. Submissions are graded in batches: each gets a slot, its files
 * are compiled and imported in its own child, and one vitest run runs every slot's copy of the
 * tests. Before any student, `selfCheck` grades the reference solution and refuses an assignment
 * whose tests and manifest disagree.
 */
import { existsSync, readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Json } from "./casefile.js";
import { CallServer, newSession, type Session } from "./engine/server.js";
import { graderProblem, scoreTests } from "./engine/results.js";
import { TestEngine, type SlotOutcome } from "./engine/vitest.js";
import type { RecordMode } from "./engine/protocol.js";
import { InputError } from "./errors.js";
import { functionFiles, kitRoot, loadManifest, type Manifest } from "./manifest.js";
import { latePenalty, penaltyNote } from "./late.js";
import type { GradeProfile } from "./profile.js";
import { compileSubmission, importFiles, notGraded, placeSubmission, releaseSubmission, who, type CompiledSubmission, type PrepareContext, type Prepared, type Submission, type SubmissionResult } from "./runner.js";
import { buildSandboxBase } from "./sandbox/build.js";
import { SandboxFolders } from "./sandbox/folders.js";
import { detectIsolation, sandboxParent } from "./sandbox/isolation.js";
import { GraderFault } from "./sandbox/permission.js";
import { DEFAULT_LIMITS } from "./sandbox/process.js";
import { tempFolder } from "./sandbox/tempfolder.js";

export interface GraderOptions {
  root?: string;
  assignment?: string;
  /** Sandboxes and vitest workers at once (default 2). */
  jobs?: number;
  /** Per-call time limit in seconds (default: the manifest's). */
  timeoutSeconds?: number;
  /** The whole submission's time budget in seconds (default: the manifest's). */
  budgetSeconds?: number;
  /** A prebuilt sandbox base (default: built into a temporary folder). */
  base?: string;
  /** Which tests: the hidden ones (grading, default) or the public ones (check). */
  tests?: "hidden" | "public";
  /** Record the public tests' reference values (the release), instead of computing or reading them. */
  record?: boolean;
  profile?: GradeProfile;
}

/** Where the public tests' recorded values live in a kit. */
export function recordedFile(root: string, manifest: Manifest): string {
  return join(root, "assignments", manifest.assignment, "recorded.json");
}

/**
 * Submissions per vitest run, per job: each run starts its worker threads afresh (about 0.15 s of
 * CPU each), so larger runs cost less per submission. A submission's child starts only when its
 * tests make their first call, and ends when they end.
 */
const SLOTS_PER_JOB = 64;

/** A submission in a batch: compiling, then placed in a sandbox folder by its tests' first call. */
interface Slot {
  compiled: Promise<CompiledSubmission>;
  placed: () => Prepared | undefined;
  session: Session;
}

export class Grader {
  private recordings = new Map<string, Json>();

  private constructor(
    readonly manifest: Manifest,
    readonly root: string,
    /** Kit files left out of the sandbox base (could not be stripped or compiled). */
    readonly baseProblems: string[],
    readonly ctx: PrepareContext,
    private readonly engine: TestEngine,
    private readonly server: CallServer,
    private readonly folder: { path: string; remove: () => void },
    private readonly jobs: number,
    private readonly budgetMs: number,
    /** Public tests: a submission is scored on the manifest's tests that the files define (not all need be public). */
    private readonly partial: boolean,
  ) {}

  /** Open a grading session (builds the sandbox base and starts vitest). Bad assignment files: InputError. */
  static async open(opts: GraderOptions = {}): Promise<Grader> {
    const root = opts.root ?? kitRoot();
    const manifest = loadManifest(root, opts.assignment);
    const files = manifest.testFiles[opts.tests ?? "hidden"];
    const missing = files.filter((f) => !existsSync(join(root, f)));
    if (missing.length > 0) throw new InputError(`${manifest.assignment}'s manifest names test files that do not exist: ${missing.join(", ")}`);
    if (files.length === 0) throw new InputError(`${manifest.assignment}'s manifest lists no ${opts.tests ?? "hidden"} test files`);
    const isolation = detectIsolation();
    const folder = tempFolder("nnkit-grade-", opts.base ? tmpdir() : sandboxParent(isolation));
    try {
      const base = opts.base ?? join(folder.path, "base");
      const baseProblems = opts.base ? [] : buildSandboxBase(root, base);
      const limits = { ...DEFAULT_LIMITS, callTimeoutMs: 1000 * (opts.timeoutSeconds ?? manifest.limits.callTimeoutSeconds), memoryMb: manifest.limits.memoryMb };
      const ctx: PrepareContext = { manifest, folders: new SandboxFolders(base, join(folder.path, "sandboxes")), limits, isolation, ...(opts.profile ? { profile: opts.profile } : {}) };
      const jobs = Math.max(1, opts.jobs ?? 2);
      const budgetMs = 1000 * (opts.budgetSeconds ?? manifest.limits.submissionSeconds);
      const server = new CallServer(`nnkit-grading-${randomUUID()}`);
      const stored = recordedFile(root, manifest);
      const record: RecordMode = opts.record ? "record" : existsSync(stored) ? "replay" : "compute";
      const engine = await TestEngine.create({
        root, testFiles: files, work: join(folder.path, "tests"), workers: jobs, testTimeoutMs: budgetMs + 60_000,
        context: { channel: server.name, tolerance: manifest.tolerance, record, ...(record === "replay" ? { recordedFile: stored } : {}) },
      });
      return new Grader(manifest, root, baseProblems, ctx, engine, server, folder, jobs, budgetMs, opts.tests === "public");
    } catch (e) {
      folder.remove();
      throw e;
    }
  }

  /** The values the tests recorded (a recording session, after grading the reference). */
  recorded(): ReadonlyMap<string, Json> {
    return this.recordings;
  }

  /** The reference solution's files under `root`, as a submission. */
  referenceSubmission(root: string = this.root): Submission {
    const files = new Map<string, Buffer>();
    for (const file of this.manifest.files) files.set(file, readFileSync(join(root, file)));
    return { id: "reference-self-check", student: "reference", name: "", source: "the kit's reference solution", late: false, files, notes: [] };
  }

  /**
   * Grade the kit's reference solution. Tests and manifest that disagree (a test without points,
   * points without a test, a test file that fails to import, a call of an unlisted function) are
   * an InputError; a reference that does not get full marks (the sandbox cannot start here, a limit
   * too tight, a test that disagrees with the reference) a GraderFault: no student is graded then.
   */
  async selfCheck(root: string = this.root): Promise<void> {
    const [r] = await this.gradeBatch([this.referenceSubmission(root)], undefined, (o, session) => this.assignmentProblems(o, session));
    if (r.status === "graded" && r.score === r.maxScore) return;
    const lost = r.tests.filter((t) => !t.passed).slice(0, 3).map((t) => `${t.id}: ${t.failures[0]?.message ?? "failed"}`);
    throw new GraderFault(
      `the grader's self-check failed, so nothing was graded: the reference solution got ${r.score}/${r.maxScore} in the sandbox on this machine (Node ${process.version}). ${r.reason ?? lost.join("; ")}`,
    );
  }

  /** Throws InputError when the tests and the manifest disagree (see selfCheck). */
  private assignmentProblems(o: SlotOutcome | undefined, session: Session): void {
    const where = `assignments/${this.manifest.assignment}`;
    if (!o) return;
    if (o.moduleErrors.length > 0) throw new InputError(`${where}: a test file fails to import: ${o.moduleErrors[0]}`);
    if (session.unlisted.size > 0) throw new InputError(`${where}: the tests call ${[...session.unlisted].join(", ")}, which manifest.json's functions do not list`);
    const ids = new Set(o.tests.map((t) => t.id));
    const extra = [...ids].filter((id) => !(id in this.manifest.points));
    if (extra.length > 0) throw new InputError(`${where}: the test ${extra[0]} has no points in manifest.json (add "${extra[0]}": <points> to points)`);
    const missing = this.manifest.tests.filter((t) => !ids.has(t.id)).map((t) => t.id);
    if (missing.length > 0 && !this.partial) throw new InputError(`${where}: manifest.json gives points to ${missing.join(", ")}, which no test file defines (the id is the describe names and the test name joined by dots)`);
    this.recordings = session.recordings;
  }

  /** Grade one submission. */
  async grade(sub: Submission): Promise<SubmissionResult> {
    return (await this.gradeBatch([sub]))[0];
  }

  /** Grade many, a batch per vitest run, results in input order; `progress` after each. */
  async gradeAll(subs: readonly Submission[], progress?: (done: number, total: number, last: SubmissionResult) => void): Promise<SubmissionResult[]> {
    const results: SubmissionResult[] = [];
    const size = this.jobs * SLOTS_PER_JOB;
    let done = 0;
    for (let at = 0; at < subs.length; at += size) {
      results.push(...(await this.gradeBatch(subs.slice(at, at + size), (r) => progress?.(++done, subs.length, r))));
    }
    return results;
  }

  /** A result that is the grader's fault. */
  private fault(sub: Submission, e: unknown): SubmissionResult {
    const what = e instanceof GraderFault ? "grader fault" : "grader fault: internal error";
    return { ...notGraded(sub, this.manifest, `not graded (${what}): ${(e as Error).message}`, "grader fault (grade them again)"), graderFault: true };
  }

  /**
   * Start preparing `subs` (unreadable ones get their row at once) and run their tests at once: a
   * slot's first call waits for its own submission only, so compiling overlaps the tests of the
   * slots before it. Then make their results.
   */
  private async gradeBatch(
    subs: readonly Submission[],
    onResult?: (r: SubmissionResult) => void,
    inspect?: (o: SlotOutcome | undefined, s: Session) => void,
  ): Promise<SubmissionResult[]> {
    const results = new Array<SubmissionResult>(subs.length);
    const done = (slot: number, r: SubmissionResult): void => {
      results[slot] = r;
      onResult?.(r);
    };
    const slots = this.startSlots(subs, done);
    const finishing: Promise<void>[] = [];
    const finish = (slot: number, outcome: SlotOutcome | undefined, runErrors: readonly string[]): void => {
      const entry = slots.get(slot);
      if (!entry || !this.server.close(slot)) return;
      const result = entry.compiled
        .then((c) => this.finish(c, entry.placed(), entry.session, outcome, runErrors, inspect), (e: unknown) => this.fault(subs[slot], e))
        .then((r) => done(slot, r));
      result.catch(() => undefined); // an InputError from `inspect` is awaited below, after the run: not unhandled meanwhile
      finishing.push(result);
    };
    let run: { outcomes: Map<number, SlotOutcome>; runErrors: string[] } = { outcomes: new Map(), runErrors: [] };
    if (slots.size > 0) {
      try {
        run = await this.engine.run([...slots.keys()], (slot, o) => finish(slot, o, []));
      } catch (e) {
        run.runErrors = [`vitest failed: ${(e as Error).message}`];
      }
    }
    for (const slot of slots.keys()) finish(slot, run.outcomes.get(slot), run.runErrors);
    await Promise.all(finishing);
    return results;
  }

  /**
   * Give each gradable submission of `subs` a slot: its compilation, started now; its sandbox
   * folder, taken at its tests' first call (see placeSubmission); its session, open on the server.
   */
  private startSlots(subs: readonly Submission[], done: (slot: number, r: SubmissionResult) => void): Map<number, Slot> {
    const files = functionFiles(this.manifest);
    const slots = new Map<number, Slot>();
    subs.forEach((sub, slot) => {
      if (sub.error) return done(slot, notGraded(sub, this.manifest, sub.error));
      const other = sub.submittedFor !== undefined && sub.submittedFor !== this.manifest.assignment ? sub.submittedFor : undefined;
      if (other) return done(slot, notGraded(sub, this.manifest, `submitted for ${other} (its metadata.json says so), not ${this.manifest.assignment}: grade it with --assignment ${other}`, "submitted for another assignment"));
      const compiled = compileSubmission(sub, this.ctx);
      compiled.catch(() => undefined); // its fault is the slot's result (see gradeBatch)
      let placed: Prepared | undefined;
      const ready = async (): Promise<Prepared> => {
        placed ??= placeSubmission(await compiled, this.ctx);
        await importFiles(placed, this.ctx);
        return placed;
      };
      const session = newSession({ files, mutates: this.manifest.mutates, budgetMs: this.budgetMs, ready });
      this.server.open(slot, session);
      slots.set(slot, { compiled, placed: () => placed, session });
    });
    return slots;
  }

  /** Close a slot's submission (if its tests placed it) and make its result (InputError from `inspect` passes through). */
  private async finish(
    c: CompiledSubmission,
    p: Prepared | undefined,
    session: Session,
    outcome: SlotOutcome | undefined,
    runErrors: readonly string[],
    inspect?: (o: SlotOutcome | undefined, s: Session) => void,
  ): Promise<SubmissionResult> {
    const printed = p ? await releaseSubmission(p, this.ctx) : "";
    inspect?.(outcome, session);
    try {
      const problem = graderProblem(session, outcome, runErrors);
      if (problem || !outcome) throw new GraderFault(problem ?? "no result");
      const tests = scoreTests(this.manifest, outcome, this.partial ? new Set(outcome.tests.map((t) => t.id)) : undefined);
      const notes = [...c.sub.notes, ...c.fileProblem.values()];
      const points = tests.reduce((s, t) => s + t.points, 0);
      const penalty = latePenalty(this.manifest.late, c.sub.late, points, c.sub.daysLate);
      if (penalty) notes.push(penaltyNote(penalty, c.sub.daysLate !== undefined));
      const score = penalty ? Math.round(100 * (points - penalty.points)) / 100 : points;
      return { ...who(c.sub), status: "graded", score, maxScore: tests.reduce((s, t) => s + t.maxPoints, 0), ...(penalty ? { penalty } : {}), tests, notes, printed };
    } catch (e) {
      return this.fault(c.sub, e);
    }
  }

  /** Stop vitest and remove the temporary sandboxes. */
  async close(): Promise<void> {
    this.server.shutdown();
    await this.engine.close().catch(() => undefined);
    this.folder.remove();
  }
}
