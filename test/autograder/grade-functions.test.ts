/**
 * Each function on its own: a forward pass that hangs, runs out of memory, changes its input,
 * returns a Promise, something malformed or the wrong dtype costs only its own tests; the backward
 * tests of that layer run on the reference forward's cache and the feedback says so. The
 * submissions are the reference solution with one function wrapped, built here.
 */
import { afterAll, describe, expect, it } from "vitest";
import { Grader } from "../../autograder/grader.js";
import type { SubmissionResult } from "../../autograder/runner.js";
import { ROOT, referenceFiles, withWrapped } from "./helpers.js";

const fast = await Grader.open({ root: ROOT, timeoutSeconds: 1.5 });
// Out-of-memory cases need the heap to run out before the time limit, also on a busy machine.
const patient = await Grader.open({ root: ROOT, timeoutSeconds: 60 });
afterAll(async () => {
  await fast.close();
  await patient.close();
});

const reference = referenceFiles(fast.manifest.files);
const wrapped = (fn: string, file: string, body: string, wrapper?: string): Map<string, Buffer> => withWrapped(reference, file, fn, body, wrapper);

function grade(grader: Grader, id: string, files: Map<string, Buffer>): Promise<SubmissionResult> {
  return grader.grade({ id, student: id, name: "", source: id, late: false, files, notes: [] });
}

function test(r: SubmissionResult, id: string): SubmissionResult["tests"][number] {
  return r.tests.find((t) => t.id === id)!;
}

const CONV = "src/layers/conv2d.ts";
const RELU = "src/layers/relu.ts";

describe("a forward pass that fails costs only its own tests", () => {
  it("hangs: conv2dForward's 8 points lost, conv2dBackward graded on the reference cache (one time-out, not one per case)", async () => {
    const started = Date.now();
    const r = await grade(fast, "hangs", wrapped("conv2dForward", CONV, "for (;;) {}"));
    expect(r.score).toBe(92);
    expect(test(r, "conv2dForward.out").failures[0].message).toBe("timed out after 1.5 s (an infinite loop, or far too slow)");
    expect(test(r, "conv2dForward.out").failures[1].message).toBe("not run after the previous case failed (timeout)");
    for (const id of ["conv2dBackward.dx", "conv2dBackward.dw", "conv2dBackward.db"]) {
      expect(test(r, id).passed, id).toBe(true);
      expect(test(r, id).notes).toEqual(["conv2dForward failed, so the reference conv2dForward's cache was used: timed out after 1.5 s (an infinite loop, or far too slow)"]);
    }
    expect(Date.now() - started).toBeLessThan(25_000);
  }, 60_000);

  it("changes its input: only the forward's points are lost, the backward gets the reference cache", async () => {
    const r = await grade(fast, "mutates", wrapped("conv2dForward", CONV, "const r = inner(...a); a[0].data[0] += 1; return r;"));
    expect(r.score).toBe(92);
    expect(test(r, "conv2dForward.out").failures[0].message).toBe("conv2dForward changed its input argument 1: functions must not change their inputs (make a new tensor).");
    expect(test(r, "conv2dBackward.dw").passed).toBe(true);
    expect(test(r, "conv2dBackward.dw").notes).toEqual(["conv2dForward failed, so the reference conv2dForward's cache was used: conv2dForward changed its input argument 1"]);
  }, 60_000);

  it("a backward pass that changes its cache (the student's own forward's) loses its points, as one that changes a given tensor", async () => {
    const r = await grade(fast, "cache", wrapped("linearBackward", "src/layers/linear.ts", "const g = inner(...a); a[1].x.data[0] += 1; return g;"));
    expect(test(r, "linearForward.out").passed).toBe(true);
    for (const id of ["linearBackward.dx", "linearBackward.dW", "linearBackward.db"]) {
      expect(test(r, id).failures[0]?.message, id).toBe("linearBackward changed its input argument 2.x: functions must not change their inputs (make a new tensor).");
    }
    expect(r.score).toBe(100 - 14);
  }, 60_000);

  it("an error thrown in the student's code names their file and line (through the compile's source map)", async () => {
    const files = wrapped("reluForward", RELU, "const o = undefined as unknown as { x: number }; return o.x;");
    const line = files.get(RELU)!.toString("utf8").trimEnd().split("\n").length; // the wrapper is the file's last line
    const r = await grade(fast, "throws", files);
    expect(test(r, "reluForward.out").failures[0].message).toMatch(new RegExp(`^reluForward threw TypeError: Cannot read properties of undefined \\(reading 'x'\\) \\(at src/layers/relu\\.ts:${line}:\\d+\\)$`));
  }, 60_000);

  it("runs out of memory: reported as memory (the manifest's limit), the same on every run, no V8 text anywhere", async () => {
    const files = wrapped("conv2dForward", CONV, "const keep: number[][] = []; for (;;) keep.push(new Array(1e6).fill(0.5));");
    const a = await grade(patient, "oom", files);
    const b = await grade(patient, "oom", files);
    expect(a.score).toBe(92);
    const limit = `ran out of memory: it used more than ${patient.manifest.limits.memoryMb} MB (the limit for one call)`;
    expect(test(a, "conv2dForward.out").failures[0].message).toBe(limit);
    expect(test(a, "conv2dBackward.dx").passed).toBe(true);
    expect(test(a, "conv2dBackward.dx").notes).toEqual([`conv2dForward failed, so the reference conv2dForward's cache was used: ${limit}`]);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(a)).not.toMatch(/FATAL|heap limit|Mark-Compact|GCs|0x[0-9a-f]{6}/);
  }, 120_000);

  it("returns a Promise: a wrong answer ('must return …, not a Promise'), never awaited; the backward still graded", async () => {
    const r = await grade(fast, "async", wrapped("reluForward", RELU, "return inner(...a);", "export async function reluForward(...a: any[])"));
    expect(r.score).toBe(98);
    expect(test(r, "reluForward.out").failures[0].message).toBe("reluForward returned a Promise: it must return [out, cache], not a Promise (is it declared async?)");
    expect(test(r, "reluBackward.dx").passed).toBe(true);
    expect(test(r, "reluBackward.dx").notes[0]).toMatch(/^reluForward failed, so the reference reluForward's cache was used: reluForward returned a Promise/);
    const thenable = await grade(fast, "thenable", wrapped("reluBackward", RELU, "const r = inner(...a); return { then: (ok: (v: unknown) => void) => ok(r) };"));
    expect(thenable.score).toBe(96);
    expect(test(thenable, "reluBackward.dx").failures[0].message).toBe("reluBackward returned a Promise: it must return dx, not a Promise (is it declared async?)");
  }, 60_000);

  it("returns something malformed (no cache): the forward fails, the backward gets the reference cache", async () => {
    const r = await grade(fast, "malformed", wrapped("reluForward", RELU, "return inner(...a)[0];"));
    expect(r.score).toBe(98);
    expect(test(r, "reluForward.out").failures[0].message).toMatch(/^out is undefined; expected a Tensor of shape \[4, 6\]\.$/);
    expect(test(r, "reluBackward.dx").passed).toBe(true);
    expect(test(r, "reluBackward.dx").notes).toEqual(["reluForward failed, so the reference reluForward's cache was used: reluForward returned undefined as out (expected [out, cache])"]);
  }, 60_000);

  it("returns float32 where float64 is expected: wrong, with the reason; its own cache still serves the backward", async () => {
    const r = await grade(fast, "float32", wrapped("reluForward", RELU, "const [out, cache] = inner(...a); return [new Tensor(Float32Array.from(out.data), out.shape), cache];"));
    expect(r.score).toBe(98);
    expect(test(r, "reluForward.out").failures[0].message).toBe("out is a float32 Tensor; expected float64, the dtype of the inputs (allocate the result with the input's dtype, e.g. allocate(n, x.dtype)).");
    expect(test(r, "reluBackward.dx")).toMatchObject({ passed: true, notes: [] });
  }, 60_000);
});

describe("svmLoss: a margin of exactly 0 is not active", () => {
  it("a gradient that tests >= 0 instead of > 0 loses svmLoss's points, with the mistake named", async () => {
    const text = reference.get("src/losses.ts")!.toString("utf8");
    const find = "s.data[row + j] - correct + 1 > 0) {\n        ds.data[row + j] = 1 / N;";
    expect(text.split(find).length, "the reference's svm gradient test").toBe(2);
    const files = new Map(reference);
    files.set("src/losses.ts", Buffer.from(text.replace(find, find.replace("> 0)", ">= 0)"))));
    const r = await grade(fast, "svm-ties", files);
    expect(r.score).toBe(96);
    const svm = test(r, "svmLoss.ds");
    expect(svm.failures).toHaveLength(1);
    expect(svm.failures[0].label).toMatch(/with margins of exactly 0/);
    expect(svm.failures[0].mistake?.name).toBe("a margin of exactly 0 counted as active");
  }, 60_000);
});
