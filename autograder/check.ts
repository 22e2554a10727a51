/**
 * `nnkit check`: the grader's verdict on the public tests, before submitting. Every file to hand
 * in is compiled as the grader compiles it (a syntax error is reported with file, line and
 * column); then the public cases run through the grader's own runner — the student's code in a
 * separate process with a time limit per call, the outputs compared with the reference's answers
 * and the likely mistake named with the grader's words (autograder/mistakes.ts).
 *
 * Why not a test framework: the verdict has to be the grader's (same calls, same comparison, same
 * diagnosis, a backward pass run on the reference forward's cache when the student's forward
 * fails), a synchronous infinite loop must end in a clear message, and the output has to fit on a
 * screen — per function the points and one line per case, the first failing case in detail.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { specsFromJson } from "./casefile.js";
import { kitRoot, loadManifest, totalPoints, type Manifest } from "./manifest.js";
import { gradeSubmission, type SubmissionResult, type TestResult } from "./runner.js";
import { buildSandboxBase, compileTs } from "./sandbox/build.js";
import { SandboxFolders } from "./sandbox/folders.js";
import { tempFolder } from "./sandbox/tempfolder.js";
import { DEFAULT_LIMITS, detectIsolation } from "./sandbox/process.js";
import { GraderFault } from "./sandbox/permission.js";
import type { FunctionSpec } from "./spec.js";

/** Compile every file of the manifest; returns one message per problem (missing file or syntax error). */
export function compileProblems(root: string, manifest: Manifest): string[] {
  const problems: string[] = [];
  for (const file of manifest.files) {
    const path = join(root, file);
    if (!existsSync(path)) {
      problems.push(`${file} is missing`);
      continue;
    }
    const c = compileTs(readFileSync(path, "utf8"), file);
    if (!c.ok) problems.push(c.error);
  }
  return problems;
}

export interface CheckOptions {
  root?: string;
  assignment?: string;
  /** Stop after this many seconds in all (default 120). */
  timeoutSeconds?: number;
  /** Only the functions whose name contains this text (e.g. "linearBackward", "relu"). */
  filter?: string;
  /** Every failing case in detail, the printed output in full, how the code was isolated. */
  verbose?: boolean;
  /** Colour the marks (default: when stdout is a terminal and NO_COLOR is not set). */
  color?: boolean;
}

/** What a check found: the exit code (0 all pass, 1 failures, 2 cannot run), its report, the grader's result. */
export interface CheckResult {
  code: number;
  /** The lines to print. */
  lines: string[];
  result?: SubmissionResult;
  specs: readonly FunctionSpec[];
}

/** Where the public cases are: the release ships them as JSON next to the manifest. */
export function caseFile(root: string, manifest: Manifest): string {
  return join(root, manifest.publicTests, "cases.json");
}

/**
 * The public specs: from the shipped cases.json, or (in the instructor's kit, which has the
 * reference solution) computed from the definitions in assignments/<name>/tests/index.ts.
 */
export async function publicSpecs(root: string, manifest: Manifest): Promise<readonly FunctionSpec[]> {
  const file = caseFile(root, manifest);
  if (existsSync(file)) return specsFromJson(readFileSync(file, "utf8"), `${manifest.publicTests}/cases.json`);
  const url = new URL(`../assignments/${manifest.assignment}/tests/index.js`, import.meta.url);
  const mod = (await import(url.href)) as { PUBLIC_SPECS: readonly FunctionSpec[] };
  return mod.PUBLIC_SPECS;
}

/** The function names a `--only` text can select. */
export function publicFunctionNames(specs: readonly FunctionSpec[]): string[] {
  return [...new Set(specs.map((s) => s.fn))];
}

/** The problem with `--only TEXT` (no public test's function matches it), or null when it selects some. */
export function filterProblem(filter: string, names: readonly string[]): string | null {
  if (names.some((n) => n.toLowerCase().includes(filter.toLowerCase()))) return null;
  return `--only "${filter}" matches no function of the public tests; give part of a function name, e.g. linearBackward or relu`;
}

const NOT_IMPLEMENTED = /(\w+) is not implemented yet/;

/** Functions (of `fns`) that threw "not implemented yet" in `result`, in manifest order. */
export function notImplemented(result: SubmissionResult, specs: readonly FunctionSpec[]): string[] {
  const names = new Set<string>();
  for (const t of result.tests) {
    const fn = specOf(t.id, specs)?.fn;
    for (const f of t.failures) {
      const m = NOT_IMPLEMENTED.exec(f.message);
      if (fn && m && m[1] === fn) names.add(fn);
    }
  }
  return publicFunctionNames(specs).filter((fn) => names.has(fn));
}

function specOf(testId: string, specs: readonly FunctionSpec[]): FunctionSpec | undefined {
  return [...specs].sort((a, b) => b.id.length - a.id.length).find((s) => testId.startsWith(`${s.id}.`));
}

/** Run the public tests on the files under `root` through the grader's runner. */
export async function runCheck(opts: CheckOptions = {}): Promise<CheckResult> {
  const root = opts.root ?? kitRoot();
  const full = loadManifest(root, opts.assignment ?? "a6");
  const allSpecs = await publicSpecs(root, full);
  let specs = allSpecs;
  if (opts.filter !== undefined) {
    const problem = filterProblem(opts.filter, publicFunctionNames(allSpecs));
    if (problem) return { code: 2, lines: [`✗ ${problem}`], specs: [] };
    specs = allSpecs.filter((s) => s.fn.toLowerCase().includes(opts.filter!.toLowerCase()));
  }
  const manifest: Manifest = { ...full, tests: full.tests.filter((t) => specs.some((s) => t.id.startsWith(`${s.id}.`))) };
  const problems = compileProblems(root, manifest);
  if (problems.length > 0) {
    return { code: 1, specs, lines: [...problems.map((p) => `✗ ${p}`), "Fix these first: a file that does not compile gets no points (the grader compiles it the same way)."] };
  }
  const files = new Map<string, Buffer>();
  for (const file of manifest.files) files.set(file, readFileSync(join(root, file)));
  const folder = tempFolder("nnkit-check-"); // as root the child runs as another user, who must reach its folder
  const work = folder.path;
  try {
    const base = join(work, "base");
    buildSandboxBase(root, base);
    const limits = { ...DEFAULT_LIMITS, callTimeoutMs: 1000 * manifest.limits.callTimeoutSeconds, memoryMb: manifest.limits.memoryMb };
    let result: SubmissionResult;
    try {
      result = await gradeSubmission(
        { id: "check", student: "you", name: "", source: root, files, notes: [], late: false },
        { manifest, specs, folders: new SandboxFolders(base, work), limits, isolation: detectIsolation(), submissionBudgetMs: 1000 * (opts.timeoutSeconds ?? 120) },
      );
    } catch (e) {
      if (!(e instanceof GraderFault)) throw e;
      return { code: 3, specs, lines: [`✗ the tests could not run on this machine (not your code's fault): ${e.message}`] };
    }
    const color = opts.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR);
    const lines = formatCheck(result, manifest, specs, { verbose: opts.verbose ?? false, color, filtered: opts.filter !== undefined, fullPoints: totalPoints(full) });
    return { code: result.score === result.maxScore ? 0 : 1, lines, result, specs };
  } finally {
    folder.remove();
  }
}

interface FormatOptions {
  verbose: boolean;
  color: boolean;
  /** Only some functions were run (--only). */
  filtered: boolean;
  /** Points of every public test (for the total line). */
  fullPoints: number;
}

/** One function's tests (its outputs) and cases, for the report. */
interface FunctionReport {
  fn: string;
  specs: FunctionSpec[];
  tests: TestResult[];
  points: number;
  maxPoints: number;
}

function byFunction(result: SubmissionResult, specs: readonly FunctionSpec[]): FunctionReport[] {
  const out: FunctionReport[] = [];
  for (const fn of publicFunctionNames(specs)) {
    const mine = specs.filter((s) => s.fn === fn);
    const tests = result.tests.filter((t) => mine.includes(specOf(t.id, specs)!));
    out.push({ fn, specs: mine, tests, points: tests.reduce((s, t) => s + t.points, 0), maxPoints: tests.reduce((s, t) => s + t.maxPoints, 0) });
  }
  return out;
}

/** The function a backward spec's cases get their cache from (the nested student call), if any. */
function forwardOf(spec: FunctionSpec): string | undefined {
  const first = spec.cases()[0];
  for (const a of first?.args ?? []) {
    const call = (a as { $t?: string; call?: { fn?: string } } | null)?.call;
    if ((a as { $t?: string } | null)?.$t === "call" && typeof call?.fn === "string") return call.fn;
  }
  return undefined;
}

/** The report of a check: per function the points and one line per case, the first failure in detail, the total. */
export function formatCheck(result: SubmissionResult, manifest: Manifest, specs: readonly FunctionSpec[], o: FormatOptions): string[] {
  const paint = (code: number, s: string): string => (o.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const ok = paint(32, "✓");
  const bad = paint(31, "✗");
  const lines: string[] = [];
  const reports = byFunction(result, specs);
  const width = Math.max(...reports.map((r) => r.fn.length));
  const failedFns = new Set(reports.filter((r) => r.points < r.maxPoints).map((r) => r.fn));
  for (const r of reports) {
    const passed = r.points === r.maxPoints;
    const head = `${passed ? ok : bad} ${r.fn.padEnd(width)}  ${`${r.points}/${r.maxPoints}`.padStart(5)} points`;
    const stub = r.tests.flatMap((t) => t.failures).find((f) => NOT_IMPLEMENTED.exec(f.message)?.[1] === r.fn);
    if (stub && r.points === 0) {
      lines.push(`${head}  not implemented yet`);
      continue;
    }
    lines.push(head);
    const labels = r.specs.flatMap((s) => s.cases().map((c, k, all) => ({ spec: s, label: `case ${k + 1} of ${all.length} (${c.label})` })));
    let detailed = false;
    for (const { label } of labels) {
      const failing = r.tests.filter((t) => t.failures.some((f) => f.label === label));
      if (failing.length === 0) {
        lines.push(`    ${ok} ${label}`);
        continue;
      }
      lines.push(`    ${bad} ${label}: ${failing.map((t) => t.name.replace(/^.*: /, "")).join(", ")} wrong`);
      if (detailed && !o.verbose) continue;
      detailed = true;
      const spec = labels.find((l) => l.label === label)!.spec;
      const forward = forwardOf(spec);
      if (forward && forward !== r.fn && failedFns.has(forward)) {
        lines.push(`        your ${forward} fails its own test (above): fix it first — ${r.fn} is called with the cache your ${forward} returns.`);
      }
      for (const t of failing) {
        for (const f of t.failures.filter((x) => x.label === label)) {
          lines.push(`        ${f.message}`);
          if (f.mistake) lines.push(`        Likely mistake — ${f.mistake.name}: ${f.mistake.hint}`);
        }
      }
    }
    const notes = [...new Set(r.tests.flatMap((t) => t.notes))];
    for (const n of o.verbose ? notes : notes.slice(0, 1)) lines.push(`        Note: ${n}`);
  }
  for (const n of result.notes) lines.push(`Note: ${n}`);
  if (result.printed.length > 0) {
    const printed = result.printed.trimEnd().split("\n");
    const shown = o.verbose ? printed : printed.slice(0, 5);
    lines.push(`Your code printed ${printed.length} line(s)${shown.length < printed.length ? `; the first ${shown.length} (all with --verbose)` : ""}:`, ...shown.map((l) => `  | ${l}`));
  }
  if (o.verbose) lines.push(`(run as the grader runs it: ${detectIsolation().note})`);
  const stubs = notImplemented(result, specs);
  if (!o.filtered) {
    lines.push(`public tests: ${result.score}/${o.fullPoints} points`);
  } else {
    lines.push(`public tests of the functions matching --only: ${result.score}/${result.maxScore} points (${o.fullPoints} in all; run without --only for the total)`);
  }
  if (result.score === result.maxScore) {
    lines.push(o.filtered ? "All of these pass." : "All public tests pass. The grader runs other shapes and seeds with the same checks: run `npm run submit` when you are done.");
  } else if (stubs.length > 0 && stubs.length === reports.filter((r) => r.points === 0).length && reports.every((r) => r.points === 0)) {
    lines.push(`Nothing is implemented yet: start with ${stubs[0]} (${manifest.handout} says what each function computes).`);
  } else {
    lines.push(`Public points are the grader's points for these cases; the hidden cases (other shapes and seeds) decide the grade.${o.verbose ? "" : " Every failing case in detail: --verbose."}`);
  }
  return lines;
}
