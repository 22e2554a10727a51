/**
 * One contract per op: for every bad input, the reference loops (src/layers/, the assignment) and
 * the fast float32 path (src/ops/<op>/fast.ts) throw the same message — both check with the op's
 * contract — and so does the fast table that dispatches between them.
 */
import { describe, expect, it } from "vitest";
import * as conv2dFast from "../../src/ops/conv2d/fast.js";
import { fastKernels } from "../../src/ops/fast.js";
import * as linearFast from "../../src/ops/linear/fast.js";
import * as maxPool2dFast from "../../src/ops/maxpool2d/fast.js";
import { referenceOps } from "../../src/ops/reference.js";
import * as reluFast from "../../src/ops/relu/fast.js";
import { Tensor, randn, tensor } from "../../src/tensor.js";

const f32 = (shape: number[], seed = 1): Tensor => randn(shape, { seed, dtype: "float32" });

/** The message `call` throws (fails the test when it throws nothing). */
function message(call: () => unknown): string {
  try {
    call();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected a throw");
}

type Case = [label: string, args: unknown[], expected: string];

/** Every case: the same message from the reference, the fast path and the fast table, and the one expected. */
function sameMessages(reference: (...a: never[]) => unknown, fast: (...a: never[]) => unknown, table: (...a: never[]) => unknown, cases: Case[]): void {
  for (const [label, args, expected] of cases) {
    const call = (f: (...a: never[]) => unknown) => message(() => f(...(args as never[])));
    const got = { reference: call(reference), fast: call(fast), table: call(table) };
    expect(got, label).toEqual({ reference: got.reference, fast: got.reference, table: got.reference });
    expect(got.reference, label).toContain(expected);
  }
}

describe("one contract per op: the reference and the fast path say the same", () => {
  it("linearForward / linearBackward", () => {
    const x = f32([2, 4]), W = f32([4, 3]), b = f32([3]);
    sameMessages(referenceOps.linearForward, linearFast.linearForward, fastKernels.linearForward, [
      ["W rows", [x, f32([3, 5]), f32([5])], "linearForward: W has shape [3, 5], expected [4, *] (x is [2, 4])"],
      ["x rank", [f32([2, 3, 4]), W, b], "linearForward: x has shape [2, 3, 4], expected 2 dimensions [N, D]"],
      ["b", [x, W, f32([2])], "linearForward: b has shape [2], expected [3] (W is [4, 3])"],
      ["not a tensor", [[[1, 2]], W, b], "linearForward: x must be a Tensor, got an array"],
    ]);
    const [, cache] = linearFast.linearForward(x, W, b);
    sameMessages(referenceOps.linearBackward, linearFast.linearBackward, fastKernels.linearBackward, [
      ["dout", [f32([3, 3]), cache], "linearBackward: dout has shape [3, 3], expected [2, 3] (the shape of the forward output)"],
      ["cache", [f32([2, 3]), { x }], "linearBackward: cache.W is not a Tensor; pass the cache returned by linearForward"],
    ]);
  });

  it("linearBackwardInto checks dW and db on both of its paths", () => {
    const x = f32([2, 4]), W = f32([4, 3]), b = f32([3]);
    const [, cache] = fastKernels.linearForward(x, W, b);
    const plain = new Tensor(new Float32Array(12), [3, 4]); // not resident: the adding path
    expect(message(() => fastKernels.linearBackwardInto(f32([2, 3]), cache, plain, f32([3])))).toBe(
      message(() => linearFast.linearBackwardInto(f32([2, 3]), cache, plain, f32([3]))),
    );
    expect(message(() => fastKernels.linearBackwardInto(f32([2, 3]), cache, plain, f32([3])))).toBe(
      "linearBackwardInto: dW has shape [3, 4], expected [4, 3] (W is [4, 3])",
    );
  });

  it("reluForward / reluBackward", () => {
    const x = f32([2, 3]);
    sameMessages(referenceOps.reluForward, reluFast.reluForward, fastKernels.reluForward, [
      ["not a tensor", [[1, 2]], "reluForward: x must be a Tensor, got an array (wrap it with tensor(...))"],
      ["null", [null], "reluForward: x must be a Tensor, got null"],
    ]);
    sameMessages(referenceOps.reluBackward, reluFast.reluBackward, fastKernels.reluBackward, [
      ["dout", [f32([3, 2]), { x }], "reluBackward: dout has shape [3, 2], expected [2, 3] (the shape of the forward output)"],
      ["cache", [f32([2, 3]), {}], "reluBackward: cache.x is not a Tensor; pass the cache returned by reluForward"],
    ]);
  });

  it("conv2dForward / conv2dBackward", () => {
    const x = f32([1, 3, 5, 5]), w = f32([2, 3, 3, 3]), b = f32([2]);
    sameMessages(referenceOps.conv2dForward, conv2dFast.conv2dForward, fastKernels.conv2dForward, [
      ["channels", [x, f32([2, 4, 3, 3]), b, {}], "conv2dForward: w has shape [2, 4, 3, 3], expected [*, 3, *, *] (x is [1, 3, 5, 5])"],
      ["kernel too large", [x, f32([2, 3, 7, 7]), b, {}], "conv2dForward: kernel height 7 is larger than the input height 5; use a smaller kernel or more padding"],
      ["stride", [x, w, b, { stride: 3 }], "conv2dForward: along height, (in 5 − kernel 3 + 2·pad 0) / stride 3 + 1 = 1.667 is not an integer"],
      ["pad", [x, w, b, { pad: -1 }], "conv2dForward: pad must be an integer >= 0, got -1"],
      ["rank", [f32([3, 5, 5]), w, b, {}], "conv2dForward: x has shape [3, 5, 5], expected 4 dimensions [N, C, H, W]"],
    ]);
    const [, cache] = conv2dFast.conv2dForward(x, w, b, { pad: 1 });
    sameMessages(referenceOps.conv2dBackward, conv2dFast.conv2dBackward, fastKernels.conv2dBackward, [
      ["dout", [f32([1, 2, 3, 3]), cache], "conv2dBackward: dout has shape [1, 2, 3, 3], expected [1, 2, 5, 5] (the shape of the forward output)"],
      ["cache", [f32([1, 2, 5, 5]), { x, w }], "conv2dBackward: cache.b is not a Tensor; pass the cache returned by conv2dForward"],
    ]);
  });

  it("maxPool2dForward / maxPool2dBackward: a window has no padding, so no advice to add some", () => {
    const x = f32([1, 2, 4, 4]);
    sameMessages(referenceOps.maxPool2dForward, maxPool2dFast.maxPool2dForward, fastKernels.maxPool2dForward, [
      ["window too large", [x, { size: 5 }], "maxPool2dForward: window height 5 is larger than the input height 4; use a smaller window"],
      ["size", [x, { size: 0 }], "maxPool2dForward: size must be an integer >= 1, got 0"],
      ["stride", [x, { size: 2, stride: 3 }], "maxPool2dForward: along height, (in 4 − kernel 2 + 2·pad 0) / stride 3 + 1 = 1.667 is not an integer"],
      ["rank", [f32([2, 4, 4]), { size: 2 }], "maxPool2dForward: x has shape [2, 4, 4], expected 4 dimensions [N, C, H, W]"],
    ]);
    const [, cache] = maxPool2dFast.maxPool2dForward(x, { size: 2 });
    sameMessages(referenceOps.maxPool2dBackward, maxPool2dFast.maxPool2dBackward, fastKernels.maxPool2dBackward, [
      ["dout", [f32([1, 2, 4, 4]), cache], "maxPool2dBackward: dout has shape [1, 2, 4, 4], expected [1, 2, 2, 2] (the shape of the forward output)"],
      ["cache", [f32([1, 2, 2, 2]), { size: 2, stride: 2 }], "maxPool2dBackward: cache.x is not a Tensor; pass the cache returned by maxPool2dForward"],
    ]);
  });

  it("the fast table sends float64 (and mixed) inputs to the reference loops, float32 to the fast paths", () => {
    const x = randn([2, 3], { seed: 1 }), W = randn([3, 2], { seed: 2 }), b = randn([2], { seed: 3 });
    const [ref] = referenceOps.linearForward(x, W, b);
    const [viaTable] = fastKernels.linearForward(x, W, b);
    expect(viaTable.dtype).toBe("float64");
    expect(Array.from(viaTable.data)).toEqual(Array.from(ref.data));
    expect(message(() => linearFast.linearForward(x, W, b))).toBe("linearForward: the fast path takes float32 tensors, got float64");
    const [, refCache] = referenceOps.maxPool2dForward(tensor([[[[1, 3], [3, 0]]]], undefined, "float32"), { size: 2 });
    expect(Array.from(fastKernels.maxPool2dBackward(tensor([[[[7]]]], undefined, "float32"), refCache).data)).toEqual([0, 7, 0, 0]);
  });
});
