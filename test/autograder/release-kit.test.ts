/**
 * The student kit as a student gets it: a release made here, installed in a temporary folder with
 * `npm ci` from the release's own package.json and lock file (from npm's cache: the project's own
 * install filled it), then checked and submitted with the kit's own built commands. The check's
 * diagnoses are compared with the grader's feedback for the same files, word for word.
 */
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Grader } from "../../autograder/grader.js";
import { loadManifest } from "../../autograder/manifest.js";
import { buildRelease } from "../../autograder/release.js";
import type { SubmissionResult } from "../../autograder/runner.js";
import { ROOT, tempDir } from "./helpers.js";

const manifest = loadManifest(ROOT);
const dir = tempDir("kit");
const kit = join(dir, "a6");
let install: { ms: number; output: string };
/** The kit's files to hand in as released (stubs). */
const stubs = new Map<string, string>();
const grader = await Grader.open({ root: ROOT, timeoutSeconds: 5 });
afterAll(() => grader.close());

/** Bytes under `path` (files only, symlinks not followed). */
function size(path: string): number {
  const s = lstatSync(path, { throwIfNoEntry: false });
  if (!s || s.isSymbolicLink()) return 0;
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, name) => sum + size(join(path, name)), 0);
}

function kitCommand(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(kit, "dist", "src", "cli.js"), ...args], { cwd: kit, encoding: "utf8", timeout: 120_000, env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "" } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Put the reference solution's files into the kit, each with `edit` applied to its text. */
function referenceWith(edits: Record<string, (text: string) => string> = {}): void {
  for (const file of manifest.files) {
    const text = readFileSync(join(ROOT, file), "utf8");
    const edited = edits[file] ? edits[file](text) : text;
    if (edits[file] && edited === text) throw new Error(`the edit of ${file} changed nothing`);
    writeFileSync(join(kit, file), edited);
  }
}

/** The grader's verdict on the kit's current files (hidden cases). */
async function grade(): Promise<SubmissionResult> {
  const files = new Map(manifest.files.map((f) => [f, readFileSync(join(kit, f))] as const));
  return grader.grade({ id: "kit", student: "kit", name: "", source: kit, files, notes: [], late: false });
}

beforeAll(async () => {
  await buildRelease({ out: kit, root: ROOT });
  for (const f of manifest.files) stubs.set(f, readFileSync(join(kit, f), "utf8"));
  const started = Date.now();
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: kit, encoding: "utf8", timeout: 300_000 });
  install = { ms: Date.now() - started, output: `${r.stdout}\n${r.stderr}` };
  if (r.status !== 0) throw new Error(`npm ci failed in the release:\n${install.output}`);
}, 320_000);

describe("the installed student kit", () => {
  it("installs from its own lock file, quietly, in at most 150 MB, with the notebooks and without the instructor's parts", () => {
    expect(install.output).not.toMatch(/npm warn|EBADENGINE|deprecated/i);
    const mb = size(join(kit, "node_modules")) / 2 ** 20;
    expect(mb).toBeLessThanOrEqual(150);
    const installed = readdirSync(join(kit, "node_modules"));
    for (const heavy of ["@tensorflow", "convnetjs", "assemblyscript", "tslab", "zeromq", "katex"]) expect(installed, heavy).not.toContain(heavy);
    expect(installed).toContain("vitest"); // check runs the public tests through vitest, as the grader does
    for (const nb of manifest.notebooks) expect(existsSync(join(kit, "notebooks", nb)), nb).toBe(true);
    expect(existsSync(join(kit, "autograder", "hidden"))).toBe(false);
    expect(readdirSync(join(kit, "assignments", "a6", "tests"))).toEqual(["public"]);
    console.log(`student kit: npm ci ${(install.ms / 1000).toFixed(1)} s, node_modules ${mb.toFixed(0)} MB`);
  });

  it("check on the untouched kit: 0/100 in at most 80 lines, every function named, no trace, no colour, exit 1", () => {
    const r = kitCommand("check");
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(80);
    expect(lines).toContain("public tests: 0/100 points");
    for (const fns of Object.values(manifest.functions)) for (const fn of fns) expect(r.out).toMatch(new RegExp(`✗ ${fn} +0/\\d+ points {2}not implemented yet`));
    expect(r.out + r.err).not.toMatch(/\u001b\[|    at /);
    expect(r.err).toBe("");
    expect(lines.at(-1)).toBe("Nothing is implemented yet: start with linearForward (assignments/a6/README.md says what each function computes). Your course plans 8–12 hours for the assignment.");
  });

  it("--help lists the student's commands only", () => {
    const r = kitCommand("--help");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}check \[options\]/m);
    expect(r.out).toMatch(/^ {2}submit \[options\]/m);
    for (const instructor of ["release", "grade", "gradescope"]) expect(r.out).not.toMatch(new RegExp(`^ {2}${instructor} `, "m"));
  });

  it("submit refuses the untouched kit, naming the functions, and leaves no earlier zip where it would be uploaded", () => {
    writeFileSync(join(kit, "submission.zip"), "an earlier submission");
    const r = kitCommand("submit");
    expect(r.code).toBe(1);
    expect(r.err).toContain('16 function(s) still throw "not implemented yet": linearForward, linearBackward, reluForward');
    expect(r.err).toContain("renamed to submission.zip.previous");
    expect(existsSync(join(kit, "submission.zip"))).toBe(false);
    expect(readFileSync(join(kit, "submission.zip.previous"), "utf8")).toBe("an earlier submission");
    const incomplete = kitCommand("submit", "--allow-incomplete");
    expect(incomplete.code).toBe(0);
    expect(incomplete.err).toContain("warning: submitted with 16 function(s) not implemented");
  });

  it("the reference files copied in: 100/100, exit 0; submit writes the zip with metadata", async () => {
    referenceWith();
    const r = kitCommand("check");
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("public tests: 100/100 points");
    const s = kitCommand("submit", "--name", "Ada Lovelace");
    expect(s.code, s.err).toBe(0);
    const zip = await JSZip.loadAsync(readFileSync(join(kit, "submission.zip")));
    const meta = JSON.parse(await zip.file("metadata.json")!.async("string"));
    expect(meta).toMatchObject({ assignment: "a6", name: "Ada Lovelace", kitVersion: JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version });
    expect(meta.publicTests).toEqual({ points: 100, maxPoints: 100, failed: [], notImplemented: [] });
    expect(Date.now() - Date.parse(meta.submittedAt)).toBeLessThan(600_000);
    expect(meta.files.map((f: { path: string }) => f.path)).toEqual(manifest.files);
    // what check just passed is what train runs: the changed files were compiled into dist/ first
    const t = kitCommand("train", "mlp", "--limit", "256", "--epochs", "1", "--test-limit", "500");
    expect(t.code, t.err).toBe(0);
    expect(t.out + t.err).not.toContain("not implemented");
    expect(t.out).toMatch(/test accuracy [\d.]+% on 500 test images/);
    expect(t.err).toMatch(/tested 500 images in \d+ s/);
  });

  it("a mutating reluForward, a stride-ignoring conv2dForward and a db taken from one example: caught with the grader's own words", async () => {
    referenceWith({
      "src/layers/relu.ts": (t) => t.replace("out.data[i] = x.data[i] > 0 ? x.data[i] : 0;", "{ if (x.data[i] < 0) x.data[i] = 0; out.data[i] = x.data[i]; }"),
      "src/layers/conv2d.ts": (t) => t.replace("const y = i * stride + ky - pad;", "const y = i + ky - pad;").replace("const xx = j * stride + kx - pad;", "const xx = j + kx - pad;"),
      "src/layers/linear.ts": (t) => t.replace("db.data[m] += dout.data[n * M + m];", "db.data[m] = dout.data[m];"),
    });
    const r = kitCommand("check");
    expect(r.code).toBe(1);
    expect(r.out.split("\n").length).toBeLessThanOrEqual(80);
    const graded = await grade();
    const words = (id: string): string => {
      const f = graded.tests.find((t) => t.id === id)!.failures[0];
      return f.mistake ? `Likely mistake — ${f.mistake.name}: ${f.mistake.hint}` : f.message;
    };
    expect(words("reluForward.out")).toBe("reluForward changed its input argument 1: functions must not change their inputs (make a new tensor).");
    expect(words("conv2dForward.out")).toMatch(/^Likely mistake — stride ignored in conv forward: /);
    expect(words("linearBackward.db")).toMatch(/^Likely mistake — db not summed over the batch: db equals the first row of dout/);
    for (const id of ["reluForward.out", "conv2dForward.out", "linearBackward.db"]) expect(r.out, id).toContain(words(id));
    expect(r.out).toMatch(/✗ reluForward +0\/2 points/);
    expect(r.out).toMatch(/✓ conv2dBackward +20\/20 points/);
  });

  it("a backward is checked on its own: a wrong forward costs only its own points, and the backward, right on the reference forward's cache, says so", () => {
    referenceWith({ "src/layers/batchnorm.ts": (t) => t.replace("v /= N; // biased", "v /= N - 1; // biased") });
    const r = kitCommand("check", "--only", "batchNorm", "--verbose");
    expect(r.code).toBe(1);
    expect(r.out).toContain("Likely mistake — unbiased variance: you normalise with the unbiased variance (÷(N−1))");
    expect(r.out).toMatch(/✓ batchNormBackward +10\/10 points/);
    expect(r.out).toContain("batchNormBackward's dx is wrong on the cache of your batchNormForward but right on the reference batchNormForward's cache");
    expect(r.out).toMatch(/public tests of the functions matching --only: \d+\/18 points/);
  });

  it("a notebook cell that calls an unimplemented function stops with one line naming it and the handout's section", () => {
    referenceWith();
    writeFileSync(join(kit, "src/layers/relu.ts"), stubs.get("src/layers/relu.ts")!);
    const build = spawnSync("npm", ["run", "build"], { cwd: kit, encoding: "utf8" });
    expect(build.status, build.stdout).toBe(0);
    // what tslab does with an error a cell throws: console.error(error)
    const cell = `import { reluForward, tensor } from "nnkit"; try { reluForward(tensor([1, -1])); } catch (e) { console.error(e); }`;
    writeFileSync(join(kit, "notebooks", "cell.mjs"), cell);
    const r = spawnSync(process.execPath, ["cell.mjs"], { cwd: join(kit, "notebooks"), encoding: "utf8" });
    expect(r.stderr).toBe("NotImplementedError: reluForward is not implemented yet — see assignments/a6/README.md, section “ReLU”\n");
  });
});
