import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readNotebook, type Cell, type Notebook } from "../../src/notebook/nbformat.js";
import { printedNumbers, proseContradictions, statedResults } from "../../src/notebook/prose.js";

const md = (id: string, source: string): Cell => ({ cell_type: "markdown", id, source, metadata: {} });
const code = (id: string, printed: string): Cell => ({
  cell_type: "code", id, source: "", metadata: {}, execution_count: 1,
  outputs: [{ output_type: "stream", name: "stdout", text: printed }],
});
const nb = (...cells: Cell[]): Notebook => ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });

describe("stated results", () => {
  it("are percentages and ratios in the prose, at the precision they are written with", () => {
    expect(statedResults("One pass gives about 98%, and 99.02 % on the full set; 2,400 times the work, a 16× speed-up.")).toEqual([
      { kind: "percent", value: 98, tolerance: 0.5, text: "98%" },
      { kind: "percent", value: 99.02, tolerance: 0.005, text: "99.02 %" },
      { kind: "ratio", value: 2400, tolerance: 50, text: "2,400 times" },
      { kind: "ratio", value: 16, tolerance: 0.5, text: "16×" },
    ]);
  });

  it("leave out math, code, comments, quotations and dimensions", () => {
    const text = [
      "Pool $2 \\times 2$ on a 28 × 28 image, a 5×5 filter, $$p = 50\\%$$ and `dropout(0.5) // 50%`.",
      "<!-- 12% -->",
      "    indented code: 3 times",
      "```", "fenced 40%", "```",
      "> Coates et al. reached 79.6% on CIFAR-10.",
    ].join("\n");
    expect(statedResults(text)).toEqual([]);
  });
});

describe("printed numbers", () => {
  it("count values, not the thresholds or labels of checks", () => {
    expect(printedNumbers("test accuracy: 99.02% (9902 of 10000)\n✓ test accuracy ≥ 98.5%\n✓ about 90 % of it = 0.5")).toEqual({
      percent: [99.02],
      ratio: [99.02, 9902, 10000, 0.5],
    });
  });
});

describe("a notebook's prose against its outputs", () => {
  const doc = nb(
    md("a", "# Title\n\nIntroduction: we will reach 99%."),
    md("b", "## Training"),
    code("c", "test accuracy: 99.02%\nratio 110.15\n"),
    md("d", "One pass reaches about 98% (**wrong**), 110 times the parameters.\n\n## Next\n\nNothing here prints 99%."),
    code("e", "done\n"),
    md("f", "## Summary\n\n- 99% after one pass, as notebook 2 printed 90.6% for softmax regression."),
  );
  const other = nb(code("x", "test accuracy: 90.61 %\n"));

  it("finds a result its section's cells contradict, and what they printed instead", () => {
    expect(proseContradictions(doc, new Map([[2, other]]))).toEqual([
      { cell: 4, stated: "98%", printed: ["99.02%"] },
      { cell: 4, stated: "99%", printed: [] }, // the section "Next" has its own code cell, which prints no percentage
    ]);
  });

  it("lets an introduction or a summary cite any cell, and a sentence naming notebook N cite notebook N", () => {
    const without = proseContradictions(doc);
    expect(without.map((c) => [c.cell, c.stated])).toEqual([[4, "98%"], [4, "99%"], [6, "90.6%"]]);
  });
});

describe("the lecture notebooks", () => {
  const dir = join(import.meta.dirname, "..", "..", "notebooks");
  const files = readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort();
  const byNumber = new Map(files.map((f) => [Number(f.slice(0, 2)), readNotebook(join(dir, f))]));

  it.each(files)("%s states no result that its stored outputs contradict", (file) => {
    const found = proseContradictions(byNumber.get(Number(file.slice(0, 2)))!, byNumber);
    expect(found.map((c) => `cell ${c.cell}: the text says ${c.stated}, the cells print ${c.printed.join(", ") || "no such number"}`)).toEqual([]);
  });
});
