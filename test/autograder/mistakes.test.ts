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
import type { GradedCase } from "../../autograder/testing/table.js";
import { activationTables } from "../../assignments/a6/tests/cases/activations.js";
import { conv2dTables, convBackwardVariant, convInputs } from "../../assignments/a6/tests/cases/conv2d.js";
import { linearTables } from "../../assignments/a6/tests/cases/linear.js";
import { maxPool2dTables } from "../../assignments/a6/tests/cases/maxpool2d.js";
import * as hidden from "../../assignments/a6/tests/hidden/lists.js";
import * as pub from "../../assignments/a6/tests/public/lists.js";

const scaled = (t: Tensor, k: number): Tensor => new Tensor(Float64Array.from(t.data, (v) => v * k), t.shape);

/** The expected value of `output` in case `c`, as a Tensor. */
function expected(c: GradedCase, output: string): Tensor {
  const e = c.expected[output];
  if (!(e instanceof Tensor)) throw new Error(`${output} is not a Tensor`);
  return e;
}

function named(c: GradedCase, output: string, actual: Tensor): string | undefined {
  return diagnose(actual, [...(c.mistakes?.[output] ?? []), ...genericCandidates(output, expected(c, output), c.batch)])?.mistake;
}

describe("comparison messages", () => {
  it("say the shape, the relative error and the first wrong element with both values", () => {
    const e = new Tensor(Float64Array.from([1, 2, 3, 4]), [2, 2]);
    const a = new Tensor(Float64Array.from([1, 2, 3.5, 4]), [2, 2]);
    expect(compareTensor("dW", e, a)?.message).toBe("dW has the right shape [2, 2] but relative error 7.7e-2 > 1e-7; first wrong element dW[1, 0]: expected 3, got 3.5.");
    expect(compareTensor("dW", e, transpose2d(new Tensor(new Float64Array(6), [2, 3])))?.message).toBe("dW has shape [3, 2], expected [2, 2].");
    const nan = compareTensor("dx", e, new Tensor(Float64Array.from([1, NaN, 3, 4]), [2, 2]))?.message;
    expect(nan).toMatch(/^dx contains NaN at dx\[0, 1\] \(expected 2\); NaN most often comes from reading outside an array/);
    expect(nan).toContain("H and W swapped");
    expect(compareTensor("dx", e, new Tensor(Float64Array.from([1, Infinity, 3, 4]), [2, 2]))?.message).toBe("dx contains Infinity at dx[0, 1] (expected 2); look for a division by zero or an overflowing exp.");
    expect(compareTensor("dx", e, scaled(e, 1 + 1e-12))).toBeUndefined();
    expect(unravel(17, [2, 3, 4])).toEqual([1, 1, 1]);
  });
});

describe("diagnosis of the typical mistakes", () => {
  const lin = linearTables(hidden.LINEAR).backward.cases[0]; // N = 4
  it("dW transposed, db not summed (first row, or [N, M]), a sign flip, a missing or an extra 1/N", () => {
    expect(named(lin, "dW", transpose2d(expected(lin, "dW")))).toBe("dW transposed");
    const dout = lin.args[0] as Tensor;
    expect(named(lin, "db", new Tensor(dout.data.slice(0, 3), [3]))).toBe("db not summed over the batch");
    expect(named(lin, "db", dout)).toBe("db not summed over the batch");
    expect(named(lin, "dx", scaled(expected(lin, "dx"), -1))).toBe("dx has the wrong sign");
    expect(named(lin, "dx", scaled(expected(lin, "dx"), 4))).toBe("a missing 1/N in dx");
    expect(named(lin, "dx", scaled(expected(lin, "dx"), 1 / 4))).toBe("an extra 1/N in dx");
    expect(named(lin, "dx", scaled(expected(lin, "dx"), 1.5))).toBeUndefined();
  });

  it("ReLU mask on the wrong side", () => {
    const c = activationTables(hidden.ACTIVATIONS).reluBackward.cases[0];
    const wrong = c.mistakes!.dx.find((m) => m.mistake === "ReLU mask on the wrong side")!.value;
    expect(named(c, "dx", wrong)).toBe("ReLU mask on the wrong side");
  });

  it("max-pool gradient sent to every position of the window", () => {
    const c = maxPool2dTables(hidden.MAXPOOL2D).backward.cases[0];
    expect(named(c, "dx", c.mistakes!.dx[0].value)).toBe("max-pool gradient sent to every position");
  });

  it("conv backward variants equal the reference with the bug switched off", () => {
    for (const list of hidden.CONV2D) {
      const c = convInputs(list);
      const [, cache] = conv2dForward(c.x, c.w, c.b, { stride: c.stride, pad: c.pad });
      const ref = conv2dBackward(c.dout, cache);
      const v = convBackwardVariant(c, { strideInIndex: true, padInIndex: true });
      expect(compareTensor("dx", ref.dx, v.dx, 1e-12)).toBeUndefined();
      expect(compareTensor("dw", ref.dw, v.dw, 1e-12)).toBeUndefined();
    }
  });

  it("stride or padding ignored in conv backward, and dx left padded", () => {
    const cases = conv2dTables(hidden.CONV2D).backward.cases;
    const inputs = hidden.CONV2D.map(convInputs);
    const strided = inputs.findIndex((c) => c.stride > 1);
    const padded = inputs.findIndex((c) => c.pad > 0 && c.stride === 1);
    const s = convBackwardVariant(inputs[strided], { strideInIndex: false, padInIndex: true });
    expect(named(cases[strided], "dw", s.dw)).toBe("stride ignored in conv backward");
    const p = convBackwardVariant(inputs[padded], { strideInIndex: true, padInIndex: false });
    expect(named(cases[padded], "dx", p.dx)).toBe("padding ignored in conv backward");
    expect(named(cases[padded], "dw", p.dw)).toBe("padding ignored in conv backward");
    const kept = convBackwardVariant(inputs[padded], { strideInIndex: true, padInIndex: true, keepPadded: true });
    expect(named(cases[padded], "dx", kept.dx)).toBe("padding not cropped from dx");
  });
});

describe("hints that match by shape or by where the NaNs are", () => {
  it("conv loops with H and W swapped: NaN where they read past x's end, the rest as computed; off-by-one sizes by shape", async () => {
    const { convForwardSwapped } = await import("../../assignments/a6/tests/cases/conv2d.js");
    const k = hidden.CONV2D.findIndex((c) => c.dims[2] > c.dims[3]);
    const c = conv2dTables(hidden.CONV2D).forward.cases[k];
    const swapped = convForwardSwapped(convInputs(hidden.CONV2D[k]), "index");
    expect(swapped.data.some(Number.isNaN)).toBe(true);
    expect(named(c, "out", swapped)).toBe("H and W swapped");
    const other = new Tensor(Float64Array.from(swapped.data, (v) => (Number.isNaN(v) ? 0 : v)), swapped.shape);
    expect(named(c, "out", other)).toBeUndefined();
    const [N, F, Ho, Wo] = expected(c, "out").shape;
    expect(named(c, "out", new Tensor(new Float64Array(N * F * (Ho - 1) * (Wo - 1)).fill(7), [N, F, Ho - 1, Wo - 1]))).toBe("output size off by one in out");
    expect(named(c, "out", new Tensor(new Float64Array(N * F * (Ho - 2) * Wo), [N, F, Ho - 2, Wo]))).toBeUndefined();
  });

  it("a known wrong answer with NaN in it survives the kit's recorded.json", async () => {
    const { decodeValue, encodeValue } = await import("../../autograder/casefile.js");
    const t = new Tensor(Float64Array.from([1, NaN, -Infinity]), [3]);
    const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(t, "t")))) as Tensor;
    expect(Array.from(back.data)).toEqual([1, NaN, -Infinity]);
  });
});

describe("public and hidden cases", () => {
  it("every hidden group has public cases, and no public case repeats a hidden one's inputs", () => {
    const groups = Object.keys(hidden).sort();
    expect(Object.keys(pub).sort()).toEqual(groups);
    for (const g of groups) {
      const seen = new Set((hidden as Record<string, unknown[]>)[g].map((c) => JSON.stringify(c)));
      const mine = (pub as Record<string, unknown[]>)[g];
      expect(mine.length, g).toBeGreaterThanOrEqual(1);
      for (const c of mine) expect(seen.has(JSON.stringify(c)), `${g}: ${JSON.stringify(c)}`).toBe(false);
    }
  });

  it("recorded values survive the trip through the kit's recorded.json exactly", async () => {
    const { decodeValue, encodeValue, readRecordedFile, recordedFileText } = await import("../../autograder/casefile.js");
    const tables = linearTables(pub.LINEAR);
    const text = recordedFileText(new Map([["linear", encodeValue(tables, "linear")]]));
    const back = decodeValue(readRecordedFile(text, "recorded.json").get("linear")!);
    const flat = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x instanceof Tensor ? [x.shape, Array.from(x.data)] : ArrayBuffer.isView(x) ? ["i32", Array.from(x as Int32Array)] : x));
    expect(flat(back)).toEqual(flat(tables));
    expect(() => readRecordedFile("{}", "recorded.json")).toThrow("recorded.json is not a recorded-values file of this kit version: download the kit again");
  });
});
