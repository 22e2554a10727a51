import { afterEach, describe, expect, it, vi } from "vitest";
import { check, exercise } from "../src/check.js";

describe("check (notebook assertions)", () => {
  afterEach(() => vi.restoreAllMocks());

  it("passes equal values and within-tolerance numbers, printing a tick", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    check("parameters of 3-4-2", 26, 26);
    check("close enough", 0.1 + 0.2, 0.3, 1e-12);
    check("shape", [10, 32, 32], [10, 32, 32]);
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      "✓ parameters of 3-4-2 = 26",
      "✓ close enough = 0.30000000000000004",
      "✓ shape = [10,32,32]",
    ]);
  });

  it("throws naming what was checked and both values", () => {
    expect(() => check("parameters", 25, 26)).toThrow("parameters: expected 26, got 25");
    expect(() => check("x", 0.31, 0.3, 1e-3)).toThrow("x: expected 0.3, got 0.31");
    expect(() => check("shape", [3, 3], [3, 4])).toThrow("shape: expected [3,4], got [3,3]");
  });

  it("exercise: says an unanswered exercise is open and fails nothing, then checks an answer", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    exercise("parameters of 16 filters 3×3 on 6 channels", undefined, 880);
    exercise("parameters of 16 filters 3×3 on 6 channels", 880, 880);
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      "○ parameters of 16 filters 3×3 on 6 channels: not answered yet (replace undefined with your answer and run the cell)",
      "✓ parameters of 16 filters 3×3 on 6 channels = 880",
    ]);
    expect(() => exercise("σ'(0)", 0.5, 0.25, 1e-9)).toThrow("σ'(0): expected 0.25, got 0.5");
  });
});
