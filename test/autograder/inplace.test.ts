/**
 * Functions that change their arguments in place (an assignment's update rules): a plain
 * Float64Array crosses to the sandbox child as a fresh copy whose changes the child tracks, an
 * output path starting with "$args" reads an argument after the call, the manifest's `mutates`
 * lets the declared changes through and no other, and expectTensor tells a plain array from a Tensor.
 */
import { describe, expect, it } from "vitest";
import { forbiddenChanges } from "../../autograder/engine/server.js";
import { readOutput, toWire } from "../../autograder/sandbox/wire.js";
import { expectTensor } from "../../autograder/testing/expect.js";
import { StudentFailure } from "../../autograder/testing/failure.js";
import { StudentOutput } from "../../autograder/testing/student.js";
import { tensor } from "../../src/tensor.js";
import { sandboxWith } from "./helpers.js";

const F = "src/optim/rules.ts";
const call = (fn: string, args: unknown[] = []) => ({ file: F, fn, args: args.map(toWire) });

const RULES = `
export function sgdRule(x: Float64Array, dx: Float64Array, lr: number): void { for (let k = 0; k < x.length; k++) x[k] -= lr * dx[k]; }
export function clobber(x: Float64Array, dx: Float64Array): void { x[0] = 1; dx[0] = 99; }
export function withState(x: Float64Array, s: { v: Float64Array }): void { s.v[0] += 1; x[0] += s.v[0]; }
export function kind(x: unknown): number { return x instanceof Float64Array ? x.length : -1; }
export function toSingle(x: Float64Array): Float32Array { return Float32Array.from(x); }
export function scaleTensor(t: { data: Float64Array }): void { t.data[0] *= 2; }
`;

/** Replaces what a careless check would use, then changes an argument it may not change. */
const PATCHER = `
Object.is = () => true;
Object.defineProperty(Float64Array.prototype, "length", { get() { return 0; }, configurable: true });
export function sneaky(x: Float64Array, dx: Float64Array): void { x[0] = 3; dx[1] = 5; }
`;

/** The output `name` of a successful call, validated as the grader reads it. */
function output(r: Awaited<ReturnType<ReturnType<typeof sandboxWith>["call"]>>, name: string): ReturnType<typeof readOutput> {
  if (!r.ok) throw new Error(`the call failed: ${r.kind}: ${r.message}`);
  return readOutput(r.outputs[name]);
}

describe("plain Float64Array arguments and $args outputs", () => {
  const sb = sandboxWith({ [F]: RULES });

  it("a Float64Array argument arrives as a Float64Array of its own (the caller's is never touched) and is read back after the call", async () => {
    const x = Float64Array.of(1, 2, 3);
    const r = await sb.call(call("sgdRule", [x, Float64Array.of(1, -1, 2), 0.5]), { x: ["$args", 0], dx: ["$args", 1], result: [] });
    expect(output(r, "x")).toMatchObject({ kind: "tensor", dtype: "float64", array: true });
    const after = output(r, "x");
    expect(after.kind === "tensor" && [Array.from(after.tensor.data), after.tensor.shape]).toEqual([[0.5, 2.5, 2], [3]]);
    expect(output(r, "result")).toEqual({ kind: "other", desc: "undefined" });
    expect(r.ok && r.changed).toEqual(["argument 1"]);
    expect(Array.from(x)).toEqual([1, 2, 3]);
    expect(output(await sb.call(call("kind", [Float64Array.of(4, 5)]), { v: [] }), "v")).toEqual({ kind: "number", value: 2 });
  });

  it("every changed argument is reported; the manifest's mutates lets through only the declared ones", async () => {
    const r = await sb.call(call("clobber", [Float64Array.of(0, 0), Float64Array.of(1, 1)]), { x: ["$args", 0] });
    expect(r.ok && r.changed).toEqual(["argument 1", "argument 2"]);
    expect(forbiddenChanges(r.ok ? r.changed : [], [1])).toEqual(["argument 2"]);
    const s = await sb.call(call("withState", [Float64Array.of(0), { v: Float64Array.of(0) }]), { x: ["$args", 0], v: ["$args", 1, "v"] });
    expect(s.ok && s.changed).toEqual(["argument 1", "argument 2.v"]);
    expect(forbiddenChanges(s.ok ? s.changed : [], [1, 2])).toEqual([]);
    const v = output(s, "v");
    expect(v.kind === "tensor" && Array.from(v.tensor.data)).toEqual([1]);
  });

  it("a Float32Array is read with its dtype; a Tensor argument read through $args is a Tensor, not a plain array", async () => {
    expect(output(await sb.call(call("toSingle", [Float64Array.of(1.5)]), { v: [] }), "v")).toMatchObject({ kind: "tensor", dtype: "float32", array: true });
    const t = output(await sb.call(call("scaleTensor", [tensor([3, 4])]), { t: ["$args", 0] }), "t");
    expect(t.kind === "tensor" && [t.array, Array.from(t.tensor.data)]).toEqual([undefined, [6, 4]]);
  });

  it("replaced globals (Object.is, the typed arrays' length) hide no change and no value", async () => {
    const patched = sandboxWith({ [F]: PATCHER });
    const r = await patched.call(call("sneaky", [Float64Array.of(0, 0), Float64Array.of(1, 1)]), { x: ["$args", 0] });
    expect(r.ok || r.message).toBe(true);
    expect(r.ok && r.changed).toEqual(["argument 1", "argument 2"]);
    const x = output(r, "x");
    expect(x.kind === "tensor" && Array.from(x.tensor.data)).toEqual([3, 0]);
  });
});

describe("expectTensor with a plain Float64Array expected", () => {
  const array = (data: number[], changed: string[] = []) => new StudentOutput("sgdRule", "x", { kind: "tensor", tensor: tensor(data), dtype: "float64", array: true }, changed);
  const fails = (f: () => void): string => {
    try {
      f();
    } catch (e) {
      if (e instanceof StudentFailure) return e.message;
      throw e;
    }
    return "passed";
  };

  it("passes a plain array of the right values and refuses a Tensor, a wrong value or a forbidden change", () => {
    const want = Float64Array.of(0.5, 2.5);
    expect(fails(() => expectTensor(array([0.5, 2.5]), want, { tolerance: 1e-7 }))).toBe("passed");
    expect(fails(() => expectTensor(new StudentOutput("sgdRule", "x", { kind: "tensor", tensor: tensor([0.5, 2.5]), dtype: "float64" }, []), want, { tolerance: 1e-7 }))).toBe(
      "x is a Tensor; expected a Float64Array of length 2.",
    );
    expect(fails(() => expectTensor(array([0.5, 2]), want, { tolerance: 1e-7, noGeneric: true }))).toMatch(/^x/);
    expect(fails(() => expectTensor(array([0.5, 2.5], ["argument 2"]), want, { tolerance: 1e-7 }))).toMatch(/changed its input argument 2/);
  });

  it("a plain array where a Tensor is expected is refused by name", () => {
    expect(fails(() => expectTensor(array([1, 2]), tensor([1, 2]), { tolerance: 1e-7 }))).toBe("x is a plain Float64Array; expected a Tensor of shape [2].");
  });
});
