/**
 * Grading one submission: compile the student's files (here, trusted), build its sandbox, import
 * each file in the child, then run every hidden case: the call goes to the child, the outputs come
 * back as plain data and are compared here with the reference's answers. The score is decided only
 * in this process, from these comparisons.
 */
import { compileTsAsync } from "./sandbox/build.js";
import type { SandboxFolders } from "./sandbox/folders.js";
import type { Isolation } from "./sandbox/isolation.js";
import { SandboxProcess, type CallOutcome, type SandboxLimits } from "./sandbox/process.js";
import { GraderFault } from "./sandbox/permission.js";
import { readOutput, toWire } from "./sandbox/wire.js";
import { compareTensor } from "./compare.js";
import type { GradeProfile, Phase } from "./profile.js";
import { diagnose, genericCandidates, type Candidate } from "./mistakes.js";
import { shapeStr, type Tensor } from "../src/tensor.js";
import type { Manifest, TestEntry } from "./manifest.js";
import { isStudentCall, returnsText, type FunctionSpec, type HiddenCase } from "./spec.js";

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
}

/** A submission as found in the input: its files by manifest path, or why it could not be read. */
export interface Submission extends SubmissionIdentity {
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
}

export interface SubmissionResult extends SubmissionIdentity {
  status: "graded" | "not graded";
  reason?: string;
  /** When not graded: why, in a few words (the same for every submission with that problem). */
  category?: string;
  /** Not graded because of the grader or its machine (the sandbox could not start, an internal error), not the student. */
  graderFault?: boolean;
  score: number;
  maxScore: number;
  tests: TestResult[];
  notes: string[];
  /** The first few KiB the student's code printed. */
  printed: string;
}

/** Everything the runner needs that is shared by all submissions of a run. */
export interface GradeContext {
  manifest: Manifest;
  specs: readonly FunctionSpec[];
  /** The sandbox folders (the stripped kit + child runner, and a submission's files over it), each used by one submission at a time (in the run's work folder, removed with it). */
  folders: SandboxFolders;
  limits: SandboxLimits;
  isolation: Isolation;
  submissionBudgetMs: number;
  /** When set, each submission's phases are timed into it (the benchmark's --profile). */
  profile?: GradeProfile;
}

interface Plan {
  spec: FunctionSpec;
  tests: { entry: TestEntry; output: string }[];
}

/** Match the manifest's tests to spec outputs, in manifest order; throws on a test without a spec. */
export function planTests(manifest: Manifest, specs: readonly FunctionSpec[]): Plan[] {
  const plans = new Map<string, Plan>();
  for (const entry of manifest.tests) {
    const spec = [...specs].sort((a, b) => b.id.length - a.id.length).find((s) => entry.id.startsWith(`${s.id}.`));
    const output = spec ? entry.id.slice(spec.id.length + 1) : "";
    if (!spec || !(output in spec.outputs)) throw new Error(`manifest test ${entry.id} has no hidden test (no spec output ${entry.id})`);
    const plan = plans.get(spec.id) ?? { spec, tests: [] };
    plan.tests.push({ entry, output });
    plans.set(spec.id, plan);
  }
  return [...plans.values()];
}

/** The fields of a result that say whose submission it is. */
function who(sub: Submission): SubmissionIdentity {
  return { id: sub.id, student: sub.student, name: sub.name, source: sub.source, ...(sub.email ? { email: sub.email } : {}), late: sub.late };
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

/** Grade one submission in its own sandbox. Never throws for anything the student did. */
export async function gradeSubmission(sub: Submission, ctx: GradeContext): Promise<SubmissionResult> {
  if (sub.error) return notGraded(sub, ctx.manifest, sub.error);
  const started = Date.now();
  const profile = ctx.profile;
  let lap = performance.now();
  /** With a profile: the wall time since the last lap (and `cpuMs` of child CPU) go to `phase`. */
  const mark = (phase: Phase, cpuMs = 0): void => {
    if (!profile) return;
    const now = performance.now();
    profile.add(phase, now - lap, cpuMs);
    lap = now;
  };
  const fileProblem = new Map<string, string>();
  const compiled = new Map<string, string>();
  // All files at once, without blocking the other submissions; the results in manifest order.
  const results = await Promise.all(ctx.manifest.files.map((file) => {
    const content = sub.files.get(file);
    return content ? compileTsAsync(content.toString("utf8"), file) : undefined;
  }));
  ctx.manifest.files.forEach((file, i) => {
    const c = results[i];
    if (!c) fileProblem.set(file, `${file} is not in the submission`);
    else if (c.ok) compiled.set(file, c.code);
    else if (c.fault) throw new GraderFault(c.error); // the compiler failed, not the student's code
    else fileProblem.set(file, `${file} does not compile: ${c.error}`);
  });
  mark("compile");
  const dir = ctx.folders.acquire(compiled);
  const sandbox = new SandboxProcess(dir, ctx.limits, ctx.isolation);
  const tested = new Map<string, TestResult>();
  const notes = [...sub.notes];
  mark("folder");
  try {
    let cpu = 0;
    if (profile && compiled.size > 0) {
      await sandbox.start().catch(() => undefined); // a failure shows again at the first load
      mark("start", (cpu = sandbox.cpuMs()));
    }
    for (const file of compiled.keys()) {
      const loaded = faultless(await sandbox.load(file));
      if (!loaded.ok) fileProblem.set(file, loaded.kind === "timeout" ? `importing ${file} ${loaded.message}` : loaded.message);
    }
    if (profile) {
      const now = sandbox.cpuMs();
      mark("import", now - cpu);
      cpu = now;
    }
    const broken: Broken = new Map();
    for (const plan of planTests(ctx.manifest, ctx.specs)) {
      await runPlan(plan, sandbox, fileProblem, tested, ctx, started, broken);
    }
    if (profile) mark("calls", Math.max(0, sandbox.cpuMs() - cpu));
  } finally {
    await sandbox.close();
    mark("close");
    if (profile) {
      profile.submissions++;
      profile.children += sandbox.starts;
    }
    ctx.folders.release(dir);
    mark("remove");
  }
  for (const problem of fileProblem.values()) notes.push(problem);
  const tests = ctx.manifest.tests.map((t) => tested.get(t.id)!);
  return {
    ...who(sub),
    status: "graded",
    score: tests.reduce((s, t) => s + t.points, 0),
    maxScore: tests.reduce((s, t) => s + t.maxPoints, 0),
    tests,
    notes,
    printed: sandbox.printed(),
  };
}

/** Outcomes after which the child was killed: the rest of that function's cases are not run. */
const KILLED = new Set(["timeout", "memory", "crash", "output"]);

/**
 * Functions of this submission that ended their child (hung, ran out of memory, crashed, flooded
 * the output), with why: they are not called again, and a backward pass gets the reference cache.
 */
type Broken = Map<string, string>;

/** What went wrong in a failed call, in words ("reluForward threw Error: …", "timed out after 5 s …"). */
function failureText(spec: { fn: string; returns: string }, outcome: Exclude<CallOutcome, { ok: true }>): string {
  if (outcome.kind === "promise") return `${spec.fn} returned a Promise: it must return ${spec.returns}, not a Promise (is it declared async?)`;
  return outcome.message;
}

/**
 * The arguments of case `c` for the child: a StudentCall (the student's own forward pass, whose
 * cache the backward pass gets) is made first as a call of its own, and replaced by the value the
 * child kept, or, if it failed in any way, by the reference's cache with a note saying why.
 */
async function resolveArgs(c: HiddenCase, sandbox: SandboxProcess, broken: Broken, notes: Set<string>): Promise<unknown[]> {
  const at = c.args.findIndex(isStudentCall);
  if (at < 0) return c.args;
  const sc = c.args[at];
  if (!isStudentCall(sc)) return c.args;
  const args = [...c.args];
  const fallBack = (why: string): unknown[] => {
    notes.add(`${sc.call.fn} failed, so the reference ${sc.call.fn}'s cache was used: ${why}`);
    args[at] = sc.fallback;
    return args;
  };
  const { file, fn } = sc.call;
  const known = broken.get(fn);
  if (known) return fallBack(known);
  const outcome = faultless(await sandbox.call({ file, fn, args: toWire(sc.call.args) }, { out: [0] }, sc.pick));
  if (!outcome.ok) {
    const why = failureText({ fn, returns: "[out, cache]" }, outcome);
    if (KILLED.has(outcome.kind)) broken.set(fn, why);
    return fallBack(why);
  }
  if (outcome.changed.length > 0) return fallBack(`${fn} changed its input ${outcome.changed.join(", ")}`);
  const out = readOutput(outcome.outputs.out);
  if (out.kind !== "tensor") return fallBack(`${fn} returned ${out.kind === "number" ? "a number" : out.desc} as out (expected [out, cache])`);
  if (outcome.kept !== true) return fallBack(`${fn} returned no cache (nothing at [1] of its result)`);
  args[at] = { $t: "kept", pick: sc.pick };
  return args;
}

async function runPlan(
  plan: Plan,
  sandbox: SandboxProcess,
  fileProblem: Map<string, string>,
  results: Map<string, TestResult>,
  ctx: GradeContext,
  started: number,
  broken: Broken,
): Promise<void> {
  const { spec } = plan;
  const failures = new Map<string, CaseFailure[]>(plan.tests.map((t) => [t.output, []]));
  const notes = new Set<string>();
  const failAll = (label: string, message: string): void => {
    for (const list of failures.values()) list.push({ label, message });
  };
  const problem = fileProblem.get(spec.file);
  if (problem) {
    failAll("all cases", `${spec.fn} could not be tested: ${problem}`);
  } else {
    const outputs: Record<string, (string | number)[]> = {};
    for (const t of plan.tests) outputs[t.output] = spec.outputs[t.output];
    const cases = spec.cases();
    const returns = returnsText(spec);
    for (let k = 0; k < cases.length; k++) {
      const c = cases[k];
      const label = `case ${k + 1} of ${cases.length} (${c.label})`;
      if (Date.now() - started > ctx.submissionBudgetMs) {
        failAll(label, `not run: the submission used up its time budget of ${ctx.submissionBudgetMs / 1000} s`);
        continue;
      }
      const earlier = broken.get(spec.fn);
      if (earlier) {
        failAll(label, `not run: ${spec.fn} failed in an earlier call: ${earlier}`);
        continue;
      }
      const args = await resolveArgs(c, sandbox, broken, notes);
      const outcome = faultless(await sandbox.call({ file: spec.file, fn: spec.fn, args: toWire(args) }, outputs));
      if (!outcome.ok) {
        const why = failureText({ fn: spec.fn, returns }, outcome);
        failAll(label, why);
        if (KILLED.has(outcome.kind)) {
          broken.set(spec.fn, why);
          for (let rest = k + 1; rest < cases.length; rest++) failAll(`case ${rest + 1} of ${cases.length} (${cases[rest].label})`, `not run after the previous case failed (${outcome.kind})`);
          break;
        }
        continue;
      }
      for (const t of plan.tests) {
        const failure = checkOutput(t.output, c.expected[t.output], outcome.outputs[t.output], () => [
          ...(c.candidates?.[t.output] ?? []),
          ...genericCandidates(t.output, c.expected[t.output], c.batch),
        ], ctx.manifest.tolerance);
        if (failure) failures.get(t.output)!.push({ label, ...failure });
        else if (outcome.changed.length > 0) failures.get(t.output)!.push({ label, message: `${spec.fn} changed its input ${outcome.changed.join(", ")}: functions must not change their inputs (make a new tensor).` });
      }
    }
  }
  for (const t of plan.tests) {
    const f = failures.get(t.output)!;
    results.set(t.entry.id, {
      id: t.entry.id,
      name: t.entry.name,
      points: f.length === 0 ? t.entry.points : 0,
      maxPoints: t.entry.points,
      passed: f.length === 0,
      failures: f,
      notes: [...notes],
    });
  }
}

/** A call outcome that is the student's doing; a sandbox that could not start stops the submission as a grader fault. */
function faultless(outcome: CallOutcome): CallOutcome {
  if (!outcome.ok && outcome.kind === "fault") throw new GraderFault(outcome.message);
  return outcome;
}

function checkOutput(
  what: string,
  expected: Tensor,
  raw: unknown,
  candidates: () => Candidate[],
  tol: number,
): Omit<CaseFailure, "label"> | undefined {
  const out = readOutput(raw);
  if (out.kind === "other") return { message: `${what} is ${out.desc}; expected a Tensor of shape ${shapeStr(expected.shape)}.` };
  if (out.kind === "number") return { message: `${what} is the number ${out.value}; expected a Tensor of shape ${shapeStr(expected.shape)}.` };
  if (out.dtype !== expected.dtype) {
    return { message: `${what} is a ${out.dtype} Tensor; expected ${expected.dtype}, the dtype of the inputs (allocate the result with the input's dtype, e.g. allocate(n, x.dtype)).` };
  }
  const mismatch = compareTensor(what, expected, out.tensor, tol);
  if (!mismatch) return undefined;
  const found = diagnose(out.tensor, candidates());
  return {
    message: mismatch.message,
    mistake: found ? { name: found.mistake, hint: found.hint } : undefined,
  };
}
