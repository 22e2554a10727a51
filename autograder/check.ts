/**
 * `nnkit check`: the grader's verdict on the public tests, before submitting. Every file to hand
 * in is compiled as the grader compiles it (a syntax error is reported with file, line and
 * column); then the assignment's public vitest files run through the grader's own engine — the
 * student's code in a separate process with a time limit per call, the outputs compared with the
 * reference's answers (recorded when the kit was released) and the likely mistake named in the
 * grader's words. The report fits on a screen: per function the points and one line per case, the
 * first failing case in detail.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Grader } from "./grader.js";
import { functionOf, kitRoot, loadManifest, totalPoints, type Manifest } from "./manifest.js";
import type { SubmissionResult, TestResult } from "./runner.js";
import { compileTs } from "./sandbox/build.js";
import { detectIsolation } from "./sandbox/process.js";
import { GraderFault } from "./sandbox/permission.js";
import { studentTypeErrors } from "./typecheck.js";

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
}

/** The functions of the manifest's public tests, in order. */
export function publicFunctionNames(manifest: Manifest): string[] {
  return [...new Set(manifest.tests.map((t) => functionOf(t.id)))];
}

/** The problem with `--only TEXT` (no public test's function matches it), or null when it selects some. */
export function filterProblem(filter: string, names: readonly string[]): string | null {
  if (names.some((n) => n.toLowerCase().includes(filter.toLowerCase()))) return null;
  return `--only "${filter}" matches no function of the public tests; give part of a function name, e.g. linearBackward or relu`;
}

const NOT_IMPLEMENTED = /(\w+) is not implemented yet/;

/** Functions that threw "not implemented yet" in `result`, in test order. */
export function notImplemented(result: SubmissionResult): string[] {
  const names: string[] = [];
  for (const t of result.tests) {
    const fn = functionOf(t.id);
    if (!names.includes(fn) && t.failures.some((f) => NOT_IMPLEMENTED.exec(f.message)?.[1] === fn)) names.push(fn);
  }
  return names;
}

/** The student's files under `root`, as a submission. */
function ownFiles(root: string, manifest: Manifest): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const file of manifest.files) files.set(file, readFileSync(join(root, file)));
  return files;
}

/** Run the public tests on the files under `root` through the grader's engine. */
export async function runCheck(opts: CheckOptions = {}): Promise<CheckResult> {
  const root = opts.root ?? kitRoot();
  const full = loadManifest(root, opts.assignment);
  let manifest = full;
  if (opts.filter !== undefined) {
    const problem = filterProblem(opts.filter, publicFunctionNames(full));
    if (problem) return { code: 2, lines: [`✗ ${problem}`] };
    manifest = { ...full, tests: full.tests.filter((t) => functionOf(t.id).toLowerCase().includes(opts.filter!.toLowerCase())) };
  }
  const problems = compileProblems(root, manifest);
  if (problems.length > 0) {
    return { code: 1, lines: [...problems.map((p) => `✗ ${p}`), "Fix these first: a file that does not compile gets no points (the grader compiles it the same way)."] };
  }
  let grader: Grader | undefined;
  let result: SubmissionResult;
  try {
    grader = await Grader.open({ root, assignment: manifest.assignment, tests: "public", budgetSeconds: opts.timeoutSeconds ?? 120, jobs: 1 });
    const graded = await grader.grade({ id: "check", student: "you", name: "", source: root, files: ownFiles(root, manifest), notes: [], late: false });
    if (graded.graderFault) throw new GraderFault(graded.reason ?? "the tests could not run");
    result = { ...graded, tests: graded.tests.filter((t) => manifest.tests.some((m) => m.id === t.id)) };
    result.score = result.tests.reduce((s, t) => s + t.points, 0);
    result.maxScore = result.tests.reduce((s, t) => s + t.maxPoints, 0);
  } catch (e) {
    if (!(e instanceof GraderFault)) throw e;
    return { code: 3, lines: [`✗ the tests could not run on this machine (not your code's fault): ${e.message}`] };
  } finally {
    await grader?.close();
  }
  const color = opts.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR);
  const lines = formatCheck(result, manifest, { verbose: opts.verbose ?? false, color, filtered: opts.filter !== undefined, fullPoints: totalPoints(full) });
  const stubs = new Set(notImplemented(result));
  const untouched = result.tests.every((t) => stubs.has(functionOf(t.id)));
  const at = lines.findIndex((l) => l.startsWith("public tests"));
  lines.splice(at < 0 ? lines.length : at, 0, ...typeErrorLines(await studentTypeErrors(root, manifest.files, untouched).catch((e: unknown) => [`the type check could not run: ${e instanceof Error ? e.message : String(e)}`])));
  return { code: result.score === result.maxScore ? 0 : 1, lines, result };
}

/** The report's lines for type errors (none when there are none): at most five, then how many more. */
export function typeErrorLines(errors: readonly string[]): string[] {
  if (errors.length === 0) return [];
  const more = errors.length > 5 ? [`  … and ${errors.length - 5} more (npx tsc --noEmit -p tsconfig.json lists them all)`] : [];
  return ["Type errors (they cost no points: the grader, check and the nnkit commands do not type-check; but npm run build stops at them):", ...errors.slice(0, 5).map((e) => `  ${e}`), ...more];
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
  tests: TestResult[];
  points: number;
  maxPoints: number;
}

function byFunction(result: SubmissionResult): FunctionReport[] {
  const out: FunctionReport[] = [];
  for (const t of result.tests) {
    const fn = functionOf(t.id);
    let r = out.find((x) => x.fn === fn);
    if (!r) out.push((r = { fn, tests: [], points: 0, maxPoints: 0 }));
    r.tests.push(t);
    r.points += t.points;
    r.maxPoints += t.maxPoints;
  }
  return out;
}

/** Every case label of a function's tests, in order (a test that failed as a whole adds its failure labels). */
function caseLabels(r: FunctionReport): string[] {
  const labels: string[] = [];
  for (const t of r.tests) for (const l of [...(t.cases ?? []), ...t.failures.map((f) => f.label)]) if (!labels.includes(l)) labels.push(l);
  return labels;
}

/** The report of a check: per function the points and one line per case, the first failure in detail, the total. */
export function formatCheck(result: SubmissionResult, manifest: Manifest, o: FormatOptions): string[] {
  const paint = (code: number, s: string): string => (o.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const ok = paint(32, "✓");
  const bad = paint(31, "✗");
  const lines: string[] = [];
  const reports = byFunction(result);
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
    let detailed = false;
    for (const label of caseLabels(r)) {
      const failing = r.tests.filter((t) => t.failures.some((f) => f.label === label));
      if (failing.length === 0) {
        lines.push(`    ${ok} ${label}`);
        continue;
      }
      lines.push(`    ${bad} ${label}: ${failing.map((t) => t.name.replace(/^.*: /, "")).join(", ")} wrong`);
      if (detailed && !o.verbose) {
        // the later cases in one line each: the likely mistake when one is recognised
        const named = new Set(failing.flatMap((t) => t.failures.filter((x) => x.label === label && x.mistake).map((x) => `${x.mistake!.name}: ${x.mistake!.hint}`)));
        for (const m of named) lines.push(`        Likely mistake — ${m}`);
        continue;
      }
      detailed = true;
      const forward = failing.find((t) => t.uses)?.uses;
      if (forward && forward !== r.fn && failedFns.has(forward)) {
        lines.push(`        your ${forward} fails its own test (above): fix it first — ${r.fn} is called with the cache your ${forward} returns.`);
      }
      // one call fails every output the same way (a thrown error): each message once
      const shown = new Set<string>();
      for (const t of failing) {
        for (const f of t.failures.filter((x) => x.label === label)) {
          for (const l of [f.message, ...(f.mistake ? [`Likely mistake — ${f.mistake.name}: ${f.mistake.hint}`] : [])]) {
            if (!shown.has(l)) lines.push(`        ${l}`);
            shown.add(l);
          }
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
  const stubs = notImplemented(result);
  if (!o.filtered) {
    lines.push(`public tests: ${result.score}/${o.fullPoints} points`);
  } else {
    lines.push(`public tests of the functions matching --only: ${result.score}/${result.maxScore} points (${o.fullPoints} in all; run without --only for the total)`);
  }
  if (result.score === result.maxScore) {
    lines.push(o.filtered ? "All of these pass." : "All public tests pass. The grader runs other shapes and seeds with the same checks: run `npm run submit` when you are done.");
  } else if (stubs.length > 0 && stubs.length === reports.filter((r) => r.points === 0).length && reports.every((r) => r.points === 0)) {
    const h = manifest.typicalHours;
    const effort = h ? ` Your course plans ${h[0] === h[1] ? h[0] : `${h[0]}–${h[1]}`} hours for the assignment.` : "";
    lines.push(`Nothing is implemented yet: start with ${stubs[0]} (${manifest.handout} says what each function computes).${effort}`);
  } else {
    lines.push(`Public points are the grader's points for these cases; the hidden cases (other shapes and seeds) decide the grade.${o.verbose ? "" : " Every failing case in detail: --verbose."}`);
  }
  return lines;
}
