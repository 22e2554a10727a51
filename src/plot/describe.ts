// A figure in words, generated from its data (WCAG 1.1.1): what kind of chart it is, its title, its
// axes with their ranges and its series with their key values. This text is a figure's text/plain
// form in a notebook, the alt text of its stored PNG and the description of the figure on the
// course site, where the data table beside it (./table.ts) carries the numbers themselves.
import type { Figure, Layout, Trace } from "./figure.js";

/** A number as a sentence reads it: 3 significant digits; 1.26 million, 15.5 billion; 1.2e-4 below 10⁻³. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) return String(Number(v.toPrecision(3)));
  if (a >= 1e6 && a < 1e12) return a < 1e9 ? `${Number((v / 1e6).toPrecision(3))} million` : `${Number((v / 1e9).toPrecision(3))} billion`;
  const [m, e] = v.toExponential(2).split("e");
  return `${Number(m)}e${Number(e)}`;
}

/** The numbers of a trace's key (x, y, z), flattened, finite ones only. */
export function numbers(t: Trace, key: "x" | "y" | "z"): number[] {
  const v = t[key];
  if (!Array.isArray(v)) return [];
  return (v.flat(2) as unknown[]).filter((n): n is number => typeof n === "number" && Number.isFinite(n));
}

/** An axis's title text from a layout ("xaxis", "yaxis2", …), or "". */
export function axisTitle(layout: Layout, axis: string): string {
  const a = layout[axis] as { title?: { text?: unknown } | string } | undefined;
  const t = typeof a?.title === "string" ? a.title : a?.title?.text;
  return typeof t === "string" ? t.replace(/<[^>]*>/g, " ").trim() : "";
}

/** The name a trace is known by: its legend name, or "series k" (1-based). */
export function traceName(t: Trace, k: number): string {
  return typeof t.name === "string" && t.name !== "" ? t.name : `series ${k + 1}`;
}

const range = (vs: number[]) => vs.reduce((r, v) => [Math.min(r[0]!, v), Math.max(r[1]!, v)], [Infinity, -Infinity]);

function axisSentence(layout: Layout, axis: "xaxis" | "yaxis", values: number[]): string {
  const title = axisTitle(layout, axis);
  const log = (layout[axis] as { type?: unknown } | undefined)?.type === "log" ? ", log scale" : "";
  const [lo, hi] = range(values);
  const span = values.length > 0 ? `${log ? "," : ""} from ${formatNumber(lo!)} to ${formatNumber(hi!)}` : "";
  return title || span ? `${axis[0]} axis${title ? ` "${title}"` : ""}${log}${span}` : "";
}

/** One sentence of key values per trace. */
function traceSentence(t: Trace, k: number): string {
  const name = traceName(t, k);
  const x = numbers(t, "x"), y = numbers(t, "y");
  switch (t.type) {
    case "scatter": {
      if (!String(t.mode ?? "lines").includes("lines") || y.length < 2) {
        const [xl, xh] = range(x), [yl, yh] = range(y);
        return `${name}: ${y.length} point${y.length === 1 ? "" : "s"}${y.length ? `, x from ${formatNumber(xl!)} to ${formatNumber(xh!)}, y from ${formatNumber(yl!)} to ${formatNumber(yh!)}` : ""}`;
      }
      const lo = y.indexOf(Math.min(...y)), hi = y.indexOf(Math.max(...y));
      const at = (i: number) => `${formatNumber(y[i]!)} at x = ${formatNumber(x[i] ?? i)}`;
      return `${name}: ${y.length} points, from ${at(0)} to ${at(y.length - 1)}; lowest ${at(lo)}, highest ${at(hi)}`;
    }
    case "bar": {
      const labels = Array.isArray(t.x) ? (t.x as unknown[]).map(String) : [];
      const pairs = y.slice(0, 12).map((v, i) => `${labels[i] ?? i} ${formatNumber(v)}`);
      return `${name}: ${pairs.join(", ")}${y.length > 12 ? `, and ${y.length - 12} more` : ""}`;
    }
    case "histogram": {
      const [lo, hi] = range(x);
      const mean = x.reduce((s, v) => s + v, 0) / Math.max(1, x.length);
      return `${name}: ${x.length} values from ${formatNumber(lo!)} to ${formatNumber(hi!)}, mean ${formatNumber(mean)}`;
    }
    case "contour": {
      const z = numbers(t, "z");
      const [lo, hi] = range(z);
      return `${name === `series ${k + 1}` ? "the mapped values" : name}: from ${formatNumber(lo!)} to ${formatNumber(hi!)}`;
    }
    default:
      return `${name}: a ${t.type} trace`;
  }
}

/** What kind of chart the figure is, from its traces. */
function kind(fig: Figure): string {
  const types = new Set(fig.data.map((t) => t.type));
  const heatmaps = fig.data.filter((t) => t.type === "heatmap");
  if (heatmaps.length > 1) return `A grid of ${heatmaps.length} images`;
  if (heatmaps.length === 1) return "An image (heatmap)";
  if (types.has("contour")) return "A contour map";
  if (types.has("bar")) return "A bar chart";
  if (types.has("histogram")) return "A histogram";
  const lines = fig.data.some((t) => t.type === "scatter" && String(t.mode ?? "lines").includes("lines"));
  return lines ? "A line chart" : fig.data.length > 0 ? "A scatter plot" : "An empty figure";
}

/** The images of an image grid (heatmaps): their count, size, titles and value range. */
function imagesSentence(fig: Figure): string {
  const maps = fig.data.filter((t) => t.type === "heatmap");
  const z0 = maps[0]?.z;
  const size = Array.isArray(z0) && Array.isArray(z0[0]) ? ` of ${z0.length}×${(z0[0] as unknown[]).length} pixels` : "";
  const [lo, hi] = range(maps.flatMap((t) => numbers(t, "z")));
  const titles = ((fig.layout.annotations ?? []) as { text?: unknown }[]).map((a) => a.text).filter((s): s is string => typeof s === "string");
  const shown = titles.length > 0 ? `; titled ${titles.slice(0, 20).join(", ")}${titles.length > 20 ? ", …" : ""}` : "";
  return `Each${size}, values from ${formatNumber(lo!)} to ${formatNumber(hi!)}${shown}`;
}

/**
 * The figure's text alternative, from its data: e.g. 'A line chart titled "loss". x axis "epoch"
 * from 0 to 9; y axis "loss", log scale, from 0.05 to 2.3. train: 10 points, from 2.3 at x = 0 to …'.
 */
export function describeFigure(fig: Figure): string {
  const title = fig.layout.title?.text ? ` titled "${fig.layout.title.text.replace(/<br>/g, " ")}"` : "";
  const head = `${kind(fig)}${title}.`;
  if (fig.data.some((t) => t.type === "heatmap")) return `${head} ${imagesSentence(fig)}.`;
  const axes = [axisSentence(fig.layout, "xaxis", fig.data.flatMap((t) => (t.type === "bar" ? [] : numbers(t, "x")))),
    axisSentence(fig.layout, "yaxis", fig.data.flatMap((t) => (t.type === "histogram" ? [] : numbers(t, "y"))))];
  const series = fig.data.map((t, k) => traceSentence(t, k));
  const axesText = axes.filter((a) => a !== "").join("; ");
  return `${head} ${axesText ? `${axesText}. ` : ""}${series.join(". ")}.`;
}

/** The figure's accessible name: "Figure: " and its title (or "untitled"). */
export function figureLabel(fig: Figure): string {
  return `Figure: ${fig.layout.title?.text?.replace(/<br>/g, " ") ?? "untitled"}`;
}
