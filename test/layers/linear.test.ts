import { describe, expect, it } from "vitest";
import { linearBackward, linearForward } from "../../src/layers/linear.js";
import { Rng } from "../../src/random.js";
import { tensor } from "../../src/tensor.js";
import { AFFINE_H, expectGradients, expectUnchanged, flat, reportWorstErrors, rnd } from "./helpers.js";

reportWorstErrors("linear");

describe("linearForward / linearBackward", () => {
  const x = tensor([[1, 2], [3, 4]]);
  const W = tensor([[1, 0, -1], [2, 1, 0]]);
  const b = tensor([0.5, -1, 2]);

  it("computes x·W + b on a hand-computed case", () => {
    const [out] = linearForward(x, W, b);
    expect(out.shape).toEqual([2, 3]);
    expect(out.toArray()).toEqual([[5.5, 1, 1], [11.5, 3, -1]]);
  });

  it("computes dx = dout·Wᵀ, dW = xᵀ·dout, db = Σ dout on a hand-computed case", () => {
    const [, cache] = linearForward(x, W, b);
    const { dx, dW, db } = linearBackward(tensor([[1, 0, 2], [0, 1, -1]]), cache);
    expect(dx.toArray()).toEqual([[-1, 2], [1, 1]]);
    expect(dW.toArray()).toEqual([[1, 3, -1], [2, 4, 0]]);
    expect(db.toArray()).toEqual([1, 1, 1]);
  });

  it("passes float64 gradient checks on random shapes (batch 1 included)", () => {
    const rng = new Rng(11);
    const shapes = [[1, 1, 1], [1, 5, 3], [4, 1, 6], [3, 7, 2], [6, 4, 5], [2, 10, 1]];
    for (let t = 0; t < 12; t++) {
      const [N, D, M] = t < shapes.length ? shapes[t] : [1 + rng.int(5), 1 + rng.int(8), 1 + rng.int(8)];
      const xs = rnd([N, D], 100 + t), Ws = rnd([D, M], 200 + t), bs = rnd([M], 300 + t);
      const dout = rnd([N, M], 400 + t);
      const [, cache] = linearForward(xs, Ws, bs);
      const { dx, dW, db } = linearBackward(dout, cache);
      const f = () => linearForward(xs, Ws, bs)[0];
      expectGradients(f, dout, { dx: [xs, dx], dW: [Ws, dW], db: [bs, db] }, `N=${N} D=${D} M=${M}`, AFFINE_H);
    }
  });

  it("leaves its inputs unchanged", () => {
    const xs = rnd([3, 4], 1), Ws = rnd([4, 2], 2), bs = rnd([2], 3), dout = rnd([3, 2], 4);
    expectUnchanged([xs, Ws, bs, dout], () => {
      const [, cache] = linearForward(xs, Ws, bs);
      linearBackward(dout, cache);
    });
  });

  it("keeps float32 in float32", () => {
    const x32 = x.astype("float32"), W32 = W.astype("float32"), b32 = b.astype("float32");
    const [out, cache] = linearForward(x32, W32, b32);
    expect(out.dtype).toBe("float32");
    expect(flat(out)).toEqual([5.5, 1, 1, 11.5, 3, -1]);
    const g = linearBackward(tensor([[1, 0, 2], [0, 1, -1]], undefined, "float32"), cache);
    expect([g.dx.dtype, g.dW.dtype, g.db.dtype]).toEqual(["float32", "float32", "float32"]);
  });

  it("names the function and both shapes when shapes are wrong", () => {
    expect(() => linearForward(rnd([2, 4], 1), rnd([3, 5], 2), rnd([5], 3))).toThrow(
      "linearForward: W has shape [3, 5], expected [4, *] (x is [2, 4])",
    );
    expect(() => linearForward(rnd([2, 4], 1), rnd([4, 5], 2), rnd([4], 3))).toThrow(
      "linearForward: b has shape [4], expected [5] (W is [4, 5])",
    );
    expect(() => linearForward(rnd([2, 3, 4], 1), rnd([4, 5], 2), rnd([5], 3))).toThrow(
      "linearForward: x has shape [2, 3, 4], expected 2 dimensions [N, D]",
    );
    const [, cache] = linearForward(rnd([2, 4], 1), rnd([4, 5], 2), rnd([5], 3));
    expect(() => linearBackward(rnd([2, 4], 4), cache)).toThrow(
      "linearBackward: dout has shape [2, 4], expected [2, 5]",
    );
    expect(() => linearForward([[1, 2]] as never, W, b)).toThrow("linearForward: x must be a Tensor");
  });
});
