/**
 * Grading a class: find the submissions in INPUT, grade them (the assignment's hidden vitest files,
 * each submission's calls in its own sandbox child, `jobs` vitest workers at a time), and write into DIR: gradebook.csv, feedback/<id>.md
 * and .html, results/<id>.json (Gradescope format), summary.html (+ plotly.js next to it) and
 * run-info.json — the only file with dates and timings, so every other file is byte-identical for
 * the same input.
 */
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { Grader } from "./grader.js";
import { InputError, findSubmissions } from "./intake.js";
import type { Manifest } from "./manifest.js";
import { OutDir } from "./outdir.js";
import { feedbackMarkdown, htmlPage } from "./report/feedback.js";
import { gradebookCsv } from "./report/gradebook.js";
import { gradescopeResults } from "./report/gradescope.js";
import { canvasImportCsv, fillMoodleWorksheet, moodleWorksheetFile, WorksheetError } from "./report/lms.js";
import { PLOTLY_FILE, summaryHtml } from "./report/summary.js";
import type { SubmissionResult } from "./runner.js";
import type { GradeProfile } from "./profile.js";

export interface GradeOptions {
  input: string;
  out: string;
  assignment?: string;
  /** Submissions graded at once (default: the number of cores). */
  jobs?: number;
  /** Per-call time limit in seconds (default: the manifest's). */
  timeoutSeconds?: number;
  /** Kit root (default: found from this module). */
  root?: string;
  /** A prebuilt sandbox base (default: built into a temporary folder). */
  base?: string;
  /** Canvas import: the assignment column, "<name> (<Canvas assignment id>)" (default: a new assignment named after the manifest). */
  canvasAssignment?: string;
  /** Moodle: the grading worksheet downloaded from Moodle, to be returned with grades and feedback filled in. */
  moodleWorksheet?: string;
  /** Moodle: the assignment's maximum grade in Moodle, the scale its worksheet's grades are on (default: the downloaded worksheet's Maximum Grade). */
  moodleMaxGrade?: number;
  /** Regrade only these students (Canvas user ids, Moodle participant ids, submission ids) into the previous grading in `out`, leaving the others' outputs as they are. */
  only?: string[];
  /** Time each submission's phases into this (the benchmark's --profile). */
  profile?: GradeProfile;
  /** Called after each submission. */
  progress?: (done: number, total: number, last: SubmissionResult) => void;
}

export interface GradeSummary {
  results: SubmissionResult[];
  /** Submissions that could not be graded at all. */
  notGraded: number;
  /** Of those, the ones the grader or its machine is to blame for (to be graded again). */
  graderFaults: number;
  seconds: number;
  isolation: string;
  /** The closing line for the TA (see countLine). */
  countLine: string;
  /** Remarks on the LMS files (students missing from the Moodle worksheet, grades scaled, ...). */
  remarks: string[];
  /** The LMS import files written (e.g. ["canvas-import.csv"]). */
  lmsFiles: string[];
}

/**
 * The run's closing line: students counted, how many were graded, and why the others were not,
 * e.g. "graded 40 of 42 students in 61.0 s (41/min); 2 not graded: 1 uploaded no file of the
 * assignment, 1 grader fault (grade them again)".
 */
export function countLine(results: readonly SubmissionResult[], seconds: number): string {
  const graded = results.filter((r) => r.status === "graded").length;
  const why = new Map<string, number>();
  for (const r of results) if (r.status !== "graded") why.set(r.category ?? "could not be read", (why.get(r.category ?? "could not be read") ?? 0) + 1);
  const reasons = [...why.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c, n]) => `${n} ${c}`);
  const students = results.length === 1 ? "1 student" : `${results.length} students`;
  const rate = `${(seconds > 0 ? (60 * results.length) / seconds : 0).toFixed(0)}/min`;
  return `graded ${graded} of ${students} in ${seconds.toFixed(1)} s (${rate}); ${results.length - graded} not graded${reasons.length > 0 ? `: ${reasons.join(", ")}` : ""}`;
}

/** Write one submission's feedback (md, html), Gradescope results.json and its whole record. */
export function writeStudentOutputs(out: OutDir, r: SubmissionResult, manifest: Manifest): void {
  out.write(`records/${r.id}.json`, `${JSON.stringify(r)}\n`);
  const md = feedbackMarkdown(r, manifest);
  out.write(`feedback/${r.id}.md`, md);
  out.write(`feedback/${r.id}.html`, htmlPage(`${manifest.assignment} feedback: ${r.student}`, md));
  // Graded locally, the details go to the TA at once.
  out.write(`results/${r.id}.json`, `${JSON.stringify(gradescopeResults(r, manifest, { hiddenVisibility: "visible" }), null, 2)}\n`);
}

function plotlyBundle(): string {
  return createRequire(import.meta.url).resolve("plotly.js-dist");
}

/** The LMS import files (written for Canvas and Moodle downloads). */
export const CANVAS_FILE = "canvas-import.csv";
export const MOODLE_FILE = "moodle-grading-worksheet.csv";

/** What one grading run writes into DIR (run-info.json marks a folder as a previous grading; records/ holds each result whole, for a later --only). */
const GRADE_OUTPUTS = ["feedback", "results", "records", "gradebook.csv", CANVAS_FILE, MOODLE_FILE, "summary.html", PLOTLY_FILE, "run-info.json"];

/** The results of a previous grading in `dir` (records/<id>.json), by submission id. */
export function previousResults(dir: string): Map<string, SubmissionResult> {
  const records = join(dir, "records");
  if (!existsSync(join(dir, "run-info.json")) || !existsSync(records)) {
    throw new InputError(`--only regrades students into a previous grading, but ${dir} holds none (no run-info.json and records/): grade the whole class into it first`);
  }
  const out = new Map<string, SubmissionResult>();
  for (const name of readdirSync(records).filter((n) => n.endsWith(".json")).sort()) {
    const r = JSON.parse(readFileSync(join(records, name), "utf8")) as SubmissionResult;
    out.set(r.id, r);
  }
  return out;
}

/** The submissions `only` names (by student id or submission id); an id that names none is an InputError listing what there is. */
export function selectSubmissions<T extends { id: string; student: string }>(subs: readonly T[], only: readonly string[]): T[] {
  const unknown = only.filter((o) => !subs.some((s) => s.id === o || s.student === o));
  if (unknown.length > 0) {
    throw new InputError(`--only: no submission of ${unknown.join(", ")} in the input (its students: ${subs.slice(0, 20).map((s) => s.student).join(", ")}${subs.length > 20 ? ", …" : ""})`);
  }
  return subs.filter((s) => only.includes(s.id) || only.includes(s.student));
}

/**
 * Make `dir` ready for a grading: new or empty is fine; a previous grading (run-info.json) is removed
 * so no feedback or results of students from another run stay behind; any other folder is refused.
 */
export function prepareGradeDir(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new InputError(`--out ${dir} is a file; choose a folder for the grading outputs`);
  const entries = readdirSync(dir);
  if (entries.length === 0) return;
  if (!entries.includes("run-info.json")) {
    throw new InputError(`--out ${dir} is not empty and holds no previous grading; choose a new or empty folder`);
  }
  for (const name of GRADE_OUTPUTS) rmSync(join(dir, name), { recursive: true, force: true });
}

/** The class's results after a regrade: the input's order, each regraded one in place of its earlier result; earlier results of students no longer in the input stay. */
function mergeResults(subs: readonly { id: string }[], previous: ReadonlyMap<string, SubmissionResult>, regraded: readonly SubmissionResult[]): SubmissionResult[] {
  const now = new Map(regraded.map((r) => [r.id, r]));
  const inInput = subs.map((s) => now.get(s.id) ?? previous.get(s.id)).filter((r): r is SubmissionResult => r !== undefined);
  const rest = [...previous.values()].filter((r) => !subs.some((s) => s.id === r.id));
  return [...inInput, ...rest];
}

/** The `grade` command's work: read INPUT, grade, write every output into DIR. */
export async function gradeClass(opts: GradeOptions): Promise<GradeSummary> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const jobs = opts.jobs ?? availableParallelism();
  const grader = await Grader.open({ root: opts.root, assignment: opts.assignment, timeoutSeconds: opts.timeoutSeconds, base: opts.base, profile: opts.profile, jobs });
  try {
    const inside = relative(resolve(opts.input), resolve(opts.out));
    if (inside === "" || (!inside.startsWith("..") && !isAbsolute(inside))) {
      throw new InputError(`--out ${opts.out} is inside INPUT ${opts.input}: choose an output folder outside the submissions`);
    }
    const { submissions, platform } = await findSubmissions(opts.input, grader.manifest);
    if (submissions.length === 0) throw new InputError(`no submissions found in ${opts.input}`);
    let worksheet: string | undefined;
    const maxGrade = opts.moodleMaxGrade;
    const download = platform === "single" ? "one submission" : `a ${platform} download`;
    if (maxGrade !== undefined && platform !== "moodle") throw new InputError(`--moodle-max-grade needs a Moodle download as INPUT; ${opts.input} is ${download}`);
    if (maxGrade !== undefined && !(Number.isFinite(maxGrade) && maxGrade > 0)) throw new InputError(`--moodle-max-grade must be a positive number of points, got ${maxGrade}`);
    if (opts.moodleWorksheet !== undefined) {
      if (platform !== "moodle") throw new InputError(`--moodle-worksheet needs a Moodle download as INPUT; ${opts.input} is ${download}`);
      if (!existsSync(opts.moodleWorksheet) || !statSync(opts.moodleWorksheet).isFile()) throw new InputError(`--moodle-worksheet ${opts.moodleWorksheet} does not exist: download it in Moodle (Assignment → View all submissions → Download grading worksheet)`);
      worksheet = readFileSync(opts.moodleWorksheet, "utf8");
      try {
        fillMoodleWorksheet(worksheet, [], grader.manifest, basename(opts.moodleWorksheet), maxGrade); // refuse a wrong file before grading
      } catch (e) {
        throw e instanceof WorksheetError ? new InputError(e.message) : e;
      }
    }
    const previous = opts.only ? previousResults(opts.out) : undefined;
    const chosen = opts.only ? selectSubmissions(submissions, opts.only) : submissions;
    await grader.selfCheck();
    if (!previous) prepareGradeDir(opts.out);
    const out = new OutDir(opts.out);
    const graded = await grader.gradeAll(chosen, (done, total, r) => {
      writeStudentOutputs(out, r, grader.manifest);
      opts.progress?.(done, total, r);
    });
    const results = previous ? mergeResults(submissions, previous, graded) : graded;
    out.write("gradebook.csv", gradebookCsv(results, grader.manifest));
    const remarks: string[] = [];
    const lmsFiles: string[] = [];
    if (platform === "canvas") {
      out.write(CANVAS_FILE, canvasImportCsv(results, grader.manifest, opts.canvasAssignment));
      lmsFiles.push(CANVAS_FILE);
    } else if (platform === "moodle") {
      const sheet = moodleWorksheetFile(results, grader.manifest, MOODLE_FILE, { worksheet, file: opts.moodleWorksheet && basename(opts.moodleWorksheet), moodleMax: maxGrade });
      if (sheet.text !== undefined) {
        out.write(MOODLE_FILE, sheet.text);
        lmsFiles.push(MOODLE_FILE);
      }
      remarks.push(...sheet.remarks);
    }
    out.write("summary.html", summaryHtml(results, grader.manifest));
    out.copy(plotlyBundle(), PLOTLY_FILE);
    const seconds = (Date.now() - started) / 1000;
    const notGradedCount = results.filter((r) => r.status !== "graded").length;
    out.write(
      "run-info.json",
      `${JSON.stringify({ startedAt, seconds, submissions: results.length, notGraded: notGradedCount, platform, jobs, node: process.version, isolation: grader.ctx.isolation.note, kitFilesLeftOut: grader.baseProblems, submissionsPerMinute: Number(((60 * results.length) / seconds).toFixed(1)) }, null, 2)}\n`,
    );
    const graderFaults = results.filter((r) => r.graderFault).length;
    return { results, notGraded: notGradedCount, graderFaults, seconds, isolation: grader.ctx.isolation.note, countLine: countLine(results, seconds), remarks, lmsFiles };
  } finally {
    await grader.close();
  }
}
