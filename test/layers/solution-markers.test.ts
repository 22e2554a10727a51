/**
 * The layer files are the assignment: each of the twelve forward/backward bodies sits between
 * `// BEGIN SOLUTION` and `// END SOLUTION`, after the contract's checks. This test takes src/ as
 * the student kit holds it, strips every region with the release's own stripper (the region
 * becomes `throw new NotImplementedError("<fn>", …)`), loads the stripped copy, and checks that
 * shape errors still come first and then each function says it is not implemented.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { inStudentKit, studentKitText } from "../../autograder/kit.js";
import { listFiles } from "../../autograder/sandbox/build.js";
import { stripSolutions } from "../../autograder/strip.js";
import { tensor as hostTensor } from "../../src/tensor.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

const SOLUTION_FUNCTIONS = [
  "linearForward", "linearBackward", "reluForward", "reluBackward", "sigmoidForward", "sigmoidBackward",
  "conv2dForward", "conv2dBackward", "maxPool2dForward", "maxPool2dBackward", "batchNormForward", "batchNormBackward",
];

describe("solution regions in src/layers", () => {
  const work = mkdtempSync(join(tmpdir(), "nnkit-layers-release-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  // the student kit's src/ (kernel selection as the release configures it), every region stripped
  const found: string[] = [];
  for (const f of listFiles(join(root, "src")).map((x) => `src/${x}`)) {
    if (!f.endsWith(".ts") || !inStudentKit(f)) continue;
    const { text, regions } = stripSolutions(studentKitText(root, f), f);
    if (f.startsWith("src/layers/")) found.push(...regions.map((r) => r.fn));
    mkdirSync(dirname(join(work, f)), { recursive: true });
    writeFileSync(join(work, f), text);
  }

  it("wraps exactly the twelve forward and backward bodies, once each", () => {
    expect([...found].sort()).toEqual([...SOLUTION_FUNCTIONS].sort());
  });

  it("the stripped layers still load, check shapes first, then say what is missing", async () => {
    const L = (await import(join(work, "src/layers/index.ts"))) as typeof import("../../src/layers/index.js");
    // tensors from the stripped copy's own tensor module, as a student's tests would make them
    const { tensor } = (await import(join(work, "src/tensor.ts"))) as typeof import("../../src/tensor.js");
    const x2 = tensor([[1, 2]]), x4 = tensor([[[[1, 2], [3, 4]]]]);
    const calls: Record<string, () => unknown> = {
      linearForward: () => L.linearForward(x2, tensor([[1], [2]]), tensor([0])),
      linearBackward: () => L.linearBackward(tensor([[1]]), { x: x2, W: tensor([[1], [2]]), b: tensor([0]) }),
      reluForward: () => L.reluForward(x2),
      reluBackward: () => L.reluBackward(x2, { x: x2 }),
      sigmoidForward: () => L.sigmoidForward(x2),
      sigmoidBackward: () => L.sigmoidBackward(x2, { out: x2 }),
      conv2dForward: () => L.conv2dForward(x4, tensor([[[[1]]]]), tensor([0]), { stride: 1, pad: 0 }),
      conv2dBackward: () =>
        L.conv2dBackward(x4, { x: x4, w: tensor([[[[1]]]]), b: tensor([0]), stride: 1, pad: 0 }),
      maxPool2dForward: () => L.maxPool2dForward(x4, { size: 2 }),
      maxPool2dBackward: () => L.maxPool2dBackward(tensor([[[[1]]]]), { x: x4, size: 2, stride: 2 }),
      batchNormForward: () => L.batchNormForward(x2, tensor([1, 1]), tensor([0, 0]), { mode: "train" }),
      batchNormBackward: () =>
        L.batchNormBackward(x2, {
          mode: "train", x: x2, gamma: tensor([1, 1]), beta: tensor([0, 0]), eps: 1e-5, mean: tensor([0, 0]),
          variance: tensor([1, 1]), invStd: tensor([1, 1]), xhat: x2, runningMean: tensor([0, 0]), runningVar: tensor([1, 1]),
        }),
    };
    for (const fn of SOLUTION_FUNCTIONS) expect(calls[fn], fn).toThrow(`${fn} is not implemented yet`);
    expect(() => L.linearForward(tensor([[1, 2, 3]]), tensor([[1], [2]]), tensor([0]))).toThrow(
      "linearForward: W has shape [2, 1], expected [3, *] (x is [1, 3])",
    );
    expect(() => L.conv2dForward(x4, tensor([[[[1, 1, 1]]]]), tensor([0]), { stride: 1, pad: 0 })).toThrow(
      "conv2dForward: kernel width 3 is larger than the input width 2",
    );
    expect(L.convOutputSize(32, 5, 1, 2)).toBe(32);
    // a Tensor made by another copy of the tensor module is accepted too
    expect(() => L.reluForward(hostTensor([1]))).toThrow("reluForward is not implemented yet");
  });
});
