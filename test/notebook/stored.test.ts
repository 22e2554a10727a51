// The notebooks as stored in the repository are what readers see on GitHub, in JupyterLab without
// the plotly extension, in VS Code and in nbconvert's HTML: every figure and drawing must carry a
// static image there, and the files must stay light (no inlined plotly.js).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PLOTLY_MIME } from "../../src/plot/bundle.js";
import { isPlotlyLoader } from "../../src/notebook/images.js";
import { joinSource, parseNotebook, validateNotebook, type Output } from "../../src/notebook/nbformat.js";

const dir = join(import.meta.dirname, "..", "..", "notebooks");
const notebooks = readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort();
/** A notebook's file may be larger only when its images need it; none does today. */
const MAX_BYTES = 1_000_000;

/** Width and height of a base64 PNG, or undefined if it is not one. */
function pngSize(b64: string): [number, number] | undefined {
  const bytes = Buffer.from(b64.replace(/\s/g, ""), "base64");
  if (bytes.subarray(0, 8).toString("hex") !== "89504e470d0a1a0a") return undefined;
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

function displays(name: string): { cell: number; data: Record<string, unknown> }[] {
  const nb = parseNotebook(readFileSync(join(dir, name), "utf8"), name);
  return nb.cells.flatMap((c, i) =>
    c.cell_type === "code"
      ? c.outputs.filter((o): o is Extract<Output, { data: unknown }> => "data" in o).map((o) => ({ cell: i + 1, data: o.data }))
      : []);
}

describe.each(notebooks)("stored notebook %s", (name) => {
  it(`is valid nbformat 4.5 and at most ${MAX_BYTES / 1e6} MB`, () => {
    expect(validateNotebook(parseNotebook(readFileSync(join(dir, name), "utf8")))).toEqual([]);
    expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(MAX_BYTES);
  });

  it("gives every plotly figure a PNG and no script, and carries no plotly.js", () => {
    const figures = displays(name).filter((d) => PLOTLY_MIME in d.data);
    const problems = figures.flatMap(({ cell, data }) => {
      const size = typeof data["image/png"] === "string" ? pngSize(data["image/png"]) : undefined;
      const layout = (data[PLOTLY_MIME] as { layout: { width?: number; height?: number } }).layout;
      return [
        ...(size ? [] : [`cell ${cell}: figure without image/png`]),
        ...(size && (size[0] !== (layout.width ?? 700) || size[1] !== (layout.height ?? 420)) ? [`cell ${cell}: PNG ${size.join("×")} is not the figure's size`] : []),
        ...("text/html" in data ? [`cell ${cell}: figure still carries text/html`] : []),
      ];
    });
    expect(problems).toEqual([]);
    const nb = parseNotebook(readFileSync(join(dir, name), "utf8"));
    expect(nb.cells.flatMap((c) => (c.cell_type === "code" ? c.outputs.filter(isPlotlyLoader) : []))).toEqual([]);
  });

  it("gives every SVG drawing a PNG, also as the <img> of its text/html (which nbconvert and GitHub keep)", () => {
    const drawings = displays(name).filter((d) => "image/svg+xml" in d.data);
    const problems = drawings.flatMap(({ cell, data }) => {
      const png = typeof data["image/png"] === "string" ? data["image/png"] : "";
      const html = joinSource(data["text/html"] as string | string[] | undefined);
      return [
        ...(pngSize(png) ? [] : [`cell ${cell}: drawing without image/png`]),
        ...(html.startsWith(`<img src="data:image/png;base64,${png}"`) ? [] : [`cell ${cell}: text/html is not an <img> of the PNG`]),
      ];
    });
    expect(problems).toEqual([]);
  });
});

it("the drawings are there: notebook 5 shows its computational graph twice", () => {
  expect(displays(notebooks.find((n) => n.startsWith("05"))!).filter((d) => "image/svg+xml" in d.data)).toHaveLength(2);
});
