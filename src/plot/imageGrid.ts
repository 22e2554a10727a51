// Small images side by side — MNIST digits, conv filters, activation maps, class templates —
// as heatmap subplots on one figure, row 0 at the top as in the images themselves.
import { Tensor } from "../tensor.js";
import { baseLayout, TITLE_MARGIN, type Figure, type FigureOptions, type Layout, type Trace } from "./figure.js";

/** Blue for negative, white for 0, red for positive values (ColorBrewer's RdBu, red high). */
export const DIVERGING: [number, string][] = [
  [0, "#2166ac"], [0.25, "#67a9cf"], [0.45, "#d1e5f0"], [0.5, "#f7f7f7"], [0.55, "#fddbc7"], [0.75, "#ef8a62"], [1, "#b2182b"],
];

export interface ImageGridOptions extends FigureOptions {
  /** Images per row (default min(N, 8)). */
  cols?: number;
  /** One title per image (e.g. the label or prediction). */
  titles?: string[];
  /** Plotly colorscale: a name or [fraction, colour] stops (default: DIVERGING when symmetric, else "Greys" reversed: 0 black, 1 white, for digits). */
  colorscale?: string | [number, string][];
  /** Same colour range for every image (default true: filters are comparable); false scales each alone. */
  sharedScale?: boolean;
  /** Colour range symmetric around 0, white at 0 (weights and gradients); with sharedScale false, each image symmetric on its own. */
  symmetric?: boolean;
  /** Pixels per image cell in the figure (default 80). */
  cellSize?: number;
}

/** Images [N,H,W] (or [N,1,H,W], or one [H,W]) → a figure of N heatmaps in a grid of `cols` columns. */
export function imageGrid(images: Tensor, options: ImageGridOptions = {}): Figure {
  const shape = images.shape;
  let n: number, h: number, w: number;
  if (shape.length === 2) [n, h, w] = [1, shape[0]!, shape[1]!];
  else if (shape.length === 3) [n, h, w] = [shape[0]!, shape[1]!, shape[2]!];
  else if (shape.length === 4 && shape[1] === 1) [n, h, w] = [shape[0]!, shape[2]!, shape[3]!];
  else {
    throw new Error(`imageGrid: images must have shape [N,H,W], [N,1,H,W] or [H,W], got [${shape.join(",")}]; pick one channel first`);
  }
  if (options.titles && options.titles.length !== n) {
    throw new Error(`imageGrid: ${n} images but ${options.titles.length} titles`);
  }
  const cols = Math.max(1, Math.min(options.cols ?? Math.min(n, 8), n));
  const rows = Math.ceil(n / cols);
  const d = images.data;
  let lo = Infinity, hi = -Infinity;
  for (const v of d) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (options.symmetric) { hi = Math.max(Math.abs(lo), Math.abs(hi)); lo = -hi; }
  const layout = baseLayout(options);
  const cell = options.cellSize ?? 80;
  layout.width = options.width ?? Math.max(200, cols * cell + 40);
  layout.height = options.height ?? rows * (cell + (options.titles ? 18 : 0)) + (options.title ? TITLE_MARGIN + 10 : 20);
  layout.margin = { l: 10, r: 10, t: options.title ? TITLE_MARGIN : 10, b: 10 };
  const annotations: unknown[] = [];
  const data: Trace[] = [];
  for (let k = 0; k < n; k++) {
    const z: number[][] = [];
    for (let i = 0; i < h; i++) z.push(Array.from(d.subarray(k * h * w + i * w, k * h * w + (i + 1) * w)));
    const ax = k === 0 ? "" : String(k + 1);
    const trace: Trace = {
      type: "heatmap", z, xaxis: `x${ax}`, yaxis: `y${ax}`, showscale: false,
      colorscale: options.colorscale ?? (options.symmetric ? DIVERGING : "Greys"),
      reversescale: options.colorscale === undefined && !options.symmetric,
      hovertemplate: `${options.titles?.[k] ?? `image ${k}`}<br>row %{y}, col %{x}: %{z:.3g}<extra></extra>`,
    };
    if (options.sharedScale !== false && hi > lo) Object.assign(trace, { zmin: lo, zmax: hi });
    else if (options.symmetric) trace.zmid = 0;
    data.push(trace);
    const { x0, x1, y0, y1 } = cellDomain(k, cols, rows, options.titles !== undefined);
    const hidden = { showticklabels: false, showgrid: false, zeroline: false, ticks: "" };
    layout[`xaxis${ax}`] = { ...hidden, domain: [x0, x1], anchor: `y${ax}`, constrain: "domain" };
    layout[`yaxis${ax}`] = { ...hidden, domain: [y0, y1], anchor: `x${ax}`, autorange: "reversed", scaleanchor: `x${ax}`, constrain: "domain" };
    if (options.titles) {
      annotations.push({
        text: options.titles[k], showarrow: false, xref: "paper", yref: "paper",
        x: (x0 + x1) / 2, y: y1, xanchor: "center", yanchor: "bottom", font: { size: 11 },
      });
    }
  }
  if (annotations.length > 0) layout.annotations = annotations;
  return { data, layout };
}

/** Where image k of a grid of `cols` × `rows` sits, as fractions of the figure (x0…x1, y0…y1; room above it for a title). */
function cellDomain(k: number, cols: number, rows: number, titled: boolean): { x0: number; x1: number; y0: number; y1: number } {
  const gap = 0.02;
  const r = Math.floor(k / cols), c = k % cols;
  const titleSpace = titled ? 0.15 / rows : 0;
  return { x0: c / cols + gap / 2, x1: (c + 1) / cols - gap / 2, y0: 1 - (r + 1) / rows + gap / 2, y1: 1 - r / rows - gap / 2 - titleSpace };
}

/**
 * An imageGrid figure laid out again for `width` px (its height for that width) in fewer columns, so that each image keeps at
 * least `minCell` px and its title stays clear of its neighbours' (a phone's screen); undefined
 * when the grid fits as it is or the figure is not an image grid.
 */
export function reflowImageGrid(fig: Figure, width: number, minCell = 64): Figure | undefined {
  const n = fig.data.length;
  const domain = (k: number) => (fig.layout[`xaxis${k === 0 ? "" : k + 1}`] as { domain?: number[] } | undefined)?.domain;
  if (n < 2 || !fig.data.every((t, k) => t.type === "heatmap" && domain(k) !== undefined)) return undefined;
  const cols = new Set(fig.data.map((_, k) => domain(k)![0])).size;
  const fit = Math.max(1, Math.floor((width - 20) / minCell));
  if (fit >= cols) return undefined;
  const rows = Math.ceil(n / fit);
  const notes = (fig.layout.annotations ?? []) as Record<string, unknown>[];
  const titled = notes.length === n;
  const layout: Layout = { ...fig.layout }; // its width stays: the page narrows it and wraps its title
  const annotations = notes.map((a) => ({ ...a }));
  for (let k = 0; k < n; k++) {
    const { x0, x1, y0, y1 } = cellDomain(k, fit, rows, titled);
    const ax = k === 0 ? "" : String(k + 1);
    layout[`xaxis${ax}`] = { ...(fig.layout[`xaxis${ax}`] as object), domain: [x0, x1] };
    layout[`yaxis${ax}`] = { ...(fig.layout[`yaxis${ax}`] as object), domain: [y0, y1] };
    if (titled) Object.assign(annotations[k]!, { x: (x0 + x1) / 2, y: y1 });
  }
  if (titled) layout.annotations = annotations;
  const cell = (width - 20) / fit;
  layout.height = Math.round(rows * (cell + (titled ? 18 : 0)) + (fig.layout.title ? TITLE_MARGIN + 10 : 20));
  return { data: fig.data, layout };
}
