// A plotly figure as plain JSON (data traces + layout), and the conversions the builders share.
import { Tensor } from "../tensor.js";

/** Numbers as a builder accepts them: plain array, typed array or a Tensor (flattened row-major). */
export type Numbers = readonly number[] | Float32Array | Float64Array | Int32Array | Uint8Array | Tensor;

/** One plotly trace (scatter, heatmap, contour, bar, histogram, …); keys as in plotly.js. */
export interface Trace {
  type: string;
  [key: string]: unknown;
}

/** Plotly layout; keys as in plotly.js. */
export interface Layout {
  title?: { text: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** A plotly figure: what `application/vnd.plotly.v1+json` carries. */
export interface Figure {
  data: Trace[];
  layout: Layout;
}

/** Common options of the figure builders. */
export interface FigureOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
}

/** Colours for classes 0, 1, 2, … (plotly's default cycle, so legends match other plots). */
export const CLASS_COLORS = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
];

/** Numbers → a plain array (JSON writes typed arrays as objects, which plotly cannot read). */
export function toList(values: Numbers): number[] {
  const data = values instanceof Tensor ? values.data : values;
  return Array.from(data as ArrayLike<number>, (v) => (Number.isFinite(v) ? v : Number.NaN));
}

/**
 * plotly.js options of every interactive figure (in a notebook and on the course site's pages): a
 * short toolbar that appears on hover in the top right corner, where baseLayout leaves room above the
 * title: download as PNG, zoom, pan, reset. The buttons are listed, not left to plotly's defaults,
 * which grow with its versions and include "Share chart…", an upload to Plotly Cloud that an offline
 * course must not offer.
 */
export const PLOT_CONFIG = {
  responsive: true,
  displaylogo: false,
  showSendToCloud: false,
  showEditInChartStudio: false,
  modeBarButtons: [["toImage", "zoom2d", "pan2d", "resetScale2d"]],
} as const;

/**
 * The toolbar buttons (by plotly's data-attr) that serve the mouse only: zoom and pan set what a drag
 * does, reset undoes a drag. No tab stop for them; download stays one.
 */
export const MOUSE_ONLY_BUTTONS = '.modebar-btn[data-attr="dragmode"], .modebar-btn[data-attr="zoom"]';

/** Room above the plot area for a title with the hover toolbar (PLOT_CONFIG) above it, px. */
export const TITLE_MARGIN = 64;

/**
 * A title that sits just above the plot area, left-aligned with it, clear of the toolbar that
 * plotly shows in the figure's top right corner (give the layout a top margin of TITLE_MARGIN).
 */
export function titleLayout(text: string): Layout["title"] {
  return { text, x: 0, xref: "paper", xanchor: "left", y: 1, yref: "paper", yanchor: "bottom", pad: { b: 10 } };
}

/** The layout every builder starts from: title, axis labels, size, compact margins. */
export function baseLayout(o: FigureOptions): Layout {
  const layout: Layout = { margin: { l: 60, r: 20, t: o.title ? TITLE_MARGIN : 30, b: 50 } };
  if (o.title) layout.title = titleLayout(o.title);
  if (o.xLabel) layout.xaxis = { title: { text: o.xLabel } };
  if (o.yLabel) layout.yaxis = { title: { text: o.yLabel } };
  if (o.width) layout.width = o.width;
  if (o.height) layout.height = o.height;
  return layout;
}
