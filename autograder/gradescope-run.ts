/**
 * The grader inside Gradescope's container (bundled into grader.mjs by `nnkit gradescope`):
 * grades $NNKIT_AUTOGRADER_ROOT/submission (default /autograder/submission) and writes
 * results/results.json in Gradescope's format. If anything goes wrong it still writes a
 * results.json (score 0 and the reason) so the student sees a message, not a blank failure.
 */
import { join } from "node:path";
import { Grader } from "./grade.js";
import { findSubmissions } from "./intake.js";
import { kitRoot } from "./manifest.js";
import { OutDir } from "./outdir.js";
import { gradescopeResults } from "./report/gradebook.js";

const root = process.env.NNKIT_AUTOGRADER_ROOT ?? "/autograder";
const started = Date.now();
const results = new OutDir(join(root, "results"));
let code = 0;
try {
  const source = kitRoot();
  const grader = new Grader({ root: source, base: join(source, "sandbox-base") });
  try {
    const { submissions } = await findSubmissions(join(root, "submission"), grader.manifest, { single: true });
    const result = await grader.grade({ ...submissions[0], id: "submission", student: "submission" });
    const json = { ...gradescopeResults(result, grader.manifest), execution_time: Math.round((Date.now() - started) / 1000) };
    results.write("results.json", `${JSON.stringify(json, null, 2)}\n`);
    process.stdout.write(`graded: ${result.score} / ${result.maxScore}\n`);
  } finally {
    grader.close();
  }
} catch (e) {
  code = 1;
  const message = `The autograder could not grade this submission: ${(e as Error).message}`;
  results.write("results.json", `${JSON.stringify({ score: 0, output: message, tests: [], execution_time: Math.round((Date.now() - started) / 1000) }, null, 2)}\n`);
  process.stderr.write(`${message}\n`);
}
process.exitCode = code;
