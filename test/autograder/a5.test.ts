/**
 * Assignment 5 ("Optimizers and backprop by hand"), written only as files, end to end: its release
 * (only its own solution regions stripped, the kit's scripts naming it), the public check and the
 * submit in that kit as its package.json runs them (0 untouched, 100 with the reference files), grading with the
 * hidden tests (the reference 100, ConvNetJS's Adam bug and momentum that is not carried named and
 * scored, a rule that changes its gradient refused while its declared changes pass) and its
 * Gradescope package, run on a submission.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGradescopePackage } from "../../autograder/gradescope.js";
import { Grader } from "../../autograder/grader.js";
import { loadManifest } from "../../autograder/manifest.js";
import { buildRelease, type ReleaseResult } from "../../autograder/release.js";
import type { SubmissionResult } from "../../autograder/runner.js";
import { hasSolutionMarkers } from "../../autograder/strip.js";
import { ROOT, tempDir } from "./helpers.js";

const manifest = loadManifest(ROOT, "a5");
const dir = tempDir("a5");
const kit = join(dir, "kit");
let release: ReleaseResult;

const RULES = "src/optim/rules.ts";
const ADAM_HATS = "const mHat = m[k] / c1;\n    const vHat = v[k] / c2;";
const MOMENTUM = "    v[k] = rho * v[k] + dx[k];\n    x[k] -= lr * v[k];";
const SGD = "for (let k = 0; k < x.length; k++) x[k] -= lr * dx[k];";

/** The reference's rules.ts with `from` replaced by `to` (which must be found). */
function rulesWith(from: string, to: string): Buffer {
  const text = readFileSync(join(ROOT, RULES), "utf8");
  if (!text.includes(from)) throw new Error(`the edit of ${RULES} finds nothing to change`);
  return Buffer.from(text.replace(from, to));
}

const CONVNETJS = rulesWith(ADAM_HATS, "const mHat = m[k] * c1;\n    const vHat = v[k] * c2;");

beforeAll(async () => {
  release = await buildRelease({ out: kit, assignment: "a5", root: ROOT });
  symlinkSync(join(ROOT, "node_modules"), join(kit, "node_modules")); // what npm install gives the kit
}, 120_000);

/** Run the kit's npm script `name` as its package.json says, from the kit's sources (tsx in place of its built dist/). */
function kitScript(name: string): { code: number; out: string } {
  const scripts = (JSON.parse(readFileSync(join(kit, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  const m = /^node dist\/src\/cli\.js (.*)$/.exec(scripts[name]);
  if (!m) throw new Error(`the kit's ${name} script is ${scripts[name]}`);
  const r = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["src/cli.ts", ...m[1].split(" ")], { cwd: kit, encoding: "utf8", timeout: 120_000, env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe("release a5", () => {
  it("strips a5's six functions only; a6's layers keep their code without markers; the kit's scripts name a5", () => {
    expect(release.regions.map((r) => r.fn).sort()).toEqual(["adagradRule", "adamRule", "momentumRule", "rmspropRule", "sgdRule", "twoLayerGradient"]);
    const rules = readFileSync(join(kit, RULES), "utf8");
    expect(rules).toContain('throw new NotImplementedError("adamRule", "assignments/a5/README.md, section “Adam”");');
    expect(rules).not.toContain("m[k] / c1");
    const linear = readFileSync(join(kit, "src/layers/linear.ts"), "utf8");
    expect(hasSolutionMarkers(linear)).toBe(false);
    expect(linear).toContain("dW.data[d * M + m] += xnd * g;");
    const scripts = (JSON.parse(readFileSync(join(kit, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    for (const s of ["check", "submit", "test"]) expect(scripts[s], s).toMatch(/ --assignment a5$/);
    expect(readFileSync(join(kit, "README.md"), "utf8")).toContain("npm run check -- --only sgdRule");
    expect(release.files).toContain("assignments/a5/recorded.json");
    expect(release.files.some((f) => f.includes("/hidden/") || f.includes("/cases/"))).toBe(false);
  });

  it("the handout's points table gives each function the sum of its tests' points in the manifest", () => {
    const table = [...readFileSync(join(ROOT, manifest.handout), "utf8").matchAll(/^\| `[^`]+` \| `(\w+)` \| (\d+) \|$/gm)].map((m) => [m[1], Number(m[2])]);
    const sums = new Map<string, number>();
    for (const t of manifest.tests) sums.set(t.id.split(".")[0], (sums.get(t.id.split(".")[0]) ?? 0) + t.points);
    expect(table).toEqual([...sums.entries()]);
    expect(table.reduce((s, [, p]) => s + Number(p), 0)).toBe(100);
  });

  it("the kit's check: 0/100 with every function not implemented yet, 100/100 with the reference files, which submit zips for a5", async () => {
    const untouched = kitScript("check");
    expect(untouched.code, untouched.out).toBe(1);
    expect(untouched.out).toContain("public tests: 0/100 points");
    for (const fn of Object.values(manifest.functions).flat()) expect(untouched.out).toMatch(new RegExp(`✗ ${fn} +0/\\d+ points +not implemented yet`));
    for (const f of manifest.files) copyFileSync(join(ROOT, f), join(kit, f));
    const solved = kitScript("check");
    expect(solved.code, solved.out).toBe(0);
    expect(solved.out).toContain("public tests: 100/100 points");
    expect(solved.out).toContain("✓ case 1 of 1 (w1 3, b1 1, w2 2, b2 -5, x 1, t 1 (z > 0))");
    const submitted = kitScript("submit");
    expect(submitted.code, submitted.out).toBe(0);
    const zip = await JSZip.loadAsync(readFileSync(join(kit, "submission.zip")));
    expect(Object.keys(zip.files).sort()).toEqual(["metadata.json", ...manifest.files].sort());
    expect(JSON.parse(await zip.file("metadata.json")!.async("string"))).toMatchObject({ assignment: "a5" });
  }, 240_000);
});

describe("grading a5", () => {
  let grader: Grader;
  beforeAll(async () => {
    grader = await Grader.open({ root: ROOT, assignment: "a5" });
    await grader.selfCheck();
  }, 120_000);
  afterAll(() => grader?.close());

  /** The grade of the reference with rules.ts replaced by `rules`. */
  const gradeRules = (id: string, rules: Buffer): Promise<SubmissionResult> => {
    const sub = grader.referenceSubmission();
    sub.files.set(RULES, rules);
    return grader.grade({ ...sub, id, student: id });
  };
  const lost = (r: SubmissionResult) => r.tests.filter((t) => !t.passed).map((t) => [t.id, t.failures.map((f) => f.mistake?.name ?? f.message)[0]]);

  it("the reference gets 100; ConvNetJS's Adam bug loses adamRule.x (12) and is named", async () => {
    const reference = await grader.grade({ ...grader.referenceSubmission(), id: "reference" });
    expect([reference.status, reference.score, reference.maxScore]).toEqual(["graded", 100, 100]);
    const convnetjs = await gradeRules("convnetjs", CONVNETJS);
    expect(convnetjs.score).toBe(88);
    expect(lost(convnetjs)).toEqual([["adamRule.x", "bias correction multiplied instead of divided (ConvNetJS's Adam bug)"]]);
  }, 60_000);

  it("momentum not carried across steps and the learning rate applied twice are named; a rule may change x and its state but not dx, and returns nothing", async () => {
    const notCarried = await gradeRules("not-carried", rulesWith(MOMENTUM, "    const vk = rho * v[k] + dx[k];\n    x[k] -= lr * vk;"));
    expect([notCarried.score, lost(notCarried)]).toEqual([86, [["momentumRule.x", "momentum not carried across steps"], ["momentumRule.v", "momentum not carried across steps"]]]);
    const twice = await gradeRules("lr-twice", rulesWith(MOMENTUM, "    v[k] = rho * v[k] + lr * dx[k];\n    x[k] -= lr * v[k];"));
    expect(lost(twice)).toEqual([["momentumRule.x", "learning rate applied twice"], ["momentumRule.v", "learning rate applied twice"]]);
    const clobbers = await gradeRules("clobbers-dx", rulesWith(SGD, "for (let k = 0; k < x.length; k++) { x[k] -= lr * dx[k]; dx[k] = 0; }"));
    expect([clobbers.score, lost(clobbers)]).toEqual([90, [["sgdRule.x", expect.stringContaining("sgdRule changed its input argument 2")]]]);
    const asyncRule = await gradeRules("async-sgd", rulesWith("export function sgdRule(", "export async function sgdRule("));
    expect(lost(asyncRule)).toEqual([["sgdRule.x", expect.stringContaining("sgdRule returned a Promise: it must return nothing (it changes its arguments in place), not a Promise")]]);
  }, 60_000);
});

describe("gradescope a5", () => {
  it("builds autograder.zip for a5, whose run_autograder grades a submission with ConvNetJS's bug to 88", async () => {
    const zipPath = await buildGradescopePackage({ out: join(dir, "gradescope"), assignment: "a5", root: ROOT });
    const zip = await JSZip.loadAsync(readFileSync(zipPath));
    expect(JSON.parse(await zip.file("gradescope.json")!.async("string"))).toMatchObject({ assignment: "a5" });
    const root = join(dir, "gs", "autograder");
    for (const f of Object.values(zip.files)) {
      if (f.dir) continue;
      const target = join(root, "source", f.name);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, await f.async("nodebuffer"));
      if ((Number(f.unixPermissions ?? 0) & 0o111) !== 0) chmodSync(target, 0o755);
    }
    expect(hasSolutionMarkers(readFileSync(join(root, "source", "sandbox-base", "src", "optim", "rules.js"), "utf8"))).toBe(false);
    symlinkSync(join(ROOT, "node_modules"), join(root, "source", "node_modules")); // what setup.sh's npm install provides
    mkdirSync(join(root, "submission"), { recursive: true });
    writeFileSync(join(root, "submission", "rules.ts"), CONVNETJS);
    copyFileSync(join(ROOT, "src/autograd/byhand.ts"), join(root, "submission", "byhand.ts"));
    chmodSync(dir, 0o755);
    const run = spawnSync("bash", [join(root, "source", "run_autograder")], { env: { ...process.env, NNKIT_AUTOGRADER_ROOT: root }, encoding: "utf8", timeout: 120_000 });
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
    const results = JSON.parse(readFileSync(join(root, "results", "results.json"), "utf8")) as { score: number; tests: { name: string; score: number; max_score: number }[] };
    expect(results.score).toBe(88);
    expect(results.tests.find((t) => t.name === "adamRule: x" && t.max_score > 0)).toMatchObject({ score: 0, max_score: 12 });
  }, 180_000);
});
