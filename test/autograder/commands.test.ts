/**
 * The commands as a user runs them: --help, exit codes (0 ok, 1 failures, 2 usage/input error),
 * clear one-line errors; submit's zip; check on the reference and on the untouched release.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { filterProblem, publicFunctionNames, runCheck } from "../../autograder/check.js";
import { loadManifest } from "../../autograder/manifest.js";
import { buildRelease } from "../../autograder/release.js";
import { loadSamples, writeSample } from "../../autograder/samples.js";
import { buildSubmission, SubmitError } from "../../autograder/submit.js";
import { ROOT, serviceCrasher, tempDir } from "./helpers.js";

const dir = tempDir("cli");
const manifest = loadManifest(ROOT);

function nnkit(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "fixtures", "cli.ts"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe("nnkit assignment commands", () => {
  it("every command has --help with the exit codes", () => {
    for (const cmd of ["release", "check", "submit", "grade", "gradescope"]) {
      const r = nnkit(cmd, "--help");
      expect(r.code, cmd).toBe(0);
      expect(r.out, cmd).toContain("Exit codes: 0 ok, 1 failures found, 2 usage or input error, 3 the grader or its machine is at fault");
    }
  });

  it("usage and input errors exit 2 with a one-line message", () => {
    const missing = nnkit("grade", join(dir, "nothing-here"), "--out", join(dir, "o"));
    expect(missing.code).toBe(2);
    expect(missing.err).toBe(`nnkit: INPUT ${join(dir, "nothing-here")} does not exist\n`);
    expect(nnkit("grade", ROOT).code).toBe(2); // --out missing
    expect(nnkit("grade", ROOT, "--out", join(dir, "o"), "--jobs", "zero").err).toContain("--jobs must be a whole number ≥ 1");
    const maxGrade = nnkit("grade", ROOT, "--out", join(dir, "o"), "--moodle-max-grade", "0");
    expect([maxGrade.code, maxGrade.err]).toEqual([2, 'nnkit: --moodle-max-grade must be a positive number of points, got "0"\n']);
    mkdirSync(join(dir, "in"), { recursive: true });
    const inside = nnkit("grade", join(dir, "in"), "--out", join(dir, "in", "out"));
    expect(inside.code).toBe(2);
    expect(inside.err).toContain("is inside INPUT");
    const unknown = nnkit("release", "a9", "--out", join(dir, "r"));
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^nnkit: unknown assignment "a9"/);
    writeFileSync(join(dir, "a-file"), "x");
    const intoFile = nnkit("release", "a6", "--out", join(dir, "a-file"));
    expect(intoFile.code).toBe(2);
    expect(intoFile.err).toBe(`nnkit: ${join(dir, "a-file")} is a file, not a folder; choose a new folder for the release\n`);
  });

  it("grade exits 0 when every submission was graded and 1 when one could not be", () => {
    const input = join(dir, "class");
    writeSample(loadSamples(ROOT).find((s) => s.name === "correct")!, manifest, join(input, "ada"), ROOT);
    const ok = nnkit("grade", input, "--out", join(dir, "g1"), "--jobs", "1");
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("outputs in");
    expect(ok.err).toMatch(/graded 1 of 1 student in [\d.]+ s \(\d+\/min\); 0 not graded\n/);
    writeFileSync(join(input, "broken.zip"), "not a zip");
    const notGraded = nnkit("grade", input, "--out", join(dir, "g2"));
    expect(notGraded.code).toBe(1);
    expect(notGraded.err).toContain("not graded: broken: the zip was refused: not a zip archive");
    expect(notGraded.err).toMatch(/graded 1 of 2 students in [\d.]+ s \(\d+\/min\); 1 not graded: 1 uploaded an archive that cannot be read\n/);
  }, 120_000);

  it("a file that crashes the compiler is a grader fault (exit 3, counted as such); the students before and after it are graded", () => {
    const input = join(dir, "crash-class");
    const correct = loadSamples(ROOT).find((s) => s.name === "correct")!;
    for (const who of ["ada", "crash", "zed"]) writeSample(correct, manifest, join(input, who), ROOT);
    writeFileSync(join(input, "crash", manifest.files[0]), serviceCrasher());
    const r = nnkit("grade", input, "--out", join(dir, "g-crash"), "--jobs", "2");
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/graded 2 of 3 students in [\d.]+ s \(\d+\/min\); 1 not graded: 1 grader fault \(grade them again\)\n/);
    const rows = readFileSync(join(dir, "g-crash", "gradebook.csv"), "utf8").trim().split("\r\n").slice(1);
    expect(rows.map((l) => l.split(",").slice(0, 7).join(","))).toEqual([
      "ada,,ada,ada,graded,,100",
      "crash,,crash,crash,not graded,,0",
      "zed,,zed,zed,graded,,100",
    ]);
    expect(rows[1]).toContain(`not graded (grader fault): the TypeScript compiler (esbuild) failed on ${manifest.files[0]}`);
  }, 120_000);

  it.runIf(process.getuid?.() === 0)("not as root, one student's files never reach the next, and a folder it locked does not stop the run", () => {
    // Run as user nobody, as a grader without root runs: the children run as the grader's own user.
    const home = tempDir("as-nobody");
    chmodSync(home, 0o755);
    const input = join(home, "class");
    const correct = loadSamples(ROOT).find((s) => s.name === "correct")!;
    for (const who of ["a-trace", "b-look"]) writeSample(correct, manifest, join(input, who), ROOT);
    const file = manifest.files[0];
    const prelude = 'import * as nodeFs from "node:fs";\nimport { createTracing } from "node:trace_events";\n';
    // The first writes Node's trace-event log into its working folder (the sandbox folder) and leaves a folder of mode 000 in its temp folder.
    appendFileSync(join(input, "a-trace", file), `${prelude}createTracing({ categories: ["node.perf", "v8"] }).enable();\nnodeFs.mkdirSync(process.env.TMPDIR + "/locked/inner", { recursive: true });\nnodeFs.chmodSync(process.env.TMPDIR + "/locked", 0);\n`);
    // The second, graded next in the same place, prints what it finds there.
    appendFileSync(join(input, "b-look", file), `${prelude}console.log("sees " + nodeFs.readdirSync(process.env.NNKIT_SANDBOX_ROOT!).join(" ") + "; tmp: " + nodeFs.readdirSync(process.env.TMPDIR!).join(" "));\n`);
    const tree = (d: string): void => {
      chownSync(d, 65534, 65534);
      for (const e of readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? tree : (f: string) => chownSync(f, 65534, 65534))(join(d, e.name));
    };
    tree(home);
    const work = mkdtempSync(join(tmpdir(), "nnkit-nobody-tmp-"));
    chownSync(work, 65534, 65534);
    const r = spawnSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "fixtures", "cli.ts"), "grade", input, "--out", join(home, "out"), "--jobs", "1"], {
      cwd: ROOT, encoding: "utf8", timeout: 120_000, uid: 65534, gid: 65534, env: { ...process.env, TMPDIR: work, HOME: home },
    });
    expect(r.error, `user nobody could not start ${process.execPath}: its folders must be readable by all`).toBeUndefined();
    expect(r.stderr).toMatch(/graded 2 of 2 students in [\d.]+ s \(\d+\/min\); 0 not graded\n/);
    expect(r.status).toBe(0);
    const seen = readFileSync(join(home, "out", "feedback", "b-look.md"), "utf8");
    expect(seen).toMatch(/\nsees child\.cjs package\.json src tmp; tmp:\s*\n/);
    expect(readdirSync(work).filter((n) => n.startsWith("nnkit-grade-"))).toEqual([]); // the work folder is gone
    rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it("submit writes exactly the manifest's files plus metadata.json", async () => {
    const r = nnkit("submit", "--out", join(dir, "sub", "submission.zip"));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("public tests: 100/100 points");
    const zip = await JSZip.loadAsync(readFileSync(join(dir, "sub", "submission.zip")));
    const names = Object.values(zip.files).filter((f) => !f.dir).map((f) => f.name).sort();
    expect(names).toEqual([...manifest.files, "metadata.json"].sort());
    const meta = JSON.parse(await zip.file("metadata.json")!.async("string"));
    expect(meta.assignment).toBe("a6");
    expect(meta.files.map((f: { path: string }) => f.path)).toEqual(manifest.files);
    expect(meta.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(meta.publicTests.points).toBe(100);
    expect(meta.name).toBeUndefined();
  });

  it("submit refuses files that do not compile, naming file, line and column", async () => {
    const kit = join(dir, "kit");
    mkdirSync(join(kit, "assignments", "a6"), { recursive: true });
    cpSync(join(ROOT, "assignments", "a6", "manifest.json"), join(kit, "assignments", "a6", "manifest.json"));
    writeFileSync(join(kit, "package.json"), "{}");
    writeSample(loadSamples(ROOT).find((s) => s.name === "broken")!, manifest, kit, ROOT);
    await expect(buildSubmission({ root: kit, out: join(kit, "s.zip") })).rejects.toThrow(SubmitError);
    await expect(buildSubmission({ root: kit, out: join(kit, "s.zip") })).rejects.toThrow(/src\/layers\/linear\.ts:\d+:\d+: /);
  });

  it("check --only refuses a text that selects no function instead of reporting a pass", async () => {
    const names = publicFunctionNames(manifest);
    expect(names).toEqual(Object.values(manifest.functions).flat());
    expect(filterProblem("relu", names)).toBeNull();
    expect(filterProblem("nosuchthing", names)).toBe('--only "nosuchthing" matches no function of the public tests; give part of a function name, e.g. linearBackward or relu');
    const r = await runCheck({ root: ROOT, filter: "nosuchthing" });
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([`✗ ${filterProblem("nosuchthing", names)}`]);
    const cli = nnkit("check", "--only", "nosuchthing");
    expect(cli.code).toBe(2);
    expect(cli.err).toBe(`nnkit: ${filterProblem("nosuchthing", names)}\n`);
  });

  it("check passes on the reference (100/100) and, on the untouched release, gives 0 with every function not implemented", async () => {
    const ref = await runCheck({ root: ROOT, color: false });
    expect(ref.code, ref.lines.join("\n")).toBe(0);
    expect(ref.lines).toContain("public tests: 100/100 points");
    const rel = await buildRelease({ out: join(dir, "release"), root: ROOT });
    const r = await runCheck({ root: rel.folder, color: false, filter: "linear" });
    expect(r.code).toBe(1);
    expect(r.lines[0]).toMatch(/^✗ linearForward +0\/4 points {2}not implemented yet$/);
    expect(r.lines[1]).toMatch(/^✗ linearBackward +0\/14 points {2}not implemented yet$/);
    expect(r.lines).toContain("public tests of the functions matching --only: 0/18 points (100 in all; run without --only for the total)");
  }, 120_000);

  it("check names a file that does not compile, with line and column, and runs nothing", async () => {
    const rel = await buildRelease({ out: join(dir, "release-broken"), root: ROOT });
    writeFileSync(join(rel.folder, "src/layers/relu.ts"), "export function reluForward( {\n");
    const r = await runCheck({ root: rel.folder, color: false });
    expect(r.code).toBe(1);
    expect(r.lines[0]).toMatch(/^✗ src\/layers\/relu\.ts:\d+:\d+: /);
    expect(r.result).toBeUndefined();
  }, 60_000);
});
