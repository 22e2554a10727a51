/**
 * Assignment 6's vitest files (assignments/a6/tests) run by the grading engine: the hidden tests
 * grade the sample submissions to the scores and diagnoses the old harness gave.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { Grader } from "../../autograder/grader.js";
import { findSubmissions } from "../../autograder/intake.js";
import { loadSamples, writeSample } from "../../autograder/samples.js";
import type { SubmissionResult } from "../../autograder/runner.js";
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
});
