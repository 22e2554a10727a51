/**
 * One submission before and after its tests: its files compiled (here, trusted) and imported in its
 * own sandbox child, ready for the tests' calls (prepareSubmission); and the result types the
 * reports read. The tests themselves are the assignment's vitest files (engine/).
 */
import { compileTsAsync } from "./sandbox/build.js";
import type { SandboxDir } from "./sandbox/build.js";
import type { SandboxFolders } from "./sandbox/folders.js";
import type { Isolation } from "./sandbox/isolation.js";
import { SandboxProcess, type CallOutcome, type SandboxLimits } from "./sandbox/process.js";
import { GraderFault } from "./sandbox/permission.js";
import type { GradeProfile, Phase } from "./profile.js";
import type { Manifest } from "./manifest.js";

/** Who handed a submission in, and where and when: what a submission and its result both carry. */
export interface SubmissionIdentity {
  /** Unique, filesystem-safe id (used for file names), e.g. "canvas-1234". */
  id: string;
  /** Student id from the platform's file name, or the folder/zip name. */
  student: string;
  /** Student name when the platform gives one. */
  name: string;
  /** Where it came from (path inside the input), for the gradebook. */
  source: string;
  /** The student's e-mail address when the platform gives one (Gradescope). */
  email?: string;
  /** Submitted after the due date, as the platform marked it. */
  late: boolean;
  /** How many days late, when the platform's timestamps say (Gradescope); a late flag alone counts as one day. */
  daysLate?: number;
}

/** A submission as found in the input: its files by manifest path, or why it could not be read. */
export interface Submission extends SubmissionIdentity {
  /** The assignment its metadata.json (written by `nnkit submit`) says it is for, if any. */
  submittedFor?: string;
  files: Map<string, Buffer>;
  /** Set when the submission could not be read at all (bad zip, nothing found, ...). */
  error?: string;
  /** With `error`: why, in a few words, for the run's count line (e.g. "uploaded no file of the assignment"). */
  category?: string;
  /** Remarks from reading it (files taken by name from another folder, skipped entries, ...). */
  notes: string[];
}

/** One case that failed, with the diagnosed mistake if one was recognised. */
export interface CaseFailure {
  label: string;
  message: string;
  mistake?: { name: string; hint: string };
}

export interface TestResult {
  id: string;
  name: string;
  points: number;
  maxPoints: number;
  passed: boolean;
  failures: CaseFailure[];
  /** Informational remarks (e.g. the reference cache had to stand in for a failing forward). */
  notes: string[];
  /** The labels of the test's cases, in order (when the test ran case by case). */
  cases?: string[];
  /** The forward pass whose cache the test's calls used, if any. */
  uses?: string;
}

export interface SubmissionResult extends SubmissionIdentity {
  status: "graded" | "not graded";
  reason?: string;
  /** When not graded: why, in a few words (the same for every submission with that problem). */
  category?: string;
  /** Not graded because of the grader or its machine (the sandbox could not start, an internal error), not the student. */
  graderFault?: boolean;
  /** The points of the passed tests, less the late penalty (if any). */
  score: number;
  maxScore: number;
  /** The late policy's deduction, already taken from `score`. */
  penalty?: { days: number; percent: number; points: number };
  tests: TestResult[];
  notes: string[];
  /** The first few KiB the student's code printed. */
  printed: string;
}

/** What preparing a submission needs that is shared by all submissions of a run. */
export interface PrepareContext {
  manifest: Manifest;
  /** The sandbox folders (the stripped kit + child runner, and a submission's files over it), each used by one submission at a time. */
  folders: SandboxFolders;
  limits: SandboxLimits;
  isolation: Isolation;
  /** When set, each submission's phases are timed into it (the benchmark's --profile). */
  profile?: GradeProfile;
}

/** A submission ready for its tests: its sandbox child with its files imported, and what is wrong with each file. */
export interface Prepared {
  sub: Submission;
  dir: SandboxDir;
  sandbox: SandboxProcess;
  /** File → why its functions cannot be tested (not handed in, does not compile, failed to import). */
  fileProblem: Map<string, string>;
  /** Marks the end of a phase (with a profile). */
  mark: (phase: Phase, cpuMs?: number) => void;
  /** The child's CPU time when its files were imported, ms (with a profile). */
  importCpu: number;
  /** The files that compiled, to import in the child. */
  compiled: string[];
  /** Set once the child was started and the files imported (see importFiles). */
  imported?: Promise<void>;
}

/** The fields of a result that say whose submission it is. */
export function who(sub: SubmissionIdentity): SubmissionIdentity {
  return { id: sub.id, student: sub.student, name: sub.name, source: sub.source, ...(sub.email ? { email: sub.email } : {}), late: sub.late, ...(sub.daysLate !== undefined ? { daysLate: sub.daysLate } : {}) };
}

/** The result for a submission that could not be graded at all: every test 0 with the reason. */
export function notGraded(sub: Submission, manifest: Manifest, reason: string, category = sub.category ?? "could not be read"): SubmissionResult {
  return {
    ...who(sub),
    status: "not graded",
    reason,
    category,
    score: 0,
    maxScore: manifest.tests.reduce((s, t) => s + t.points, 0),
    tests: manifest.tests.map((t) => ({ id: t.id, name: t.name, points: 0, maxPoints: t.points, passed: false, failures: [{ label: "all cases", message: reason }], notes: [] })),
    notes: sub.notes,
    printed: "",
  };
}

/** A call outcome that is the student's doing; a sandbox that could not start stops the submission as a grader fault. */
function faultless(outcome: CallOutcome): CallOutcome {
  if (!outcome.ok && outcome.kind === "fault") throw new GraderFault(outcome.message);
  return outcome;
}

/** A timer of the phases of one submission, into `profile` when there is one. */
function phaseTimer(profile: GradeProfile | undefined): (phase: Phase, cpuMs?: number) => void {
  let lap = performance.now();
  return (phase, cpuMs = 0) => {
    if (!profile) return;
    const now = performance.now();
    profile.add(phase, now - lap, cpuMs);
    lap = now;
  };
}

/** Compile `sub`'s files (manifest order); file → JavaScript, and file → problem for the others. */
async function compileFiles(sub: Submission, manifest: Manifest, fileProblem: Map<string, string>): Promise<Map<string, string>> {
  const compiled = new Map<string, string>();
  // All files at once, without blocking the other submissions; the results in manifest order.
  const results = await Promise.all(manifest.files.map((file) => {
    const content = sub.files.get(file);
    return content ? compileTsAsync(content.toString("utf8"), file) : undefined;
  }));
  manifest.files.forEach((file, i) => {
    const c = results[i];
    if (!c) fileProblem.set(file, `${file} is not in the submission`);
    else if (c.ok) compiled.set(file, c.code);
    else if (c.fault) throw new GraderFault(c.error); // the compiler failed, not the student's code
    else fileProblem.set(file, `${file} does not compile: ${c.error}`);
  });
  return compiled;
}

/** A submission compiled (in the grading process), not yet given a sandbox folder. */
export interface CompiledSubmission {
  sub: Submission;
  /** Manifest path → the JavaScript of each file that compiled. */
  code: Map<string, string>;
  /** File → why its functions cannot be tested (not handed in, does not compile). */
  fileProblem: Map<string, string>;
  mark: (phase: Phase, cpuMs?: number) => void;
}

/** Compile a submission's files (a compiler failure rejects with a GraderFault). */
export async function compileSubmission(sub: Submission, ctx: PrepareContext): Promise<CompiledSubmission> {
  const mark = phaseTimer(ctx.profile);
  const fileProblem = new Map<string, string>();
  const code = await compileFiles(sub, ctx.manifest, fileProblem);
  mark("compile");
  return { sub, code, fileProblem, mark };
}

/**
 * Give a compiled submission a sandbox folder and a child, not started yet: `importFiles` starts
 * it. Called when its tests make their first call, so that only the submissions whose tests are
 * running hold a folder and a process, and a few folders serve a whole class.
 */
export function placeSubmission(c: CompiledSubmission, ctx: PrepareContext): Prepared {
  c.mark("wait");
  const dir = ctx.folders.acquire(c.code);
  const sandbox = new SandboxProcess(dir, ctx.limits, ctx.isolation);
  c.mark("folder");
  return { sub: c.sub, dir, sandbox, fileProblem: c.fileProblem, mark: c.mark, importCpu: 0, compiled: [...c.code.keys()] };
}

/** Start a prepared submission's child and import each of its files there (once); a file that fails to import gets its problem. Throws GraderFault when the sandbox cannot start. */
export function importFiles(p: Prepared, ctx: PrepareContext): Promise<void> {
  p.imported ??= (async () => {
    let cpu = 0;
    if (ctx.profile && p.compiled.length > 0) {
      await p.sandbox.start().catch(() => undefined); // a failure shows again at the first load
      p.mark("start", (cpu = p.sandbox.cpuMs()));
    }
    for (const file of p.compiled) {
      const loaded = faultless(await p.sandbox.load(file));
      if (!loaded.ok) p.fileProblem.set(file, loaded.kind === "timeout" ? `importing ${file} ${loaded.message}` : loaded.message);
    }
    p.importCpu = ctx.profile ? p.sandbox.cpuMs() : 0;
    if (ctx.profile) p.mark("import", p.importCpu - cpu);
  })();
  return p.imported;
}

/** End a prepared submission's child and give its folder back; returns what the student's code printed. */
export async function releaseSubmission(p: Prepared, ctx: PrepareContext): Promise<string> {
  if (ctx.profile) p.mark("calls", Math.max(0, p.sandbox.cpuMs() - p.importCpu));
  await p.sandbox.close();
  p.mark("close");
  if (ctx.profile) {
    ctx.profile.submissions++;
    ctx.profile.children += p.sandbox.starts;
  }
  ctx.folders.release(p.dir);
  p.mark("remove");
  return p.sandbox.printed();
}
