/**
 * The handout says what the tools do: the threshold and the time limit per call are the manifest's
 * (generated between markers, as the points table is), and the way backward passes are checked is
 * described as check and the grader do it (recorded reference values, the reference forward's
 * cache standing in).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toleranceText, withPointsTable } from "../../autograder/handout.js";
import { loadManifest } from "../../autograder/manifest.js";
import { ROOT } from "./helpers.js";

const manifest = loadManifest(ROOT, "a6");
const handout = readFileSync(join(ROOT, manifest.handout), "utf8");

describe("the a6 handout", () => {
  it("is up to date with its manifest: points, tolerance and time limit as generated", () => {
    expect(withPointsTable(handout, manifest)).toBe(handout);
    expect([...handout.matchAll(/<!-- tolerance -->([^<]*)<!-- \/tolerance -->/g)].map((m) => m[1])).toEqual(["1e-7", "1e-7"]);
    expect(toleranceText(manifest.tolerance)).toBe("1e-7");
  });

  it("follows the manifest when it changes: another tolerance and time limit are written in", () => {
    const other = withPointsTable(handout, { ...manifest, tolerance: 5e-6, limits: { ...manifest.limits, callTimeoutSeconds: 8 } });
    expect(other).toContain("must be at most <!-- tolerance -->5e-6<!-- /tolerance --> (float64)");
    expect(other).toContain("time limit per call (<!-- call-seconds -->8<!-- /call-seconds --> s)");
    expect(other).not.toContain("1e-7<!-- /tolerance -->");
  });

  it("says backward passes are compared with recorded reference values, and graded on the reference forward's cache when the student's forward is wrong", () => {
    expect(handout).not.toMatch(/numerical gradients \(|below 1e-6|checks each function on its own\)/);
    expect(handout).toContain("compare every output, forward and backward alike, with the reference solution's values");
    expect(handout).toContain("right on the reference\nforward's cache, it gets its points");
  });
});
