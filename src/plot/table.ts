// A figure's data as tables a screen reader can walk (WCAG 1.1.1 and 1.3.1): lines and points as
// rows of x and y (every k-th point of a long series), bars by category, a histogram by bin, a
// contour map on a coarse grid, the images of a grid by their value range. The course site shows
// them under each figure, in a <details> element.
import { escapeHtml } from "../notebook/highlight.js";
import { axisTitle, describeFigure, formatNumber, numbers, traceName } from "./describe.js";
import type { Figure, Trace } from "./figure.js";

/** One table: its caption, column headers and rows of formatted cells. */
export interface DataTable { caption: string; columns: string[]; rows: string[][] }

/** Rows kept of a long series (first and last among them). */
export const MAX_ROWS = 25;

/** Indices 0…n-1, or about MAX_ROWS of them evenly spaced (the first and the last kept). */
function sample(n: number): number[] {
  if (n <= MAX_ROWS) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: MAX_ROWS }, (_, i) => Math.round((i * (n - 1)) / (MAX_ROWS - 1)));
}

const sampled = (n: number) => (n > MAX_ROWS ? ` (${MAX_ROWS} of ${n} points, evenly spaced)` : "");

/** Lines and points: one table with a column per series when they share their x values, else one per series. */
function seriesTables(traces: Trace[], x: string, y: string): DataTable[] {
  const xs = traces.map((t) => (Array.isArray(t.x) ? numbers(t, "x") : numbers(t, "y").map((_, i) => i)));
  const shared = traces.length > 1 && xs.every((v) => v.length === xs[0]!.length && v.every((n, i) => n === xs[0]![i]));
  if (shared) {
    const ys = traces.map((t) => numbers(t, "y"));
    return [{
      caption: `${y || "y"} by ${x || "x"}${sampled(xs[0]!.length)}`,
      columns: [x || "x", ...traces.map((t, k) => traceName(t, k))],
      rows: sample(xs[0]!.length).map((i) => [formatNumber(xs[0]![i]!), ...ys.map((v) => formatNumber(v[i]!))]),
    }];
  }
  return traces.map((t, k) => {
    const ty = numbers(t, "y");
    return {
      caption: `${traceName(t, k)}${sampled(ty.length)}`,
      columns: [x || "x", y || "y"],
      rows: sample(ty.length).map((i) => [formatNumber(xs[k]![i]!), formatNumber(ty[i]!)]),
    };
  });
}

function barTable(traces: Trace[], x: string): DataTable {
  const labels = Array.isArray(traces[0]!.x) ? (traces[0]!.x as unknown[]).map(String) : [];
  const ys = traces.map((t) => numbers(t, "y"));
  return { caption: "Values by category", columns: [x || "category", ...traces.map((t, k) => traceName(t, k))],
    rows: labels.map((l, i) => [l, ...ys.map((v) => formatNumber(v[i]!))]) };
}

function histogramTable(t: Trace, k: number): DataTable {
  const v = numbers(t, "x");
  const lo = Math.min(...v), hi = Math.max(...v), bins = 10, w = (hi - lo) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const x of v) counts[Math.min(bins - 1, Math.floor((x - lo) / w))]!++;
  return { caption: `${traceName(t, k)}: ${v.length} values in ${bins} equal bins`, columns: ["from", "to", "count"],
    rows: counts.map((c, i) => [formatNumber(lo + i * w), formatNumber(lo + (i + 1) * w), String(c)]) };
}

function contourTable(t: Trace, x: string, y: string): DataTable {
  const xs = numbers(t, "x"), ys = numbers(t, "y");
  const z = (Array.isArray(t.z) ? t.z : []) as number[][];
  const pick = (n: number) => Array.from({ length: Math.min(n, 7) }, (_, i) => Math.round((i * (n - 1)) / Math.max(1, Math.min(n, 7) - 1)));
  const ci = pick(xs.length), ri = pick(ys.length);
  return { caption: `The mapped values at ${ri.length} × ${ci.length} grid points (rows: ${y || "y"}, columns: ${x || "x"})`,
    columns: [`${y || "y"} \\ ${x || "x"}`, ...ci.map((i) => formatNumber(xs[i]!))],
    rows: ri.map((r) => [formatNumber(ys[r]!), ...ci.map((c) => formatNumber(z[r]?.[c] ?? Number.NaN))]) };
}

function imagesTable(fig: Figure): DataTable {
  const titles = ((fig.layout.annotations ?? []) as { text?: unknown }[]).map((a) => String(a.text ?? ""));
  const maps = fig.data.filter((t) => t.type === "heatmap");
  return { caption: "Each image's values", columns: ["image", "lowest", "highest", "mean"], rows: maps.map((t, k) => {
    const z = numbers(t, "z");
    return [titles[k] || `image ${k + 1}`, formatNumber(Math.min(...z)), formatNumber(Math.max(...z)), formatNumber(z.reduce((s, v) => s + v, 0) / z.length)];
  }) };
}

/** The figure's data as tables (see the file's comment); empty for an empty figure. */
export function figureTables(fig: Figure): DataTable[] {
  const x = axisTitle(fig.layout, "xaxis"), y = axisTitle(fig.layout, "yaxis");
  if (fig.data.some((t) => t.type === "heatmap")) return [imagesTable(fig)];
  const tables: DataTable[] = [];
  for (const t of fig.data.filter((t) => t.type === "contour")) tables.push(contourTable(t, x, y));
  const bars = fig.data.filter((t) => t.type === "bar");
  if (bars.length > 0) tables.push(barTable(bars, x));
  fig.data.forEach((t, k) => { if (t.type === "histogram") tables.push(histogramTable(t, k)); });
  const lines = fig.data.filter((t) => t.type === "scatter" && numbers(t, "y").length > 0);
  if (lines.length > 0) tables.push(...seriesTables(lines, x, y));
  return tables;
}

/** Tables as HTML (<table> with <caption> and <th scope="col">). */
export function tablesHtml(tables: readonly DataTable[]): string {
  return tables.map((t) => `<table><caption>${escapeHtml(t.caption)}</caption><thead><tr>${t.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join("")}</tr></thead>` +
    `<tbody>${t.rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join("")}</tr>`).join("")}</tbody></table>`).join("\n");
}

/**
 * The accessible part of a figure on a page: a description (id `id`) and the data tables, in a
 * <details> element that the figure's aria-describedby points into.
 */
export function figureTextHtml(fig: Figure, id: string): string {
  return `<details class="nnkit-figure-text"><summary>Figure as text and data</summary><p id="${id}">${escapeHtml(describeFigure(fig))}</p>\n${tablesHtml(figureTables(fig))}</details>`;
}
