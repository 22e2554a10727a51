/**
 * The assignment and grading commands of `nnkit`: release, check, submit, grade, gradescope.
 * Exit codes: 0 ok, 1 failures found (tests fail, a submission could not be graded, files do not
 * compile), 2 usage or input error, 3 a fault of the grader or its machine (e.g. the sandbox cannot
 * start). The grading modules are imported only when their command runs (they are absent from the
 * student release).
 */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EXIT, FaultError, UsageError } from "../src/cli/errors.js";
import { positiveInt, positiveNumber } from "../src/cli/options.js";
import { withPackages } from "../src/cli/packages.js";

const EXIT_HELP = `
Exit codes: 0 ok, 1 failures found, 2 usage or input error, 3 the grader or its machine is at fault (nothing is graded wrongly: it stops, or marks the row "grader fault").`;

// Shapes of the instructor-only modules (declared here so the student release type-checks without them).
interface ReleaseModule {
  buildRelease(o: { out: string; assignment: string }): Promise<{ folder: string; zip: string; files: string[]; regions: unknown[] }>;
}
interface GradeModule {
  gradeClass(o: {
    input: string;
    out: string;
    assignment?: string;
    jobs?: number;
    timeoutSeconds?: number;
    canvasAssignment?: string;
    moodleWorksheet?: string;
    moodleMaxGrade?: number;
    progress?: (done: number, total: number, last: { id: string; score: number; maxScore: number }) => void;
  }): Promise<{ results: { id: string; status: string; reason?: string }[]; notGraded: number; graderFaults: number; seconds: number; isolation: string; countLine: string; remarks: string[]; lmsFiles: string[] }>;
}
interface GradescopeModule {
  buildGradescopePackage(o: { out: string; assignment: string; hiddenVisibility?: string }): Promise<string>;
}

/** Import an instructor-only module by path (computed, so the student release compiles without it). */
async function instructorModule<T>(file: string): Promise<T> {
  const url = new URL(file, import.meta.url);
  try {
    return await withPackages(`nnkit ${file.replace(/^\.\/|\.js$/g, "")}`, async () => (await import(url.href)) as T);
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_MODULE_NOT_FOUND") {
      throw new UsageError("this command is for instructors: the grading code is not part of the student release");
    }
    throw e;
  }
}

/** Turn known input problems into UsageError (exit 2) with their message. */
async function asUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const name = (e as Error).constructor?.name;
    const msg = (e as Error).message ?? String(e);
    if (name === "InputError" || /^unknown assignment|is not empty|is a file, not a folder|does not exist|cannot find the nnkit kit/.test(msg)) throw new UsageError(msg);
    throw e;
  }
}

/** True when the instructor's modules are beside this one (the repository; not the student kit, which ships check and submit only). */
export function instructorModulesPresent(): boolean {
  const path = fileURLToPath(new URL("./release.js", import.meta.url));
  return existsSync(path) || existsSync(path.replace(/\.js$/, ".ts"));
}

/**
 * Register check and submit on `program`, and release, grade and gradescope when `instructor`
 * (default: when the instructor's modules are present), so the kit's --help lists only what runs there.
 */
export function registerAssignmentCommands(program: Command, instructor = instructorModulesPresent()): void {
  if (instructor) registerRelease(program);
  registerCheck(program);
  registerSubmit(program);
  if (!instructor) return;
  registerGrade(program);
  registerGradescope(program);
}

/** `nnkit release`. */
function registerRelease(program: Command): void {
  program
    .command("release")
    .description("build the student release of an assignment: the kit with every solution region replaced by a 'not implemented yet' error, as DIR and DIR.zip")
    .argument("<assignment>", "assignment name, e.g. a6")
    .requiredOption("--out <dir>", "output folder (must be empty or new); the zip is written next to it as <dir>.zip")
    .addHelpText("after", EXIT_HELP)
    .action(async (assignment: string, o: { out: string }) => {
      const { buildRelease } = await instructorModule<ReleaseModule>("./release.js");
      const r = await asUsage(() => buildRelease({ out: o.out, assignment }));
      process.stdout.write(`release ${assignment}: ${r.files.length} files, ${r.regions.length} solution regions stripped\n  folder ${r.folder}\n  zip    ${r.zip}\n`);
      process.exitCode = EXIT.ok;
    });
}

/** `nnkit check`. */
function registerCheck(program: Command): void {
  program
    .command("check")
    .description("run the public tests on your code as the grader runs them: points per function, the first failing case in detail, the likely mistake")
    .option("--assignment <name>", "assignment name (default: the kit's own, package.json's nnkit.assignment, or its only one)")
    .option("--timeout <seconds>", "stop the tests after this long in all", positiveNumber("--timeout", "seconds"), 120)
    .option("--only <text>", "only the functions whose name contains this text, e.g. linearBackward or relu")
    .option("--verbose", "every failing case in detail, all that your code printed")
    .addHelpText("after", `${EXIT_HELP} (1 = some public test fails or a file does not compile)`)
    .action(async (o: { assignment?: string; timeout: number; only?: string; verbose?: boolean }) => {
      const { runCheck } = await withPackages("nnkit check", () => import("./check.js"));
      const r = await asUsage(() => runCheck({ assignment: o.assignment, timeoutSeconds: o.timeout, filter: o.only, verbose: o.verbose }));
      if (r.code === EXIT.usage) throw new UsageError(r.lines.join(" ").replace(/^✗ /, ""));
      if (r.code === EXIT.fault) throw new FaultError(r.lines.join(" ").replace(/^✗ /, ""));
      process.stdout.write(`${r.lines.join("\n")}\n`);
      process.exitCode = r.code;
    });
}

/** `nnkit submit`. */
function registerSubmit(program: Command): void {
  program
    .command("submit")
    .description("run the public tests, then write submission.zip with exactly the files to hand in and metadata.json; refuses while a function is not implemented")
    .option("--assignment <name>", "assignment name (default: the kit's own, package.json's nnkit.assignment, or its only one)")
    .option("--out <file>", "where to write the zip (default: submission.zip in the kit folder)")
    .option("--name <name>", "your name, written into metadata.json")
    .option("--allow-incomplete", "submit even though some functions still throw 'not implemented yet'")
    .addHelpText("after", `${EXIT_HELP} (1 = not submitted: a file does not compile, or a function is not implemented without --allow-incomplete)`)
    .action(async (o: { assignment?: string; out?: string; name?: string; allowIncomplete?: boolean }) => {
      const { buildSubmission, SubmitError } = await withPackages("nnkit submit", () => import("./submit.js"));
      try {
        const r = await asUsage(() => buildSubmission({ assignment: o.assignment, out: o.out, name: o.name, allowIncomplete: o.allowIncomplete }));
        for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
        process.stdout.write(`wrote ${r.path} (${r.files.length} files, ${r.bytes} bytes; ${r.summary}):\n${r.files.map((f) => `  ${f}`).join("\n")}\nUpload this zip to your course platform.\n`);
        process.exitCode = EXIT.ok;
      } catch (e) {
        if (!(e instanceof SubmitError)) throw e;
        process.stderr.write(`nnkit submit: ${e.message}\n`);
        process.exitCode = EXIT.failures;
      }
    });
}

/** `nnkit grade`. */
function registerGrade(program: Command): void {
  program
    .command("grade")
    .description("grade one submission (zip, tarball or folder), a folder of them, or a Canvas, Moodle or Gradescope download; writes gradebook.csv, feedback/, results/, summary.html (and canvas-import.csv or moodle-grading-worksheet.csv for those downloads) into DIR")
    .argument("<input>", "a submission zip or folder, a folder of submissions, or a platform's bulk download")
    .requiredOption("--out <dir>", "output folder: new, empty, or a previous grading (which is replaced); nothing is written elsewhere")
    .option("--assignment <name>", "assignment name (default: the kit's own, package.json's nnkit.assignment, or its only one)")
    .option("--jobs <n>", "submissions graded in parallel (default: number of cores)", positiveInt("--jobs"))
    .option("--timeout <seconds>", "time limit per call into student code (default: the manifest's)", positiveNumber("--timeout", "seconds"))
    .option("--canvas-assignment <column>", 'Canvas: the assignment column of canvas-import.csv, "<name> (<id>)" as in Canvas\'s gradebook export (default: a new assignment named after the manifest)')
    .option("--only <ids>", "regrade only these students (comma-separated Canvas user ids, Moodle participant ids or submission names) into the previous grading in --out; everyone else's outputs stay as they are, the class files are rewritten")
    .option("--moodle-worksheet <file>", "Moodle: the grading worksheet downloaded from the assignment; written back as moodle-grading-worksheet.csv with grades and feedback filled in")
    .option("--moodle-max-grade <points>", "Moodle: the assignment's maximum grade in Moodle; grades in moodle-grading-worksheet.csv are scaled to it (default: the worksheet's Maximum Grade; without either no worksheet is written)", positiveNumber("--moodle-max-grade", "points"))
    .addHelpText("after", `${EXIT_HELP} (1 = some submissions could not be graded; they still have a row with the reason)`)
    .action(async (input: string, o: { out: string; assignment?: string; jobs?: number; timeout?: number; canvasAssignment?: string; moodleWorksheet?: string; moodleMaxGrade?: number }) => {
      const { gradeClass } = await instructorModule<GradeModule>("./grade.js");
      const { progressLine } = await import("../src/cli/progress.js");
      const line = progressLine();
      const started = Date.now();
      const r = await asUsage(() =>
        gradeClass({
          input,
          out: o.out,
          assignment: o.assignment,
          jobs: o.jobs,
          timeoutSeconds: o.timeout,
          canvasAssignment: o.canvasAssignment,
          moodleWorksheet: o.moodleWorksheet,
          moodleMaxGrade: o.moodleMaxGrade,
          progress: (done, total, last) => {
            const rate = (60 * done) / Math.max(0.001, (Date.now() - started) / 1000);
            line.update(`grading ${done}/${total}  ${rate.toFixed(0)} submissions/min  last: ${last.id} ${last.score}/${last.maxScore}`);
          },
        }),
      );
      line.done(r.countLine);
      process.stdout.write(`outputs in ${o.out}: gradebook.csv, ${r.lmsFiles.map((f) => `${f}, `).join("")}summary.html, feedback/, results/\n${r.isolation}\n`);
      for (const remark of r.remarks) process.stderr.write(`${remark}\n`);
      const failed = r.results.filter((x) => x.status !== "graded");
      for (const x of failed.slice(0, 10)) process.stderr.write(`not graded: ${x.id}: ${x.reason ?? "no reason recorded"}\n`);
      if (failed.length > 10) process.stderr.write(`… and ${failed.length - 10} more not graded (see gradebook.csv)\n`);
      if (r.graderFaults > 0) {
        process.stderr.write(`${r.graderFaults} submissions were not graded because of a fault of the grader or this machine (see above); they are marked "grader fault" in gradebook.csv: fix the cause and grade again.\n`);
      }
      process.exitCode = r.graderFaults > 0 ? EXIT.fault : r.notGraded > 0 ? EXIT.failures : EXIT.ok;
    });
}

/** `nnkit gradescope`. */
function registerGradescope(program: Command): void {
  program
    .command("gradescope")
    .description("build autograder.zip for Gradescope (setup.sh and run_autograder at its root)")
    .argument("<assignment>", "assignment name, e.g. a6")
    .requiredOption("--out <dir>", "output folder for autograder.zip")
    .option("--hidden-visibility <when>", "when students see which hidden case failed and why: after_due_date, after_published, hidden or visible (scores and pass/fail are always shown; the public cases always in full)", "after_due_date")
    .addHelpText("after", EXIT_HELP)
    .action(async (assignment: string, o: { out: string; hiddenVisibility: string }) => {
      const { buildGradescopePackage } = await instructorModule<GradescopeModule>("./gradescope.js");
      const path = await asUsage(() => buildGradescopePackage({ out: o.out, assignment, hiddenVisibility: o.hiddenVisibility }));
      process.stdout.write(`wrote ${path}: upload it as the autograder of a "Programming Assignment" on Gradescope\n`);
      process.exitCode = EXIT.ok;
    });
}
