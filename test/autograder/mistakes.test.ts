/**
 * Naming the mistake: for every mistake the issue lists, a wrong answer made that way is recognised
 * (and a right answer or an unrelated wrong one is not). The conv variants are checked against the
 * reference: with the bug switched off they are the reference's gradients.
 */
import { describe, expect, it } from "vitest";
import { conv2dBackward, conv2dForward } from "../../src/layers/conv2d.js";
import { Tensor } from "../../src/tensor.js";
import { compareTensor, unravel } from "../../autograder/compare.js";
import { diagnose, genericCandidates, transpose2d } from "../../autograder/mistakes.js";
import { conv2dBackwardSpec, conv2dCaseCount, conv2dCaseInputs, convBackwardVariant } from "../../autograder/hidden/conv2d.js";
import { linearBackwardSpec } from "../../autograder/hidden/linear.js";
import { reluBackwardSpec } from "../../autograder/hidden/activations.js";
import { maxPool2dBackwardSpec } from "../../autograder/hidden/maxpool2d.js";
import type { HiddenCase } from "../../autograder/spec.js";

const scaled = (t: Tensor, k: number): Tensor => new Tensor(Float64Array.from(t.data, (v) => v * k), t.shape);

function named(c: HiddenCase, output: string, actual: Tensor): string | undefined {
  return diagnose(actual, [...(c.candidates?.[output] ?? []), ...genericCandidates(output, c.expected[output], c.batch)])?.mistake;
}

describe("comparison messages", () => {
  it("say the shape, the relative error and the first wrong element with both values", () => {
    const e = new Tensor(Float64Array.from([1, 2, 3, 4]), [2, 2]);
    const a = new Tensor(Float64Array.from([1, 2, 3.5, 4]), [2, 2]);
    expect(compareTensor("dW", e, a)?.message).toBe("dW has the right shape [2, 2] but relative error 7.7e-2 > 1e-7; first wrong element dW[1, 0]: expected 3, got 3.5.");
    expect(compareTensor("dW", e, transpose2d(new Tensor(new Float64Array(6), [2, 3])))?.message).toBe("dW has shape [3, 2], expected [2, 2].");
    expect(compareTensor("dx", e, new Tensor(Float64Array.from([1, NaN, 3, 4]), [2, 2]))?.message).toMatch(/^dx contains NaN at dx\[0, 1\]/);
    expect(compareTensor("dx", e, scaled(e, 1 + 1e-12))).toBeUndefined();
    expect(unravel(17, [2, 3, 4])).toEqual([1, 1, 1]);
  });
});

describe("diagnosis of the typical mistakes", () => {
  const lin = linearBackwardSpec.cases()[0]; // N = 4
  it("dW transposed, db not summed (first row, or [N, M]), a sign flip, a missing or an extra 1/N", () => {
    expect(named(lin, "dW", transpose2d(lin.expected.dW))).toBe("dW transposed");
    const dout = lin.args[0] as Tensor;
    expect(named(lin, "db", new Tensor(dout.data.slice(0, 3), [3]))).toBe("db not summed over the batch");
    expect(named(lin, "db", dout)).toBe("db not summed over the batch");
    expect(named(lin, "dx", scaled(lin.expected.dx, -1))).toBe("dx has the wrong sign");
    expect(named(lin, "dx", scaled(lin.expected.dx, 4))).toBe("a missing 1/N in dx");
    expect(named(lin, "dx", scaled(lin.expected.dx, 1 / 4))).toBe("an extra 1/N in dx");
    expect(named(lin, "dx", scaled(lin.expected.dx, 1.5))).toBeUndefined();
  });

  it("ReLU mask on the wrong side", () => {
    const c = reluBackwardSpec.cases()[0];
    const wrong = c.candidates!.dx.find((m) => m.mistake === "ReLU mask on the wrong side")!.value;
    expect(named(c, "dx", wrong)).toBe("ReLU mask on the wrong side");
  });

  it("max-pool gradient sent to every position of the window", () => {
    const c = maxPool2dBackwardSpec.cases()[0];
    expect(named(c, "dx", c.candidates!.dx[0].value)).toBe("max-pool gradient sent to every position");
  });

  it("conv backward variants equal the reference with the bug switched off", () => {
    for (let k = 0; k < conv2dCaseCount; k++) {
      const c = conv2dCaseInputs(k);
      const [, cache] = conv2dForward(c.x, c.w, c.b, { stride: c.stride, pad: c.pad });
      const ref = conv2dBackward(c.dout, cache);
      const v = convBackwardVariant(c, { strideInIndex: true, padInIndex: true });
      expect(compareTensor("dx", ref.dx, v.dx, 1e-12)).toBeUndefined();
      expect(compareTensor("dw", ref.dw, v.dw, 1e-12)).toBeUndefined();
    }
  });

  it("stride or padding ignored in conv backward, and dx left padded", () => {
    const cases = conv2dBackwardSpec.cases();
    const strided = cases.findIndex((_, k) => conv2dCaseInputs(k).stride > 1);
    const padded = cases.findIndex((_, k) => conv2dCaseInputs(k).pad > 0 && conv2dCaseInputs(k).stride === 1);
    const s = convBackwardVariant(conv2dCaseInputs(strided), { strideInIndex: false, padInIndex: true });
    expect(named(cases[strided], "dw", s.dw)).toBe("stride ignored in conv backward");
    const p = convBackwardVariant(conv2dCaseInputs(padded), { strideInIndex: true, padInIndex: false });
    expect(named(cases[padded], "dx", p.dx)).toBe("padding ignored in conv backward");
    expect(named(cases[padded], "dw", p.dw)).toBe("padding ignored in conv backward");
    const kept = convBackwardVariant(conv2dCaseInputs(padded), { strideInIndex: true, padInIndex: true, keepPadded: true });
    expect(named(cases[padded], "dx", kept.dx)).toBe("padding not cropped from dx");
  });
});

describe("public and hidden cases", () => {
  it("every hidden spec has a public counterpart, and no public case repeats a hidden one's inputs", async () => {
    const { HIDDEN_SPECS } = await import("../../autograder/hidden/index.js");
    const { PUBLIC_SPECS } = await import("../../assignments/a6/tests/index.js");
    const key = (c: HiddenCase): string => JSON.stringify(c.args, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v));
    expect(PUBLIC_SPECS.map((s) => s.id)).toEqual(HIDDEN_SPECS.map((s) => s.id));
    for (const pub of PUBLIC_SPECS) {
      const hidden = new Set(HIDDEN_SPECS.find((h) => h.id === pub.id)!.cases().map(key));
      expect(pub.cases().length, pub.id).toBeGreaterThanOrEqual(2);
      for (const c of pub.cases()) expect(hidden.has(key(c)), `${pub.id}: ${c.label}`).toBe(false);
    }
  });

  it("the public cases survive the trip through the kit's cases.json exactly", async () => {
    const { PUBLIC_SPECS } = await import("../../assignments/a6/tests/index.js");
    const { specsFromJson, specsToJson } = await import("../../autograder/casefile.js");
    const back = specsFromJson(specsToJson(PUBLIC_SPECS), "cases.json");
    const flat = (c: HiddenCase): string => JSON.stringify([c.label, c.batch, c.args, c.expected, c.candidates], (_k, v: unknown) => (v instanceof Tensor ? [v.shape, Array.from(v.data)] : ArrayBuffer.isView(v) ? ["i32", Array.from(v as Int32Array)] : v));
    expect(back.map((s) => s.id)).toEqual(PUBLIC_SPECS.map((s) => s.id));
    back.forEach((s, k) => expect(s.cases().map(flat)).toEqual(PUBLIC_SPECS[k].cases().map(flat)));
    expect(() => specsFromJson("{}", "cases.json")).toThrow("cases.json is not a test-case file of this kit version: download the kit again");
  });
});
