/**
 * The Gradescope package end to end: build autograder.zip, lay out /autograder in a temporary
 * folder (source/ unpacked from the zip, submission/, results/), run run_autograder with the root
 * moved there, and read results.json as Gradescope would.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import JSZip from "jszip";
import { beforeAll, describe, expect, it } from "vitest";
import { buildGradescopePackage } from "../../autograder/gradescope.js";
import { loadManifest } from "../../autograder/manifest.js";
import { loadSamples, writeSample } from "../../autograder/samples.js";
import { ROOT, tempDir } from "./helpers.js";

const dir = tempDir("gradescope");
const manifest = loadManifest(ROOT);
let zipPath: string;
let entries: string[];

async function layout(name: string, sample: string): Promise<string> {
  const root = join(dir, name, "autograder");
  const zip = await JSZip.loadAsync(readFileSync(zipPath));
  for (const f of Object.values(zip.files)) {
    if (f.dir) continue;
    const target = join(root, "source", f.name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, await f.async("nodebuffer"));
    if (f.unixPermissions && (Number(f.unixPermissions) & 0o111) !== 0) chmodSync(target, 0o755);
  }
  symlinkSync(join(ROOT, "node_modules"), join(root, "source", "node_modules")); // what setup.sh's npm install provides
  writeSample(loadSamples(ROOT).find((s) => s.name === sample)!, manifest, join(root, "submission"), ROOT);
  chmodSync(dir, 0o755);
  return root;
}

beforeAll(async () => {
  zipPath = await buildGradescopePackage({ out: join(dir, "pkg"), root: ROOT });
  entries = Object.keys((await JSZip.loadAsync(readFileSync(zipPath))).files);
}, 60_000);

describe("gradescope a6", () => {
  it("has setup.sh (Node 24 LTS) and run_autograder at the root of autograder.zip", async () => {
    expect(entries).toContain("setup.sh");
    expect(entries).toContain("run_autograder");
    expect(entries).toContain("grader.mjs");
    expect(entries).toContain("sandbox-base/child.mjs");
    expect(entries.some((e) => e.includes("/") && e.endsWith("run_autograder"))).toBe(false);
    const zip = await JSZip.loadAsync(readFileSync(zipPath));
    expect(await zip.file("setup.sh")!.async("string")).toContain("setup_24.x");
    expect(await zip.file("run_autograder")!.async("string")).toContain('ROOT="${NNKIT_AUTOGRADER_ROOT:-/autograder}"');
  });

  it("every entry carries the fixed date and no folder entry carries today's, so the same kit gives the same zip", async () => {
    const zip = await JSZip.loadAsync(readFileSync(zipPath));
    const files = Object.values(zip.files);
    expect(files.filter((f) => f.dir).map((f) => f.name)).toEqual([]);
    for (const f of files) expect(f.date.getUTCFullYear(), f.name).toBe(2000);
  });

  it("run_autograder grades submission/ into results/results.json exactly in Gradescope's format", async () => {
    const root = await layout("partly", "partly-wrong");
    execFileSync("bash", [join(root, "source", "run_autograder")], { env: { ...process.env, NNKIT_AUTOGRADER_ROOT: root }, stdio: "pipe", timeout: 120_000 });
    const results = JSON.parse(readFileSync(join(root, "results", "results.json"), "utf8"));
    expect(results.score).toBe(61);
    expect(typeof results.execution_time).toBe("number");
    expect(results.tests).toHaveLength(manifest.tests.length);
    for (const t of results.tests) {
      expect(Object.keys(t).sort()).toEqual(["max_score", "name", "number", "output", "output_format", "score", "status", "visibility"]);
      expect(["passed", "failed"]).toContain(t.status);
      expect(t.visibility).toBe("visible");
    }
    expect(results.tests.find((t: { name: string }) => t.name === "reluBackward: dx").output).toContain("ReLU mask on the wrong side");
    expect(results.tests.reduce((s: number, t: { score: number }) => s + t.score, 0)).toBe(61);
  }, 120_000);

  it("a submission that does not compile still produces results.json with the reason", async () => {
    const root = await layout("broken", "broken");
    execFileSync("bash", [join(root, "source", "run_autograder")], { env: { ...process.env, NNKIT_AUTOGRADER_ROOT: root }, stdio: "pipe", timeout: 120_000 });
    const results = JSON.parse(readFileSync(join(root, "results", "results.json"), "utf8"));
    expect(results.score).toBe(48);
    expect(results.output).toMatch(/does not compile/);
  }, 120_000);
});
