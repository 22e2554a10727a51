/**
 * The Gradescope package end to end: build autograder.zip, lay out /autograder in a temporary
 * folder (source/ unpacked from the zip, submission/, results/), run run_autograder with the root
 * moved there, and read results.json as Gradescope would.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import JSZip from "jszip";
import { beforeAll, describe, expect, it } from "vitest";
import { buildGradescopePackage, SETUP_SH } from "../../autograder/gradescope.js";
import { loadManifest } from "../../autograder/manifest.js";
import { loadSamples, writeSample } from "../../autograder/samples.js";
import { ROOT, tempDir } from "./helpers.js";

const dir = tempDir("gradescope");
const manifest = loadManifest(ROOT);
let zipPath: string;
let entries: string[];

async function layout(name: string, sample: string, pkg = zipPath, metadata?: unknown): Promise<string> {
  const root = join(dir, name, "autograder");
  const zip = await JSZip.loadAsync(readFileSync(pkg));
  for (const f of Object.values(zip.files)) {
    if (f.dir) continue;
    const target = join(root, "source", f.name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, await f.async("nodebuffer"));
    if (f.unixPermissions && (Number(f.unixPermissions) & 0o111) !== 0) chmodSync(target, 0o755);
  }
  symlinkSync(join(ROOT, "node_modules"), join(root, "source", "node_modules")); // what setup.sh's npm install provides
  writeSample(loadSamples(ROOT).find((s) => s.name === sample)!, manifest, join(root, "submission"), ROOT);
  if (metadata) writeFileSync(join(root, "submission_metadata.json"), JSON.stringify(metadata));
  chmodSync(dir, 0o755);
  return root;
}

/** Run run_autograder with the root moved to `root`; its exit code and output. */
function runAutograder(root: string): { code: number; out: string } {
  const r = spawnSync("bash", [join(root, "source", "run_autograder")], { env: { ...process.env, NNKIT_AUTOGRADER_ROOT: root }, encoding: "utf8", timeout: 120_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

const METADATA = {
  id: 123456,
  created_at: "2026-12-02T08:30:00.000000-08:00",
  assignment: { due_date: "2026-12-01T23:00:00.000000-08:00", late_due_date: null, title: "Assignment 6", total_points: "100.0" },
  users: [{ email: "ada@example.edu", id: 1, name: "Ada Lovelace" }, { email: "grace@example.edu", id: 2, name: "Grace Hopper" }],
  previous_submissions: [],
};

type Result = { name: string; number: string; score: number; max_score: number; status: string; output: string; visibility: string };

beforeAll(async () => {
  zipPath = await buildGradescopePackage({ out: join(dir, "pkg"), root: ROOT });
  entries = Object.keys((await JSZip.loadAsync(readFileSync(zipPath))).files);
}, 60_000);

describe("gradescope a6", () => {
  it("has setup.sh (a pinned Node release, checked by SHA-256) and run_autograder at the root of autograder.zip", async () => {
    expect(entries).toContain("setup.sh");
    expect(entries).toContain("run_autograder");
    expect(entries).toContain("grader.mjs");
    expect(entries).toContain("sandbox-base/child.cjs");
    expect(entries).toContain("gradescope.json");
    for (const f of [...manifest.testFiles.public, ...manifest.testFiles.hidden]) expect(entries).toContain(f); // the vitest files, run in the container
    expect(entries).toContain("autograder/testing/index.ts");
    expect(entries).not.toContain("assignments/a6/recorded.json"); // the reference is there: nothing recorded is needed
    for (const f of manifest.files) expect(entries).toContain(`reference/${f}`);
    expect(entries.some((e) => e.includes("/") && e.endsWith("run_autograder"))).toBe(false);
    const zip = await JSZip.loadAsync(readFileSync(zipPath));
    expect(await zip.file("setup.sh")!.async("string")).toBe(SETUP_SH);
    expect(Number(zip.file("setup.sh")!.unixPermissions) & 0o777).toBe(0o755);
    expect(await zip.file("run_autograder")!.async("string")).toContain('ROOT="${NNKIT_AUTOGRADER_ROOT:-/autograder}"');
  });

  it("every entry carries the fixed date and no folder entry carries today's, so the same kit gives the same zip", async () => {
    const zip = await JSZip.loadAsync(readFileSync(zipPath));
    const files = Object.values(zip.files);
    expect(files.filter((f) => f.dir).map((f) => f.name)).toEqual([]);
    for (const f of files) expect(f.date.getUTCFullYear(), f.name).toBe(2000);
  });

  it("run_autograder grades submission/ into results/results.json exactly in Gradescope's format", async () => {
    const root = await layout("partly", "partly-wrong", zipPath, METADATA);
    const run = runAutograder(root);
    expect(run.code, run.out).toBe(0);
    const results = JSON.parse(readFileSync(join(root, "results", "results.json"), "utf8"));
    expect(results.score).toBe(61);
    expect(typeof results.execution_time).toBe("number");
    const tests = results.tests as Result[];
    for (const t of tests) {
      expect(Object.keys(t).sort()).toEqual(["max_score", "name", "number", "output", "output_format", "score", "status", "visibility"]);
      expect(["passed", "failed"]).toContain(t.status);
    }
    // the scored tests: one per manifest test, visible, with their points but no detail of a hidden case
    const scored = tests.filter((t) => t.max_score > 0);
    expect(scored.map((t) => t.name)).toEqual(manifest.tests.map((t) => t.name));
    expect(scored.every((t) => t.visibility === "visible")).toBe(true);
    expect(scored.reduce((s, t) => s + t.score, 0)).toBe(61);
    expect(tests.reduce((s, t) => s + t.max_score, 0)).toBe(100);
    const relu = scored.find((t) => t.name === "reluBackward: dx")!;
    expect(relu).toMatchObject({ status: "failed", score: 0 });
    expect(relu.output).not.toMatch(/ReLU mask|first wrong element|expected/);
    // the hidden cases' details: after the due date, unscored
    const details = tests.find((t) => t.name === "reluBackward: dx — hidden cases, details")!;
    expect(details).toMatchObject({ visibility: "after_due_date", max_score: 0, number: "6.1" });
    expect(details.output).toContain("ReLU mask on the wrong side");
    expect(tests.filter((t) => t.visibility === "after_due_date").length).toBe(scored.filter((t) => t.status === "failed").length);
    // the public cases in full, visible
    const publicRelu = tests.find((t) => t.name === "reluBackward: dx — public cases")!;
    expect(publicRelu).toMatchObject({ visibility: "visible", max_score: 0, status: "failed" });
    expect(publicRelu.output).toContain("ReLU mask on the wrong side");
    // who and when, from submission_metadata.json
    expect(results.output).toContain("Graded for Ada Lovelace, Grace Hopper.");
    expect(results.output).toContain("Late: submitted 2026-12-02T08:30:00.000000-08:00, 10 hours after the due date 2026-12-01T23:00:00.000000-08:00.");
    expect(results.extra_data).toEqual({ late: true });
  }, 120_000);

  it("--hidden-visibility visible shows the hidden cases' details at once, in the scored tests", async () => {
    const pkg = await buildGradescopePackage({ out: join(dir, "pkg-visible"), root: ROOT, hiddenVisibility: "visible" });
    const root = await layout("visible", "partly-wrong", pkg);
    expect(runAutograder(root).code).toBe(0);
    const tests = JSON.parse(readFileSync(join(root, "results", "results.json"), "utf8")).tests as Result[];
    expect(tests.some((t) => t.name.endsWith("hidden cases, details"))).toBe(false);
    expect(tests.find((t) => t.name === "reluBackward: dx")!.output).toContain("ReLU mask on the wrong side");
    await expect(buildGradescopePackage({ out: join(dir, "pkg-bad"), root: ROOT, hiddenVisibility: "soon" })).rejects.toThrow('--hidden-visibility must be one of visible, after_due_date, after_published, hidden, got "soon"');
  }, 120_000);

  it("a grader that fails its self-check writes no results.json (no score, never a 0) and exits 3 with the reason", async () => {
    const root = await layout("selfcheck", "correct");
    // a reference that no longer gets full marks stands for a sandbox or a Node the grader cannot use here
    const relu = join(root, "source", "reference", "src", "layers", "relu.ts");
    writeFileSync(relu, readFileSync(relu, "utf8").replace("x.data[i] > 0 ? dout.data[i] : 0", "x.data[i] > 0 ? 0 : dout.data[i]"));
    const run = runAutograder(root);
    expect(run.code).toBe(3);
    expect(existsSync(join(root, "results", "results.json"))).toBe(false);
    expect(run.out).toContain("The autograder itself failed, so this submission was not graded and no score was recorded");
    expect(run.out).toMatch(/the grader's self-check failed, so nothing was graded: the reference solution got 96\/100/);
  }, 120_000);

  it("a submission that does not compile still produces results.json with the reason", async () => {
    const root = await layout("broken", "broken");
    expect(runAutograder(root).code).toBe(0);
    const results = JSON.parse(readFileSync(join(root, "results", "results.json"), "utf8"));
    expect(results.score).toBe(48);
    expect(results.output).toMatch(/does not compile/);
  }, 120_000);
});
