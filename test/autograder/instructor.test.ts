/**
 * An instructor's own assignment, from nothing, as README's "Writing an assignment" says: a kit in a
 * temporary folder gets `assignments/a7/` (manifest, handout, one public and one hidden vitest
 * file) and a student file with a solution region; the grader checks the reference first, grades
 * a wrong submission with the test's own diagnosis, the release strips the region and records the
 * public test's values, and the kit's check runs without the reference. Then the mistakes an
 * instructor makes are refused before any student is graded, each with its own message.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCheck } from "../../autograder/check.js";
import { InputError } from "../../autograder/errors.js";
import { Grader } from "../../autograder/grader.js";
import { loadManifest } from "../../autograder/manifest.js";
import { buildRelease } from "../../autograder/release.js";
import type { Submission } from "../../autograder/runner.js";
import { ROOT, tempDir } from "./helpers.js";

const dir = tempDir("instructor");
const root = join(dir, "course");
const A7 = join(root, "assignments", "a7");
const FILE = "src/leaky.ts";

const SOLUTION = `import { Tensor } from "./tensor.js";

/** Leaky ReLU: out = x where x > 0, slope·x elsewhere. x [any shape] → out [same shape]. */
export function leakyRelu(x: Tensor, slope: number): Tensor {
  // BEGIN SOLUTION
  return new Tensor(Float64Array.from(x.data, (v) => (v > 0 ? v : slope * v)), x.shape);
  // END SOLUTION
}
`;

const MANIFEST = {
  assignment: "a7",
  title: "Leaky ReLU",
  handout: "assignments/a7/README.md",
  notebooks: [],
  files: [FILE],
  functions: { [FILE]: ["leakyRelu"] },
  testFiles: { public: ["assignments/a7/tests/public/leaky.test.ts"], hidden: ["assignments/a7/tests/hidden/leaky.test.ts"] },
  points: { "leakyRelu.out": 6, "leakyRelu.pure": 4 },
  total: 10,
  tolerance: 1e-7,
  limits: { callTimeoutSeconds: 5, memoryMb: 256, submissionSeconds: 60 },
};

/** A test file: the cases come from `cases` (an expression), the expected values from the reference. */
function testFile(cases: string, recorded: boolean): string {
  const reference = recorded
    ? `await recorded("leaky", async () => { const { leakyRelu } = await import("../../../../src/leaky.js"); return CASES.map((x) => leakyRelu(x, 0.1)); })`
    : `CASES.map((x) => leakyRelu(x, 0.1))`;
  return `import { describe, test } from "vitest";
import { expectTensor, forEachCase, recorded, student } from "nnkit/grading";
import { randn, Tensor } from "../../../../src/tensor.js";
${recorded ? "" : 'import { leakyRelu } from "../../../../src/leaky.js";\n'}
const CASES = ${cases};
const expected: Tensor[] = ${reference};
const leaky = student("leakyRelu", { returns: "out" });

describe("leakyRelu", () => {
  test("out", () =>
    forEachCase(CASES, (x) => \`x [\${x.shape.join(", ")}]\`, async (x, k) => {
      const r = await leaky(x, 0.1);
      const relu = new Tensor(Float64Array.from(x.data, (v) => Math.max(0, v)), x.shape);
      expectTensor(r.out, expected[k], { mistakes: [{ mistake: "slope ignored", hint: "negative inputs must be scaled by the slope, not set to 0", value: relu }] });
    }));
  test("pure", async () => {
    const x = CASES[0];
    expectTensor((await leaky(x, 0.1)).out, expected[0]);
  });
});
`;
}

/** The kit's essentials in `to`, with the repository's node_modules. */
function copyKit(to: string): void {
  mkdirSync(to, { recursive: true });
  for (const f of ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "LICENSE"]) cpSync(join(ROOT, f), join(to, f));
  for (const d of ["src", "autograder", "assignments"]) cpSync(join(ROOT, d), join(to, d), { recursive: true, filter: (p) => !p.endsWith(".wasm") });
  symlinkSync(join(ROOT, "node_modules"), join(to, "node_modules"), "dir");
}

function sub(id: string, text: string): Submission {
  return { id, student: id, name: "", source: id, late: false, files: new Map([[FILE, Buffer.from(text)]]), notes: [] };
}

beforeAll(() => {
  copyKit(root);
  writeFileSync(join(root, FILE), SOLUTION);
  mkdirSync(join(A7, "tests", "public"), { recursive: true });
  mkdirSync(join(A7, "tests", "hidden"), { recursive: true });
  writeFileSync(join(A7, "manifest.json"), `${JSON.stringify(MANIFEST, null, 2)}\n`);
  writeFileSync(join(A7, "README.md"), "# Leaky ReLU\n\nWrite `leakyRelu` in src/leaky.ts.\n\n<!-- points -->\n<!-- /points -->\n");
  writeFileSync(join(A7, "tests", "public", "leaky.test.ts"), testFile("[randn([2, 3], { seed: 1 }), randn([4], { seed: 2 })]", true));
  writeFileSync(join(A7, "tests", "hidden", "leaky.test.ts"), testFile("[randn([3, 5], { seed: 11 }), randn([2, 2, 2], { seed: 12 }), randn([1], { seed: 13 })]", false));
}, 60_000);

describe("an assignment written as files only", () => {
  let grader: Grader;
  beforeAll(async () => {
    grader = await Grader.open({ root, assignment: "a7", jobs: 1 });
  }, 60_000);
  afterAll(() => grader?.close());

  it("the reference gets full marks, and a wrong submission loses the test's points with its diagnosis", async () => {
    await grader.selfCheck();
    const wrong = await grader.grade(sub("wrong", SOLUTION.replace("slope * v", "0")));
    expect(wrong.score).toBe(0);
    const out = wrong.tests.find((t) => t.id === "leakyRelu.out")!;
    expect(out.failures.map((f) => f.label)).toEqual(["case 1 of 3 (x [3, 5])", "case 2 of 3 (x [2, 2, 2])", "case 3 of 3 (x [1])"].filter((_, k) => k < out.failures.length));
    expect(out.failures.length).toBeGreaterThanOrEqual(2); // a one-element x may be positive: then the slope does not show
    expect(out.failures[0].label).toBe("case 1 of 3 (x [3, 5])");
    expect(out.failures[0].mistake?.name).toBe("slope ignored");
    const right = await grader.grade(sub("right", SOLUTION));
    expect(right.score).toBe(10);
  }, 120_000);

  it("the release strips the region, writes the points table and records the public values; the kit's check runs without the reference", async () => {
    const rel = await buildRelease({ root, assignment: "a7", out: join(dir, "kit") });
    const kitFile = readFileSync(join(rel.folder, FILE), "utf8");
    expect(kitFile).not.toContain("slope * v");
    expect(kitFile).toContain('throw new NotImplementedError("leakyRelu", "assignments/a7/README.md");');
    expect(readFileSync(join(rel.folder, "assignments/a7/README.md"), "utf8")).toContain("| `src/leaky.ts` | `leakyRelu` | 10 |");
    expect(JSON.parse(readFileSync(join(rel.folder, "assignments/a7/recorded.json"), "utf8")).values.leaky).toBeDefined();
    symlinkSync(join(ROOT, "node_modules"), join(rel.folder, "node_modules"), "dir");
    const untouched = await runCheck({ root: rel.folder, color: false });
    expect(untouched.code).toBe(1);
    expect(untouched.result?.score).toBe(0);
    expect(untouched.lines.join("\n")).toContain("leakyRelu");
    writeFileSync(join(rel.folder, FILE), SOLUTION);
    const done = await runCheck({ root: rel.folder, color: false });
    expect(done.lines.join("\n")).toContain("public tests: 10/10 points");
    expect(done.code).toBe(0);
  }, 240_000);
});

describe("an instructor's mistakes are refused before any student is graded", () => {
  /** Open a grader on a7 after `edit`, and self-check it; what it throws. */
  async function refusal(edit: () => void): Promise<unknown> {
    const saved = readFileSync(join(A7, "manifest.json"), "utf8");
    const hidden = join(A7, "tests", "hidden", "leaky.test.ts");
    const savedTest = readFileSync(hidden, "utf8");
    edit();
    try {
      const g = await Grader.open({ root, assignment: "a7", jobs: 1 });
      try {
        await g.selfCheck();
        return undefined;
      } finally {
        await g.close();
      }
    } catch (e) {
      return e;
    } finally {
      writeFileSync(join(A7, "manifest.json"), saved);
      writeFileSync(hidden, savedTest);
    }
  }
  const manifestWith = (change: Record<string, unknown>): void => writeFileSync(join(A7, "manifest.json"), JSON.stringify({ ...MANIFEST, ...change }));
  const hiddenFile = join(A7, "tests", "hidden", "leaky.test.ts");

  it("a test file the manifest names but that does not exist", async () => {
    const e = await refusal(() => manifestWith({ testFiles: { ...MANIFEST.testFiles, hidden: ["assignments/a7/tests/hidden/missing.test.ts"] } }));
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toBe("a7's manifest names test files that do not exist: assignments/a7/tests/hidden/missing.test.ts");
  });

  it("points that do not add up to the total", async () => {
    const e = await refusal(() => manifestWith({ points: { "leakyRelu.out": 7, "leakyRelu.pure": 4 } }));
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(/the points add up to 11, but total says 10: change the points or the total$/);
  });

  it("a test without points, and points without a test", async () => {
    const extra = await refusal(() => manifestWith({ points: { "leakyRelu.out": 10 }, total: 10 }));
    expect((extra as Error).message).toBe('assignments/a7: the test leakyRelu.pure has no points in manifest.json (add "leakyRelu.pure": <points> to points)');
    const missing = await refusal(() => manifestWith({ points: { ...MANIFEST.points, "leakyRelu.grad": 1 }, total: 11 }));
    expect((missing as Error).message).toMatch(/^assignments\/a7: manifest.json gives points to leakyRelu.grad, which no test file defines/);
  });

  it("a test file that fails to import", async () => {
    const e = await refusal(() => writeFileSync(hiddenFile, `import "./nowhere.js";\n${readFileSync(hiddenFile, "utf8")}`));
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(/^assignments\/a7: a test file fails to import: .*nowhere/);
  });

  it("a test that calls a function the manifest does not list", async () => {
    const e = await refusal(() => writeFileSync(hiddenFile, readFileSync(hiddenFile, "utf8").replace('student("leakyRelu"', 'student("leakyRelu2"')));
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toBe("assignments/a7: the tests call leakyRelu2, which manifest.json's functions do not list");
  });

  it("an assignment that is not there names the ones that are", () => {
    expect(() => loadManifest(root, "a8")).toThrow(/unknown assignment "a8": .* does not exist \(this kit has a5, a6, a7\)/);
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
