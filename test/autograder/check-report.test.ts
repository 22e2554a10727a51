/**
 * The check's report: the likely mistake of every failing case is shown by default (the first
 * failing case of a function in detail, the later ones by their diagnosis alone), not only with
 * --verbose; the untouched kit's first check names the function to start with and the typical time.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatCheck } from "../../autograder/check.js";
import { loadManifest } from "../../autograder/manifest.js";
import type { SubmissionResult, TestResult } from "../../autograder/runner.js";
import { ROOT, tempDir } from "./helpers.js";

const manifest = loadManifest(ROOT, "a6");
const cases = ["case 1 of 2 (x [3, 4])", "case 2 of 2 (x [2, 3])"];
const dW: TestResult = {
  id: "linearBackward.dW",
  name: "linearBackward: dW",
  points: 0,
  maxPoints: 5,
  passed: false,
  cases,
  notes: [],
  failures: [
    { label: cases[0], message: "dW has the right shape [4, 5] but relative error 1.0e+0 > 1e-7; first wrong element dW[0, 1]: expected 1, got 2." },
    { label: cases[1], message: "dW has the right shape [3, 3] but relative error 9.0e-1 > 1e-7; first wrong element dW[0, 1]: expected 1, got 3.", mistake: { name: "dW transposed", hint: "swap the roles of rows and columns." } },
  ],
};
const result: SubmissionResult = { id: "check", student: "you", name: "", source: ".", status: "graded", score: 0, maxScore: 5, tests: [dW], notes: [], printed: "", late: false };

describe("check's report", () => {
  it("names the likely mistake of a later failing case without --verbose, once, and its detail only with --verbose", () => {
    const plain = formatCheck(result, manifest, { verbose: false, color: false, filtered: true, fullPoints: 100 });
    expect(plain).toContain("        Likely mistake — dW transposed: swap the roles of rows and columns.");
    expect(plain.filter((l) => l.includes("dW transposed"))).toHaveLength(1);
    expect(plain.join("\n")).not.toContain("expected 1, got 3");
    const verbose = formatCheck(result, manifest, { verbose: true, color: false, filtered: true, fullPoints: 100 });
    expect(verbose.join("\n")).toContain("expected 1, got 3");
  });
});

describe("the untouched kit's first check", () => {
  it("names the function to start with and how long the assignment typically takes (the manifest's typicalHours)", () => {
    const stubbed: TestResult[] = manifest.tests.map((t) => {
      const fn = t.id.split(".")[0];
      return { id: t.id, name: t.name, points: 0, maxPoints: t.points, passed: false, notes: [], failures: [{ label: "all cases", message: `${fn} threw NotImplementedError: ${fn} is not implemented yet` }] };
    });
    const untouched: SubmissionResult = { ...result, tests: stubbed, maxScore: 100 };
    const lines = formatCheck(untouched, manifest, { verbose: false, color: false, filtered: false, fullPoints: 100 });
    expect(lines.at(-1)).toBe("Nothing is implemented yet: start with linearForward (assignments/a6/README.md says what each function computes). Your course plans 8–12 hours for the assignment.");
    const without = formatCheck(untouched, { ...manifest, typicalHours: undefined }, { verbose: false, color: false, filtered: false, fullPoints: 100 });
    expect(without.at(-1)).toBe("Nothing is implemented yet: start with linearForward (assignments/a6/README.md says what each function computes).");
  });

  it("a manifest's typicalHours must be [fewest, most]", () => {
    const root = tempDir("hours");
    cpSync(join(ROOT, "package.json"), join(root, "package.json"));
    mkdirSync(join(root, "assignments", "a6"), { recursive: true });
    const raw = JSON.parse(readFileSync(join(ROOT, "assignments/a6/manifest.json"), "utf8"));
    writeFileSync(join(root, "assignments/a6/manifest.json"), JSON.stringify({ ...raw, typicalHours: [12, 8] }));
    expect(() => loadManifest(root, "a6")).toThrow("typicalHours must be [fewest, most] hours, e.g. [8, 12]");
  });
});

describe("a call that throws", () => {
  it("is reported once per case, not once per output", () => {
    const label = "case 1 of 1 (x [5, 3], dout [5, 3])";
    const thrown = "batchNormBackward threw TypeError: Cannot read properties of undefined (reading 'data')";
    const tests: TestResult[] = ["dx", "dgamma", "dbeta"].map((o) => ({ id: `batchNormBackward.${o}`, name: `batchNormBackward: ${o}`, points: 0, maxPoints: 2, passed: false, cases: [label], notes: [], failures: [{ label, message: thrown }] }));
    const lines = formatCheck({ ...result, tests, maxScore: 6 }, manifest, { verbose: false, color: false, filtered: true, fullPoints: 100 });
    expect(lines.filter((l) => l.includes(thrown))).toEqual([`        ${thrown}`]);
    expect(lines).toContain(`    ✗ ${label}: dx, dgamma, dbeta wrong`);
  });
});
