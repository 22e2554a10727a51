/**
 * Grading a class: find the submissions in INPUT, grade them in parallel (one sandbox child per
 * submission being graded, `jobs` at a time), and write into DIR: gradebook.csv, feedback/<id>.md
 * and .html, results/<id>.json (Gradescope format), summary.html (+ plotly.js next to it) and
 * run-info.json — the only file with dates and timings, so every other file is byte-identical for
 * the same input.
 */
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { HIDDEN_SPECS } from "./hidden/index.js";
import type { FunctionSpec } from "./spec.js";
import { InputError, findSubmissions } from "./intake.js";
import { kitRoot, loadManifest, type Manifest } from "./manifest.js";
import { OutDir } from "./outdir.js";
import { feedbackMarkdown, htmlPage } from "./report/feedback.js";
import { gradebookCsv } from "./report/gradebook.js";
import { gradescopeResults } from "./report/gradescope.js";
import { canvasImportCsv, fillMoodleWorksheet, moodleWorksheetFile, WorksheetError } from "./report/lms.js";
import { PLOTLY_FILE, summaryHtml } from "./report/summary.js";
import { gradeSubmission, notGraded, planTests, type GradeContext, type Submission, type SubmissionResult } from "./runner.js";
import { buildSandboxBase } from "./sandbox/build.js";
import { SandboxFolders } from "./sandbox/folders.js";
import { tempFolder } from "./sandbox/tempfolder.js";
import { detectIsolation, sandboxParent } from "./sandbox/isolation.js";
import { DEFAULT_LIMITS, type SandboxLimits } from "./sandbox/process.js";
import { GraderFault } from "./sandbox/permission.js";
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

/** A grading session: shared sandbox base and reference answers, reusable for several inputs. */
export class Grader {
  readonly manifest: Manifest;
  readonly ctx: GradeContext;
  /** Kit files left out of the sandbox base (could not be stripped or compiled). */
  readonly baseProblems: string[];
  /** The kit root whose manifest, hidden tests and reference solution this grader uses. */
  readonly root: string;
  private readonly work: string;
  private readonly folder: { path: string; remove: () => void };

  constructor(opts: { root?: string; assignment?: string; jobs?: number; timeoutSeconds?: number; base?: string; specs?: readonly FunctionSpec[]; profile?: GradeProfile } = {}) {
    const root = opts.root ?? kitRoot();
    this.root = root;
    this.manifest = loadManifest(root, opts.assignment ?? "a6");
    const specs = opts.specs ?? HIDDEN_SPECS;
    planTests(this.manifest, specs); // fail early if the manifest and the hidden tests disagree
    const isolation = detectIsolation();
    // A prebuilt base stays where it is: the sandboxes hard-link it, so they go on its file system.
    this.folder = tempFolder("nnkit-grade-", opts.base ? tmpdir() : sandboxParent(isolation));
    this.work = this.folder.path;
    const base = opts.base ?? join(this.work, "base");
    this.baseProblems = opts.base ? [] : buildSandboxBase(root, base);
    const limits: SandboxLimits = {
      ...DEFAULT_LIMITS,
      callTimeoutMs: 1000 * (opts.timeoutSeconds ?? this.manifest.limits.callTimeoutSeconds),
      memoryMb: this.manifest.limits.memoryMb,
    };
    for (const s of specs) s.cases(); // run the reference once, before any student code
    this.ctx = {
      manifest: this.manifest, specs, folders: new SandboxFolders(base, this.work), limits, isolation, submissionBudgetMs: 1000 * this.manifest.limits.submissionSeconds,
      ...(opts.profile ? { profile: opts.profile } : {}),
    };
  }

  /**
   * Grade one submission. A fault of the grader (the sandbox could not start, an internal error)
   * becomes a "not graded (grader fault)" row, never points and never a crash.
   */
  async grade(sub: Submission): Promise<SubmissionResult> {
    try {
      return await gradeSubmission(sub, this.ctx);
    } catch (e) {
      const what = e instanceof GraderFault ? "grader fault" : "grader fault: internal error";
      return { ...notGraded(sub, this.manifest, `not graded (${what}): ${(e as Error).message}`, "grader fault (grade them again)"), graderFault: true };
    }
  }

  /**
   * Grade the kit's own reference solution in the sandbox. Unless it gets full marks (the sandbox
   * cannot start on this Node or machine, a limit is too tight here, the hidden tests disagree with
   * the reference), throws a GraderFault saying why, so no student is graded by a broken grader.
   */
  async selfCheck(root: string = this.root): Promise<void> {
    const files = new Map<string, Buffer>();
    for (const file of this.manifest.files) files.set(file, readFileSync(join(root, file)));
    const r = await this.grade({ id: "reference-self-check", student: "reference", name: "", source: "the kit's reference solution", late: false, files, notes: [] });
    if (r.status === "graded" && r.score === r.maxScore) return;
    const lost = r.tests
      .filter((t) => !t.passed)
      .slice(0, 3)
      .map((t) => `${t.id}: ${t.failures[0]?.message ?? "failed"}`);
    throw new GraderFault(
      `the grader's self-check failed, so nothing was graded: the reference solution got ${r.score}/${r.maxScore} in the sandbox on this machine (Node ${process.version}). ${r.reason ?? lost.join("; ")}`,
    );
  }

  /** Grade many, `jobs` at a time, results in input order. */
  async gradeAll(subs: readonly Submission[], jobs: number, progress?: GradeOptions["progress"]): Promise<SubmissionResult[]> {
    const results = new Array<SubmissionResult>(subs.length);
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (next < subs.length) {
        const k = next++;
        results[k] = await this.grade(subs[k]);
        done++;
        progress?.(done, subs.length, results[k]);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, subs.length)) }, worker));
    return results;
  }

  /** Remove the temporary sandboxes. */
  close(): void {
    this.folder.remove();
  }
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

/** Write one submission's feedback (md, html) and Gradescope results.json. */
export function writeStudentOutputs(out: OutDir, r: SubmissionResult, manifest: Manifest): void {
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

/** What one grading run writes into DIR (run-info.json marks a folder as a previous grading). */
const GRADE_OUTPUTS = ["feedback", "results", "gradebook.csv", CANVAS_FILE, MOODLE_FILE, "summary.html", PLOTLY_FILE, "run-info.json"];

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

/** The `grade` command's work: read INPUT, grade, write every output into DIR. */
export async function gradeClass(opts: GradeOptions): Promise<GradeSummary> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const grader = new Grader({ root: opts.root, assignment: opts.assignment, timeoutSeconds: opts.timeoutSeconds, base: opts.base, profile: opts.profile });
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
    await grader.selfCheck();
    prepareGradeDir(opts.out);
    const out = new OutDir(opts.out);
    const jobs = opts.jobs ?? availableParallelism();
    const results = await grader.gradeAll(submissions, jobs, (done, total, r) => {
      writeStudentOutputs(out, r, grader.manifest);
      opts.progress?.(done, total, r);
    });
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
    grader.close();
  }
}
