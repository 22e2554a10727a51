// `npm test` runs every lecture notebook through the tslab kernel, as a reader would run it; a
// notebook asserts its own key numbers, so a wrong slide number fails here with its cell.
// Needs `npm run build` (notebooks import the built package as "nnkit").
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatFailure, runNotebook } from "../../src/notebook/runner.js";

const dir = join(import.meta.dirname, "..", "..", "notebooks");
const notebooks = readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort();

describe("lecture notebooks", () => {
  it("are all there: one per part of the lecture, numbered in order", () => {
    expect(notebooks.map((n) => n.slice(0, 2))).toEqual(["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11"]);
  });

  // A cell may take minutes (LeNet-5's full epoch: about 150 s on two quiet cores, over 300 s when
  // other test runs share them), so the per-cell limit only catches a cell that hangs.
  it.each(notebooks)("%s runs without a failing cell", async (name) => {
    const { failures, timings } = await runNotebook(join(dir, name), { timeoutPerCell: 600_000 });
    const seconds = (timings.totalMs / 1000).toFixed(1);
    console.log(`${name}: ${timings.cells.length} cells in ${seconds} s (kernel start ${(timings.kernelStartMs / 1000).toFixed(1)} s)`);
    expect(failures.map(formatFailure)).toEqual([]);
  }, 1_200_000);
});
