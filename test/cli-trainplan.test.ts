/**
 * `nnkit train` on the student's loops: smaller default sizes in the student kit (a couple of
 * minutes), an estimate of the whole run, and a test pass that shows its progress and gives the
 * same accuracy as one pass over all the test images.
 */
import { describe, expect, it } from "vitest";
import { build } from "../src/models/sequential.js";
import { evaluate } from "../src/models/train.js";
import { randn } from "../src/tensor.js";
import { specByName } from "../src/cli/models.js";
import { duration, estimateLine, evaluateWithProgress, runSizes } from "../src/cli/trainplan.js";

describe("train's sizes and estimate", () => {
  it("the student kit trains and tests on fewer images unless asked; elsewhere the whole sets", () => {
    expect(runSizes(false, {}, true)).toEqual({ limit: 1_000, testLimit: 500 });
    expect(runSizes(true, {}, true)).toEqual({ limit: 10_000, testLimit: 2_000 });
    expect(runSizes(false, { limit: 2_000, testLimit: 10_000 }, true)).toEqual({ limit: 2_000, testLimit: 10_000 });
    expect(runSizes(false, {}, false)).toEqual({});
  });

  it("the estimate adds training and testing (a forward pass at three times the training speed)", () => {
    expect(estimateLine(1_000, 500, 10)).toBe("about 117 s in all at this speed: training 100 s, testing 17 s on 500 images (--limit and --test-limit change the sizes)");
    expect(duration(200)).toBe("3 min 20 s");
  });
});

describe("the test pass", () => {
  it("shows each chunk and gives the accuracy of one pass over all the images", () => {
    const model = build(specByName("mlp", "784,16,10"), { seed: 1 });
    const x = randn([600, 784], { seed: 2 });
    const y = Int32Array.from({ length: 600 }, (_, i) => (i * 7) % 10);
    const shown: string[] = [];
    const acc = evaluateWithProgress(model, x, y, { update: (t) => shown.push(t), done: (t) => shown.push(`done: ${t}`) }, 250);
    expect(acc).toBeCloseTo(evaluate(model, x, y, 64), 12);
    expect(shown.map((s) => s.replace(/ {2}\d+ s.*$/, ""))).toEqual(["testing 250/600 images", "testing 500/600 images", "testing 600/600 images", expect.stringMatching(/^done: tested 600 images in \d+ s$/)]);
  });
});
