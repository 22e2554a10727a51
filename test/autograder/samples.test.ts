/**
 * The sample submissions of data/submissions, graded by the real grader against the real reference
 * (src/layers, src/losses): their scores and the diagnosed mistakes are asserted, and the cheating
 * sample is shown to have gained nothing.
 */
import { createServer } from "node:net";
import { describe, expect, it, afterAll } from "vitest";
import { Grader } from "../../autograder/grader.js";
import { detectIsolation } from "../../autograder/sandbox/isolation.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { findSubmissions } from "../../autograder/intake.js";
import { loadSamples, writeSample } from "../../autograder/samples.js";
import type { SubmissionResult } from "../../autograder/runner.js";
import { ROOT, tempDir } from "./helpers.js";

const grader = await Grader.open({ root: ROOT, timeoutSeconds: 1.5 });
afterAll(() => grader.close());
const samples = loadSamples(ROOT);
const work = tempDir("samples");

async function gradeSample(name: string): Promise<SubmissionResult> {
  const sample = samples.find((s) => s.name === name)!;
  const dir = join(work, name);
  writeSample(sample, grader.manifest, dir, ROOT);
  const { submissions } = await findSubmissions(dir, grader.manifest);
  return grader.grade({ ...submissions[0], id: name });
}

function failureText(r: SubmissionResult, id: string): string {
  const t = r.tests.find((x) => x.id === id)!;
  return t.failures.map((f) => `${f.message} ${f.mistake ? `${f.mistake.name}: ${f.mistake.hint}` : ""}`).join("\n");
}

describe("sample submissions", () => {
  for (const sample of samples) {
    it(`${sample.name}: ${sample.expectedScore} / 100 with the expected failures`, async () => {
      let hits = 0;
      const server = sample.name === "cheat" ? createServer((s) => { hits++; s.destroy(); }).listen(47123, "127.0.0.1") : undefined;
      const r = await gradeSample(sample.name);
      server?.close();
      expect(r.status).toBe("graded");
      expect(r.score).toBe(sample.expectedScore);
      for (const [id, text] of Object.entries(sample.expectedFailures ?? {})) {
        expect(r.tests.find((t) => t.id === id)?.passed, id).toBe(false);
        expect(failureText(r, id), id).toContain(text);
      }
      if (sample.name === "cheat") {
        expect(r.printed).not.toMatch(/LEAK|BREACH (child|wrote)/);
        expect(r.printed).not.toContain("BEGIN SOLUTION");
        if (detectIsolation().namespaces) {
          expect(r.printed).not.toContain("BREACH network");
          expect(hits).toBe(0);
        }
        expect(r.maxScore).toBe(100); // its own manifest and "hidden tests" were ignored
        expect(r.printed).toContain('"NNKIT_SANDBOX_ROOT":"<sandbox>"'); // no temporary paths: same feedback on every run
      }
    });
  }

  it("the feedback of the partly wrong sample names each mistake and the first wrong element", async () => {
    const r = await gradeSample("partly-wrong");
    expect(failureText(r, "linearBackward.dW")).toContain("dW has shape [3, 5], expected [5, 3].");
    expect(failureText(r, "linearBackward.db")).toMatch(/first wrong element db\[0\]: expected [-\d.]+, got [-\d.]+/);
    expect(failureText(r, "conv2dBackward.dx")).toContain("stride = 2");
    expect(failureText(r, "softmaxCrossEntropy.ds")).toContain("N = 5 times too large");
  });

  it("the broken sample gets the reasons: syntax error with its location, import error, missing export", async () => {
    const r = await gradeSample("broken");
    expect(r.notes.join("\n")).toMatch(/src\/layers\/linear\.ts does not compile: src\/layers\/linear\.ts:\d+:\d+:/);
    expect(failureText(r, "conv2dBackward.dx")).toContain("conv2d is not ready");
    expect(failureText(r, "maxPool2dBackward.dx")).toContain("src/layers/maxpool2d.ts does not export a function maxPool2dBackward");
    expect(r.tests.find((t) => t.id === "maxPool2dForward.out")?.passed).toBe(true);
  });

  it("a backward pass is still graded when its forward pass throws: the reference cache stands in, with a note", async () => {
    const correct = samples.find((x) => x.name === "correct")!;
    const dir = join(work, "forward-throws");
    writeSample(correct, grader.manifest, dir, ROOT);
    const relu = [
      'import { Tensor, allocate } from "../tensor.js";',
      'export function reluForward(): never { throw new Error("not yet"); }',
      "export function reluBackward(dout: Tensor, cache: { x: Tensor }): Tensor {",
      "  const dx = new Tensor(allocate(dout.size, dout.dtype), dout.shape);",
      "  for (let i = 0; i < dx.size; i++) dx.data[i] = cache.x.data[i] > 0 ? dout.data[i] : 0;",
      "  return dx;",
      "}",
    ].join("\n");
    writeFileSync(join(dir, "src", "layers", "relu.ts"), relu);
    const { submissions } = await findSubmissions(dir, grader.manifest);
    const r = await grader.grade({ ...submissions[0], id: "forward-throws" });
    expect(r.score).toBe(98);
    const backward = r.tests.find((t) => t.id === "reluBackward.dx")!;
    expect(backward.passed).toBe(true);
    expect(backward.notes[0]).toMatch(/^reluForward failed, so the reference reluForward's cache was used: reluForward threw Error: not yet \(at src\/layers\/relu\.ts:2:\d+\)$/);
    expect(failureText(r, "reluForward.out")).toContain("reluForward threw Error: not yet");
  });
});

describe("a submission says which assignment it is for", () => {
  it("one whose metadata.json names another assignment is not graded against this one's tests, and the reason says what to do", async () => {
    const dir = join(tempDir("other-assignment"), "ada");
    writeSample(loadSamples(ROOT).find((x) => x.name === "correct")!, grader.manifest, dir, ROOT);
    writeFileSync(join(dir, "metadata.json"), JSON.stringify({ assignment: "a5", name: "Ada Lovelace" }));
    const { submissions } = await findSubmissions(dir, grader.manifest, { single: true });
    expect(submissions[0].submittedFor).toBe("a5");
    const r = await grader.grade({ ...submissions[0], id: "ada" });
    expect(r).toMatchObject({ status: "not graded", category: "submitted for another assignment", score: 0 });
    expect(r.reason).toBe("submitted for a5 (its metadata.json says so), not a6: grade it with --assignment a5");
    writeFileSync(join(dir, "metadata.json"), JSON.stringify({ assignment: "a6" }));
    const same = await findSubmissions(dir, grader.manifest, { single: true });
    expect((await grader.grade({ ...same.submissions[0], id: "ada" })).score).toBe(100);
  });
});
