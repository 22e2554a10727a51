import { describe, expect, it } from "vitest";
import { tensor } from "../../src/tensor.js";
import {
  barChart, contourPlot, DIVERGING, figureBundle, figureHtml, histogram, imageGrid, linePlot, liveDisplay, PLOTLY_MIME,
  plotlyLoaderHtml, scatter2d, scriptSafeJson, show, showMarkdown, svgBundle,
} from "../../src/plot/index.js";

describe("figure bundle", () => {
  it("carries plotly JSON as an object, HTML drawing it, and a text line", () => {
    const fig = linePlot([3, 2, 1], { title: "loss" });
    const b = figureBundle(fig);
    expect(Object.keys(b).sort()).toEqual([PLOTLY_MIME, "text/html", "text/plain"].sort());
    expect(b[PLOTLY_MIME]).toBe(fig);
    expect(JSON.parse(JSON.stringify(b[PLOTLY_MIME]))).toEqual({
      data: [{ type: "scatter", mode: "lines", x: [0, 1, 2], y: [3, 2, 1] }],
      layout: {
        title: { text: "loss", x: 0, xref: "paper", xanchor: "left", y: 1, yref: "paper", yanchor: "bottom", pad: { b: 10 } },
        margin: { l: 60, r: 20, t: 64, b: 50 },
      },
    });
    expect(b["text/html"]).toContain("window.Plotly.newPlot(el, fig.data, fig.layout");
    expect(b["text/html"]).not.toMatch(/https?:\/\//);
    expect(b["text/plain"]).toBe('A line chart titled "loss". x axis from 0 to 2; y axis from 1 to 3. series 1: 3 points, from 3 at x = 0 to 1 at x = 2; lowest 1 at x = 2, highest 3 at x = 0.');
    // the hover toolbar has download, zoom, pan and reset, and nothing that uploads the figure; the title sits below it, above the plot area
    expect(b["text/html"]).toContain('"showSendToCloud":false,"showEditInChartStudio":false,"modeBarButtons":[["toImage","zoom2d","pan2d","resetScale2d"]]');
    expect(b["text/html"]).not.toContain("sendChartToCloud");
  });

  it("shows a drawing as SVG, as an <img> of the same SVG (which nbconvert keeps) and as text", () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';
    const b = svgBundle(svg, 'graph of "L"');
    expect(b["image/svg+xml"]).toBe(svg);
    const src = /^<img src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="graph of &quot;L&quot;">$/.exec(b["text/html"]);
    expect(Buffer.from(src![1]!, "base64").toString("utf8")).toBe(svg);
    expect(b["text/plain"]).toBe('graph of "L"');
  });

  it("keeps </script> in figure data from closing the script element", () => {
    const html = figureHtml(linePlot({ y: [1], name: "</script><b>" }), "p1");
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(JSON.parse(scriptSafeJson({ s: "</script>\u2028" }))).toEqual({ s: "</script>\u2028" });
  });

  it("inlines plotly.js once, guarded, with no network address to load from", () => {
    const loader = plotlyLoaderHtml();
    expect(loader.startsWith('<script type="text/javascript">if (!window.Plotly)')).toBe(true);
    expect(loader).toContain("window.Plotly = Plotly");
    expect(loader.length).toBeGreaterThan(1_000_000);
    expect(loader.match(/<\/script/gi)).toHaveLength(1);
  });

  it("outside a kernel, show and liveDisplay print the text form", () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => lines.push(s);
    try {
      show(histogram([1, 2, 2, 3], { title: "h" }));
      showMarkdown("**99%** after one epoch");
      liveDisplay("epoch 1", { minIntervalMs: 0 }).update("epoch 2");
      const held = liveDisplay("a", { minIntervalMs: 60_000 });
      held.update("b");
      held.update("c");
      lines.push("--");
      held.flush();
      held.flush();
    } finally {
      console.log = log;
    }
    // a throttled display keeps only the newest held-back update and sends it on flush, once
    expect(lines).toEqual(['A histogram titled "h". x axis from 1 to 3. series 1: 4 values from 1 to 3, mean 2.', "**99%** after one epoch", "epoch 1", "epoch 2", "a", "--", "c"]);
  });
});

describe("figure builders", () => {
  it("linePlot takes typed arrays and several named series", () => {
    const fig = linePlot([{ y: new Float32Array([0.5, 0.25]), name: "train" }, { x: [10, 20], y: [1, 2], name: "val", dash: "dash" }], { logY: true });
    expect(fig.data).toEqual([
      { type: "scatter", mode: "lines", x: [0, 1], y: [0.5, 0.25], name: "train", line: { dash: "solid" } }, // each line its own dash
      { type: "scatter", mode: "lines", x: [10, 20], y: [1, 2], name: "val", line: { dash: "dash" } },
    ]);
    expect(fig.layout.yaxis).toEqual({ type: "log", exponentformat: "power" });
    expect(linePlot([1, 2], { logX: true, xLabel: "n" }).layout.xaxis).toEqual({ title: { text: "n" }, type: "log", exponentformat: "power", dtick: 1 });
    expect(() => linePlot({ x: [1, 2, 3], y: [1] })).toThrow("linePlot: series 0 has 3 x values but 1 y values");
  });

  it("scatter2d makes one coloured trace per class", () => {
    const fig = scatter2d(tensor([[0, 0], [1, 1], [2, 0]]), [1, 0, 1], { classNames: ["no", "yes"] });
    expect(fig.data.map((t) => [t.name, t.x, t.y, (t.marker as { color: string }).color])).toEqual([
      ["no", [1], [1], "#1f77b4"],
      ["yes", [0, 2], [0, 0], "#ff7f0e"],
    ]);
    expect(() => scatter2d(tensor([[1, 2, 3]]))).toThrow("scatter2d: points must have shape [N,2], got [1,3]");
  });

  it("contourPlot samples f on the grid, rows along y", () => {
    const fig = contourPlot((x, y) => x + 10 * y, { xRange: [0, 1], yRange: [0, 2], steps: 3, overlay: [{ type: "scatter", x: [0], y: [0] }] });
    const c = fig.data[0]!;
    expect(c.x).toEqual([0, 0.5, 1]);
    expect(c.y).toEqual([0, 1, 2]);
    expect(c.z).toEqual([[0, 0.5, 1], [10, 10.5, 11], [20, 20.5, 21]]);
    expect(fig.data[1]!.type).toBe("scatter");
  });

  it("imageGrid lays N images [N,H,W] out as heatmaps on their own axes, top row first", () => {
    const imgs = tensor([[[0, 1], [2, 3]], [[4, 5], [6, 7]], [[8, 9], [10, 11]]]);
    const fig = imageGrid(imgs, { cols: 2, titles: ["a", "b", "c"] });
    expect(fig.data.map((t) => [t.xaxis, t.yaxis, t.z])).toEqual([
      ["x", "y", [[0, 1], [2, 3]]],
      ["x2", "y2", [[4, 5], [6, 7]]],
      ["x3", "y3", [[8, 9], [10, 11]]],
    ]);
    expect(fig.data.every((t) => t.zmin === 0 && t.zmax === 11)).toBe(true);
    expect((fig.layout.yaxis as { autorange: string }).autorange).toBe("reversed");
    expect((fig.layout.xaxis3 as { domain: number[] }).domain).toEqual([0.01, 0.49]); // row 2, column 1
    expect((fig.layout.annotations as { text: string }[]).map((a) => a.text)).toEqual(["a", "b", "c"]);
    const sym = imageGrid(tensor([[[-1, 3]]]), { symmetric: true });
    expect([sym.data[0]!.zmin, sym.data[0]!.zmax]).toEqual([-3, 3]);
    expect(sym.data[0]!.colorscale).toBe(DIVERGING); // white at 0, blue below, red above
    expect(DIVERGING.find(([at]) => at === 0.5)![1]).toBe("#f7f7f7");
    const own = imageGrid(tensor([[[-1, 3]], [[5, -2]]]), { symmetric: true, sharedScale: false });
    expect(own.data.map((t) => [t.zmin, t.zmid])).toEqual([[undefined, 0], [undefined, 0]]);
    expect(() => imageGrid(tensor([[[[1]]], [[[1]]]]).reshape([1, 2, 1, 1]))).toThrow(/imageGrid: images must have shape/);
    expect(() => imageGrid(imgs, { titles: ["a"] })).toThrow("imageGrid: 3 images but 1 titles");
  });

  it("barChart groups named series over labels", () => {
    const fig = barChart(["AlexNet", "VGG-16"], [{ name: "params", values: [61_100_840, 138_357_544] }], { logY: true });
    expect(fig.data).toEqual([{ type: "bar", x: ["AlexNet", "VGG-16"], y: [61_100_840, 138_357_544], name: "params" }]);
    expect(fig.layout.barmode).toBe("group");
    expect(() => barChart(["a"], [1, 2])).toThrow("barChart: 1 labels but 2 values");
  });
});
