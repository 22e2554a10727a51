/**
 * The `returns` text of student(): which path into a student function's result each output is read
 * from, for flat patterns and nested ones (batch norm's running statistics inside the cache).
 */
import { describe, expect, it } from "vitest";
import { parseReturns } from "../../autograder/testing/student.js";

describe("parseReturns", () => {
  it("reads positions, fields and the whole value", () => {
    expect(parseReturns("[out, cache]")).toEqual({ out: [0], cache: [1] });
    expect(parseReturns("{ dx, dW, db }")).toEqual({ dx: ["dx"], dW: ["dW"], db: ["db"] });
    expect(parseReturns(" dx ")).toEqual({ dx: [] });
  });

  it("reads nested patterns as longer paths", () => {
    expect(parseReturns("[out, { runningMean, runningVar }]")).toEqual({ out: [0], runningMean: [1, "runningMean"], runningVar: [1, "runningVar"] });
    expect(parseReturns("{ loss, cache: { mean, stats: [lo, hi] } }")).toEqual({ loss: ["loss"], mean: ["cache", "mean"], lo: ["cache", "stats", 0], hi: ["cache", "stats", 1] });
  });

  it("refuses what is not a pattern, naming the text", () => {
    for (const bad of ["", "[]", "[out, cache", "[out, { mean ]}", "{ 1x }", "{ a: }", "out cache", "[out, {}]"]) {
      expect(() => parseReturns(bad), bad).toThrow(`returns "${bad}" is not`);
    }
  });
});
