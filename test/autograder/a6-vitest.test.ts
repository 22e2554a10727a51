/**
 * Assignment 6's vitest files (assignments/a6/tests) run by the grading engine: the hidden tests
 * grade the sample submissions to the scores and diagnoses the old harness gave, and the public
 * tests' values are recorded as the release does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { Grader } from "../../autograder/grader.js";
import { decodeValue } from "../../autograder/casefile.js";
import { findSubmissions } from "../../autograder/intake.js";
import { loadSamples, writeSample } from "../../autograder/samples.js";
import type { SubmissionResult } from "../../autograder/runner.js";
import type { CaseTable } from "../../autograder/testing/index.js";
import { lossTables } from "../../assignments/a6/tests/cases/losses.js";
import { ROOT, tempDir } from "./helpers.js";

describe("the hidden tests grade the samples", () => {
  const samples = loadSamples(ROOT);
  let grader: Grader;
  let results: Map<string, SubmissionResult>;

  beforeAll(async () => {
    grader = await Grader.open({ root: ROOT, timeoutSeconds: 1.5 });
    await grader.selfCheck();
    const work = tempDir("a6-samples");
    for (const s of samples) writeSample(s, grader.manifest, join(work, s.name), ROOT);
    const { submissions } = await findSubmissions(work, grader.manifest);
    results = new Map((await grader.gradeAll(submissions)).map((r) => [r.student, r]));
  }, 180_000);
  afterAll(() => grader?.close());

  it("to the scores of samples.json, each failing test with its expected words", () => {
    for (const s of samples) {
      const r = results.get(s.name)!;
      expect([s.name, r.status, r.score]).toEqual([s.name, "graded", s.expectedScore]);
      for (const [id, text] of Object.entries(s.expectedFailures ?? {})) {
        const t = r.tests.find((x) => x.id === id)!;
        expect(t.passed, `${s.name} ${id}`).toBe(false);
        expect(t.failures.map((f) => `${f.message} ${f.mistake?.name ?? ""}`).join("\n"), `${s.name} ${id}`).toContain(text);
      }
    }
  });

  it("a backward pass whose file does not compile fails on that alone, without a note on its forward's cache", () => {
    const r = results.get("broken")!;
    for (const id of ["linearBackward.dx", "linearBackward.dW", "conv2dBackward.dx"]) {
      const t = r.tests.find((x) => x.id === id)!;
      expect(t.failures, id).toEqual([{ label: "all cases", message: expect.stringMatching(/^(linear|conv2d)Backward could not be tested: /) }]);
      expect(t.notes, id).toEqual([]);
    }
    // where the backward's own file is fine, a failed forward pass still says whose cache was used
    const cheat = results.get("cheat")!.tests.find((x) => x.id === "reluBackward.dx")!;
    expect(cheat.notes[0]).toMatch(/^reluForward failed, so the reference reluForward's cache was used: /);
  });
});

describe("the public tests", () => {
  it("record the reference's tables when the release is built (recorded() at a test file's top level)", async () => {
    const grader = await Grader.open({ root: ROOT, tests: "public", record: true });
    try {
      await grader.selfCheck();
      const values = grader.recorded();
      expect([...values.keys()].sort()).toEqual(["activations", "batchnorm", "conv2d", "linear", "losses", "maxpool2d"]);
      const losses = decodeValue(values.get("losses")!) as Record<string, CaseTable>;
      const made = lossTables([{ shape: [4, 3], scale: 1, seed: 50 }, { shape: [2, 5], scale: 1, seed: 51 }], [{ shape: [3, 4], scale: 1000, seed: 52 }]);
      expect(losses.softmaxCrossEntropy.cases.map((c) => c.label)).toEqual(made.softmaxCrossEntropy.cases.map((c) => c.label));
      expect(losses.svmLoss.cases[1].expected.ds).toEqual(made.svmLoss.cases[1].expected.ds);
    } finally {
      await grader.close();
    }
  }, 120_000);
});
