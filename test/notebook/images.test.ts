import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { figureBundle, plotlyLoaderHtml, PLOTLY_MIME, svgBundle } from "../../src/plot/bundle.js";
import { linePlot } from "../../src/plot/charts.js";
import type { Figure } from "../../src/plot/figure.js";
import { findBrowser } from "../../src/notebook/chromium.js";
import { openFigureRenderer, storeForReaders, type FigureRenderer } from "../../src/notebook/images.js";
import { storeBundle, type CodeCell, type Notebook, type Output } from "../../src/notebook/nbformat.js";

const display = (data: Record<string, unknown>): Output => ({ output_type: "display_data", data: storeBundle(data), metadata: {} });
const notebook = (...outputs: Output[][]): Notebook => ({
  nbformat: 4, nbformat_minor: 5, metadata: {},
  cells: outputs.map((o, i): CodeCell => ({ cell_type: "code", id: `c${i}`, source: "", metadata: {}, execution_count: i + 1, outputs: o })),
});
const outputsOf = (nb: Notebook) => nb.cells.map((c) => (c as CodeCell).outputs.map((o) => ("data" in o ? Object.keys(o.data).sort() : o.output_type)));

/** A renderer that answers with the figure's title (or the SVG's length) as its "PNG", and fails on figures titled "bad". */
const fake: FigureRenderer = {
  async png(fig) {
    if (fig.layout.title?.text === "bad") throw new Error("cannot draw\nsecond line");
    return `png:${fig.layout.title?.text}`;
  },
  async svgPng(svg) {
    return `png:${svg.length}`;
  },
  async close() {},
};

describe("storeForReaders", () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"></svg>';
  const stdout: Output = { output_type: "stream", name: "stdout", text: "x\n" };
  const fresh = () => notebook(
    [stdout, display({ "text/html": plotlyLoaderHtml(), "text/plain": "" }), display({ ...figureBundle(linePlot([1, 2], { title: "a" })) })],
    [display({ ...svgBundle(svg, "graph") })],
    [display({ ...figureBundle(linePlot([3], { title: "b" })) })],
  );

  it("gives figures image/png instead of text/html, with the figure's description as the PNG's alt text, drawings a PNG beside the SVG, and drops the plotly.js loader", async () => {
    const nb = fresh();
    const stats = await storeForReaders(nb, fake);
    expect(stats).toEqual({ figures: 2, rendered: 2, drawings: 1, drawingsRendered: 1, loadersRemoved: 1, errors: [] });
    expect(outputsOf(nb)).toEqual([
      ["stream", [PLOTLY_MIME, "image/png", "text/plain"]],
      [["image/png", "image/svg+xml", "text/html", "text/plain"]],
      [[PLOTLY_MIME, "image/png", "text/plain"]],
    ]);
    const [, figure] = (nb.cells[0] as CodeCell).outputs as { data: Record<string, unknown>; metadata: Record<string, unknown> }[];
    expect(figure!.data["image/png"]).toBe("png:a");
    const alt = 'A line chart titled "a". x axis from 0 to 1; y axis from 1 to 2. series 1: 2 points, from 1 at x = 0 to 2 at x = 1; lowest 1 at x = 0, highest 2 at x = 1.';
    expect([figure!.data["text/plain"], figure!.metadata]).toEqual([alt, { "image/png": { alt } }]); // nbconvert's templates read metadata["image/png"].alt
    expect((figure!.data[PLOTLY_MIME] as Figure).data[0]!.y).toEqual([1, 2]);
    const drawing = ((nb.cells[1] as CodeCell).outputs[0] as { data: Record<string, unknown> }).data;
    expect(drawing["image/png"]).toBe(`png:${svg.length}`);
    expect(drawing["text/html"]).toBe(`<img src="data:image/png;base64,png:${svg.length}" alt="graph">`);
    expect(drawing["image/svg+xml"]).toEqual([svg]);
  });

  it("without a renderer leaves every output as the kernel sent it", async () => {
    const nb = fresh();
    const before = JSON.stringify(nb);
    expect(await storeForReaders(nb, undefined)).toEqual({ figures: 2, rendered: 0, drawings: 1, drawingsRendered: 0, loadersRemoved: 0, errors: [] });
    expect(JSON.stringify(nb)).toBe(before);
  });

  it("keeps a figure it cannot draw as it was, and then keeps the loader that figure needs", async () => {
    const nb = fresh();
    (nb.cells[2] as CodeCell).outputs = [display({ ...figureBundle(linePlot([3], { title: "bad" })) })];
    const stats = await storeForReaders(nb, fake);
    expect(stats.errors).toEqual(["Figure: bad: cannot draw"]);
    expect([stats.rendered, stats.loadersRemoved]).toEqual([1, 0]);
    expect(outputsOf(nb)[0]).toEqual(["stream", ["text/html", "text/plain"], [PLOTLY_MIME, "image/png", "text/plain"]]);
    expect(outputsOf(nb)[2]).toEqual([[PLOTLY_MIME, "text/html", "text/plain"]]);
  });
});

describe("findBrowser", () => {
  it("takes an explicit path, then NNKIT_CHROMIUM, then a browser on PATH; none in an empty PATH", () => {
    expect(findBrowser("/opt/x/chrome", { NNKIT_CHROMIUM: "/other" })).toBe("/opt/x/chrome");
    expect(findBrowser(undefined, { NNKIT_CHROMIUM: "/other", PATH: "/usr/bin" })).toBe("/other");
    expect(findBrowser(undefined, { PATH: "/nonexistent-folder" })).toBe(
      ["/Applications/Chromium.app/Contents/MacOS/Chromium", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"].find(existsSync),
    );
  });

  it("reports a browser that does not start, in one line", async () => {
    const r = await openFigureRenderer({ executablePath: "/nonexistent/chromium" });
    expect("reason" in r && r.reason).toMatch(/^(\/nonexistent\/chromium did not start: .+|the browser driver playwright-core is not installed .+)$/);
  });
});

const driverInstalled = (() => {
  try {
    createRequire(import.meta.url).resolve("playwright-core");
    return true;
  } catch {
    return false;
  }
})();
const browser = findBrowser();

/** Width and height from a PNG's IHDR chunk. */
function pngSize(b64: string): [number, number] {
  const bytes = Buffer.from(b64, "base64");
  expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe.skipIf(!driverInstalled || !browser)(`the figure renderer in headless ${browser ?? "Chromium (none found)"}`, () => {
  it("draws a figure with plotly.js's toImage at the figure's size, and an SVG at the drawing's size", async () => {
    const r = await openFigureRenderer();
    if ("reason" in r) throw new Error(r.reason);
    try {
      const png = await r.png(linePlot([3, 1, 2], { title: "loss", width: 480, height: 300 }));
      expect(pngSize(png)).toEqual([480, 300]);
      expect(Buffer.from(png, "base64").length).toBeGreaterThan(5_000); // axes, ticks, title and a line, not a blank image
      expect(pngSize(await r.png(linePlot([1, 2])))).toEqual([700, 420]);
      const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect x="10" y="10" width="50" height="20" fill="#c00"/></svg>';
      expect(pngSize(await r.svgPng(svg))).toEqual([120, 40]);
    } finally {
      await r.close();
    }
  }, 60_000);
});
