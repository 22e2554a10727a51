/**
 * The check's report: the likely mistake of every failing case is shown by default (the first
 * failing case of a function in detail, the later ones by their diagnosis alone), not only with
 * --verbose.
 */
import { describe, expect, it } from "vitest";
import { formatCheck } from "../../autograder/check.js";
import { loadManifest } from "../../autograder/manifest.js";
import type { SubmissionResult, TestResult } from "../../autograder/runner.js";
import { ROOT } from "./helpers.js";

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
