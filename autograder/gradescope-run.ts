/**
 * The grader inside Gradescope's container (bundled into grader.mjs by `nnkit gradescope`):
 * grades $NNKIT_AUTOGRADER_ROOT/submission (default /autograder/submission) and writes
 * results/results.json in Gradescope's format: the hidden cases scored (their details with the
 * visibility chosen when the package was built, after the due date by default), the public cases
 * shown in full, the students' names and lateness from submission_metadata.json.
 *
 * Before grading, the kit's reference solution (shipped in reference/, out of the sandbox's reach)
 * is graded in the same sandbox; unless it gets full marks, or if anything else fails in the
 * grader, no results.json is written and the run exits with code 3: Gradescope then shows "The
 * autograder failed to execute correctly" and records no score, instead of a 0 the student did
 * not earn; the reason is printed for the course staff, who re-run the autograder once it is fixed.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Grader } from "./grader.js";
import { findSubmissions } from "./intake.js";
import { kitRoot } from "./manifest.js";
import { OutDir } from "./outdir.js";
import { DEFAULT_HIDDEN_VISIBILITY, gradescopeResults, readSubmissionMetadata, VISIBILITIES, type Visibility } from "./report/gradescope.js";

/** What `nnkit gradescope` wrote into the package besides the code. */
interface PackageConfig {
  hiddenVisibility?: Visibility;
  /** The assignment the package grades. */
  assignment?: string;
}

const root = process.env.NNKIT_AUTOGRADER_ROOT ?? "/autograder";
const started = Date.now();
const results = new OutDir(join(root, "results"));
rmSync(join(root, "results", "results.json"), { force: true });
try {
  const source = kitRoot();
  const configFile = join(source, "gradescope.json");
  const config = (existsSync(configFile) ? JSON.parse(readFileSync(configFile, "utf8")) : {}) as PackageConfig;
  const hiddenVisibility = VISIBILITIES.includes(config.hiddenVisibility as Visibility) ? config.hiddenVisibility! : DEFAULT_HIDDEN_VISIBILITY;
  const base = join(source, "sandbox-base");
  const grader = await Grader.open({ root: source, base, assignment: config.assignment });
  try {
    await grader.selfCheck(join(source, "reference"));
    const { submissions } = await findSubmissions(join(root, "submission"), grader.manifest, { single: true });
    const metaFile = join(root, "submission_metadata.json");
    const metadata = existsSync(metaFile) ? readSubmissionMetadata(readFileSync(metaFile, "utf8")) : undefined;
    const sub = { ...submissions[0], id: "submission", student: "submission", late: metadata?.late ?? false, ...(metadata?.daysLate !== undefined ? { daysLate: metadata.daysLate } : {}) };
    const result = await grader.grade(sub);
    if (result.graderFault) throw new Error(result.reason);
    const publicGrader = await Grader.open({ root: source, base, assignment: config.assignment, tests: "public" });
    let publicResult;
    try {
      publicResult = await publicGrader.grade(sub);
    } finally {
      await publicGrader.close();
    }
    const json = {
      ...gradescopeResults(result, grader.manifest, { hiddenVisibility, publicResult: publicResult.graderFault ? undefined : publicResult, metadata }),
      execution_time: Math.round((Date.now() - started) / 1000),
    };
    results.write("results.json", `${JSON.stringify(json, null, 2)}\n`);
    process.stdout.write(`graded: ${result.score} / ${result.maxScore}\n`);
  } finally {
    await grader.close();
  }
} catch (e) {
  // No results.json: Gradescope records no score (never a 0 for the grader's own failure).
  const message = `The autograder itself failed, so this submission was not graded and no score was recorded (the course staff will re-run it): ${(e as Error).message}`;
  process.stdout.write(`${message}\n`);
  process.stderr.write(`${message}\n`);
  process.exitCode = 3;
}
