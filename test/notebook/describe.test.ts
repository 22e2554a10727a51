// Figures that speak: the text alternative generated from a figure's data, its data tables, series
// told apart by more than colour, and an image grid laid out again for a phone's width.
import { describe, expect, it } from "vitest";
import { barChart, contourPlot, histogram, linePlot, scatter2d } from "../../src/plot/charts.js";
import { describeFigure, figureLabel, formatNumber } from "../../src/plot/describe.js";
import { distinguishSeries } from "../../src/plot/distinguish.js";
import { imageGrid, reflowImageGrid } from "../../src/plot/imageGrid.js";
import { figureTables, figureTextHtml, MAX_ROWS } from "../../src/plot/table.js";
import { Tensor } from "../../src/tensor.js";

describe("describeFigure", () => {
  it("says the kind, title, axes with their ranges and each series' key values", () => {
    const fig = linePlot([{ y: [2.3, 0.9, 0.4], name: "train" }, { y: [2.4, 1.2, 1.1], name: "test" }], { title: "loss", xLabel: "epoch", yLabel: "loss", logY: true });
    expect(describeFigure(fig)).toBe('A line chart titled "loss". x axis "epoch" from 0 to 2; y axis "loss", log scale, from 0.4 to 2.4. ' +
      "train: 3 points, from 2.3 at x = 0 to 0.4 at x = 2; lowest 0.4 at x = 2, highest 2.3 at x = 0. " +
      "test: 3 points, from 2.4 at x = 0 to 1.1 at x = 2; lowest 1.1 at x = 2, highest 2.4 at x = 0.");
    expect(figureLabel(fig)).toBe("Figure: loss");
  });

  it("describes scatter plots, bars, histograms, contour maps and image grids from their data", () => {
    expect(describeFigure(scatter2d([[0, 1], [2, 3], [4, -1]], [0, 1, 1]))).toBe(
      "A scatter plot. x axis from 0 to 4; y axis from -1 to 3. class 0: 1 point, x from 0 to 0, y from 1 to 1. class 1: 2 points, x from 2 to 4, y from -1 to 3.");
    expect(describeFigure(barChart(["LeNet-5", "VGG-16"], [61706, 138357544]))).toBe("A bar chart. y axis from 61700 to 138 million. series 1: LeNet-5 61700, VGG-16 138 million.");
    expect(describeFigure(histogram([1, 2, 2, 5]))).toBe("A histogram. x axis from 1 to 5. series 1: 4 values from 1 to 5, mean 2.5.");
    expect(describeFigure(contourPlot((x, y) => x * x + y * y, { xRange: [-1, 1], yRange: [-2, 2], steps: 5 })))
      .toBe("A contour map. x axis from -1 to 1; y axis from -2 to 2. the mapped values: from 0 to 5.");
    const grid = imageGrid(new Tensor(new Float32Array([0, 1, 1, 0, 0.5, 0.5, 0.5, 0.5]), [2, 2, 2]), { titles: ["7 read as 1", "3 read as 8"] });
    expect(describeFigure(grid)).toBe("A grid of 2 images. Each of 2×2 pixels, values from 0 to 1; titled 7 read as 1, 3 read as 8.");
  });

  it("writes numbers as a sentence reads them", () => {
    expect([0, 0.123456, 97.61, 12345, 1.5e6, 2.5e10, 3.04e-27, -4e-5].map(formatNumber))
      .toEqual(["0", "0.123", "97.6", "12300", "1.5 million", "25 billion", "3.04e-27", "-4e-5"]);
  });
});

describe("figureTables", () => {
  it("puts series that share their x in one table, every k-th point of a long one, first and last kept", () => {
    const y = Array.from({ length: 100 }, (_, i) => i * i);
    const [table, ...rest] = figureTables(linePlot([{ y, name: "a" }, { y: y.map((v) => -v), name: "b" }], { xLabel: "step", yLabel: "loss" }));
    expect(rest).toEqual([]);
    expect(table!.caption).toBe(`loss by step (${MAX_ROWS} of 100 points, evenly spaced)`);
    expect(table!.columns).toEqual(["step", "a", "b"]);
    expect(table!.rows).toHaveLength(MAX_ROWS);
    expect([table!.rows[0], table!.rows[1], table!.rows.at(-1)]).toEqual([["0", "0", "0"], ["4", "16", "-16"], ["99", "9800", "-9800"]]);
  });

  it("gives bars by category, a histogram by bin and images by their values, as HTML with headers", () => {
    expect(figureTables(barChart(["a", "b"], [{ name: "p", values: [1, 2] }, { name: "q", values: [3, 4] }]))).toEqual([
      { caption: "Values by category", columns: ["category", "p", "q"], rows: [["a", "1", "3"], ["b", "2", "4"]] }]);
    const [bins] = figureTables(histogram([0, 0, 1, 10]));
    expect([bins!.rows[0], bins!.rows.at(-1), bins!.rows.reduce((s, r) => s + Number(r[2]), 0)]).toEqual([["0", "1", "2"], ["9", "10", "1"], 4]); // 0, 0 | 1 | … | 10
    const grid = imageGrid(new Tensor(new Float32Array([0, 1, 1, 0, 0.5, 0.5, 0.5, 0.5]), [2, 2, 2]), { titles: ["7 read as 1", "3"] });
    expect(figureTables(grid)).toEqual([{ caption: "Each image's values", columns: ["image", "lowest", "highest", "mean"],
      rows: [["7 read as 1", "0", "1", "0.5"], ["3", "0.5", "0.5", "0.5"]] }]);
    const html = figureTextHtml(barChart(["a<b"], [1]), "d1");
    expect(html).toContain('<p id="d1">A bar chart.');
    expect(html).toContain('<thead><tr><th scope="col">category</th><th scope="col">series 1</th></tr></thead><tbody><tr><th scope="row">a&lt;b</th><td>1</td></tr></tbody>');
  });
});

describe("series told apart by more than colour", () => {
  it("gives each of several lines a dash and each set of markers a shape, keeping ones the figure chose", () => {
    const fig = distinguishSeries({ data: [
      { type: "scatter", mode: "lines+markers", x: [0], y: [0] },
      { type: "scatter", mode: "lines", x: [0], y: [0], line: { dash: "dot", color: "red" } },
      { type: "scatter", mode: "markers", x: [0], y: [0] },
    ], layout: {} });
    expect(fig.data.map((t) => [t.line, t.marker])).toEqual([
      [{ dash: "solid" }, { symbol: "circle" }], [{ dash: "dot", color: "red" }, undefined], [undefined, { symbol: "square" }]]);
    expect(scatter2d([[0, 0], [1, 1]], [0, 1]).data.map((t) => (t.marker as { symbol: string }).symbol)).toEqual(["circle", "square"]);
    expect(linePlot([1, 2]).data[0]!.line).toBeUndefined(); // one line needs no dash
  });
});

describe("reflowImageGrid", () => {
  const images = new Tensor(new Float32Array(16 * 4), [16, 2, 2]);
  const fig = imageGrid(images, { cols: 8, cellSize: 90, titles: Array.from({ length: 16 }, (_, i) => `${i} read as ${(i + 1) % 10}`) });

  it("lays 16 titled images out in as many columns as keep 64 px each on a 370 px screen", () => {
    const narrow = reflowImageGrid(fig, 370)!;
    const starts = new Set(Array.from({ length: 16 }, (_, k) => (narrow.layout[`xaxis${k === 0 ? "" : k + 1}`] as { domain: number[] }).domain[0]));
    expect(starts.size).toBe(5); // (370 − 20) / 64
    const notes = narrow.layout.annotations as { x: number; y: number }[];
    expect(notes[5]!.x).toBeCloseTo(notes[0]!.x); // image 5 starts the second row, under image 0
    expect(notes[5]!.y).toBeLessThan(notes[0]!.y);
    expect(narrow.layout.height).toBe(Math.round(4 * (350 / 5 + 18) + 20));
    expect(reflowImageGrid(fig, 1280)).toBeUndefined();
    expect(reflowImageGrid(linePlot([1, 2]), 300)).toBeUndefined();
  });
});
