// Figure builders the notebooks use: lines (loss curves), 2-D scatter by class, contour maps
// (loss surfaces, decision regions), bars, histograms. Each returns a plotly Figure as JSON.
import { Tensor } from "../tensor.js";
import {
  baseLayout, CLASS_COLORS, toList, type Figure, type FigureOptions, type Numbers, type Trace,
} from "./figure.js";
import { distinguishTraces } from "./distinguish.js";

/** One line: y values, optional x values (default 0, 1, 2, …) and legend name. */
export interface Series {
  y: Numbers;
  x?: Numbers;
  name?: string;
  /** "lines" (default), "markers" or "lines+markers". */
  mode?: string;
  dash?: "solid" | "dash" | "dot";
}

/** Lines of y[i] against x[i] (e.g. loss per step); series: one or several; logY for losses that span decades, logX for sizes or learning rates. */
export function linePlot(series: Numbers | Series | Series[], options: FigureOptions & { logY?: boolean; logX?: boolean } = {}): Figure {
  const list: Series[] = Array.isArray(series) && (series.length === 0 || typeof series[0] === "object")
    ? (series as Series[])
    : isSeries(series) ? [series] : [{ y: series as Numbers }];
  const data: Trace[] = list.map((s, i) => {
    const y = toList(s.y);
    const x = s.x ? toList(s.x) : y.map((_, j) => j);
    if (x.length !== y.length) {
      throw new Error(`linePlot: series ${i} has ${x.length} x values but ${y.length} y values; give one x per y`);
    }
    return {
      type: "scatter", mode: s.mode ?? "lines", x, y,
      ...(s.name ? { name: s.name } : {}),
      ...(s.dash ? { line: { dash: s.dash } } : {}),
    };
  });
  const layout = baseLayout(options);
  if (options.logY) layout.yaxis = { ...(layout.yaxis as object | undefined), ...LOG_AXIS };
  if (options.logX) layout.xaxis = { ...(layout.xaxis as object | undefined), ...LOG_AXIS, dtick: 1 };
  return { data: distinguishTraces(data), layout };
}

/** A log axis labelled 10⁻⁴ rather than 100µ (plotly's SI prefixes read oddly for losses and learning rates); logX puts a tick at each power of 10. */
const LOG_AXIS = { type: "log", exponentformat: "power" } as const;

function isSeries(v: unknown): v is Series {
  return typeof v === "object" && v !== null && !(v instanceof Tensor) && !ArrayBuffer.isView(v) && "y" in v;
}

/** Points [N,2] coloured by integer class labels [N] (one legend entry per class). */
export function scatter2d(
  points: Tensor | readonly (readonly number[])[],
  labels?: Numbers,
  options: FigureOptions & { classNames?: string[]; markerSize?: number } = {},
): Figure {
  const xy = points instanceof Tensor ? points : null;
  if (xy && (xy.ndim !== 2 || xy.shape[1] !== 2)) {
    throw new Error(`scatter2d: points must have shape [N,2], got [${xy.shape.join(",")}]`);
  }
  const n = xy ? xy.shape[0]! : (points as number[][]).length;
  const px = (i: number) => (xy ? xy.data[2 * i]! : (points as number[][])[i]![0]!);
  const py = (i: number) => (xy ? xy.data[2 * i + 1]! : (points as number[][])[i]![1]!);
  const y = labels ? toList(labels) : new Array<number>(n).fill(0);
  if (y.length !== n) throw new Error(`scatter2d: ${n} points but ${y.length} labels; give one label per point`);
  const classes = [...new Set(y)].sort((a, b) => a - b);
  const data: Trace[] = classes.map((c) => {
    const idx = y.flatMap((v, i) => (v === c ? [i] : []));
    return {
      type: "scatter", mode: "markers",
      x: idx.map(px), y: idx.map(py),
      name: options.classNames?.[c] ?? (labels ? `class ${c}` : "points"),
      marker: { color: CLASS_COLORS[((c % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length], size: options.markerSize ?? 7 },
    };
  });
  return { data: distinguishTraces(data), layout: baseLayout(options) };
}

export interface ContourOptions extends FigureOptions {
  /** x range [min, max] and y range [min, max] over which f is sampled. */
  xRange: [number, number];
  yRange: [number, number];
  /** Grid points per axis (default 60). */
  steps?: number;
  /** Traces drawn on top (e.g. scatter2d(...).data, optimizer trajectories from linePlot). */
  overlay?: Trace[];
  /** Filled colour contours (default) or lines only. */
  coloring?: "fill" | "lines" | "heatmap";
  /** Number of contour levels (default 20). */
  levels?: number;
  colorscale?: string;
  logZ?: boolean;
}

/** Contour map of z = f(x, y) on a steps×steps grid over xRange×yRange (loss surfaces, decision functions). */
export function contourPlot(f: (x: number, y: number) => number, options: ContourOptions): Figure {
  const steps = options.steps ?? 60;
  if (!(steps >= 2)) throw new Error(`contourPlot: steps must be at least 2, got ${steps}`);
  const axis = ([lo, hi]: [number, number]) => Array.from({ length: steps }, (_, i) => lo + ((hi - lo) * i) / (steps - 1));
  const xs = axis(options.xRange);
  const ys = axis(options.yRange);
  const z = ys.map((y) => xs.map((x) => {
    const v = f(x, y);
    return options.logZ ? Math.log10(Math.max(v, 1e-12)) : v;
  }));
  const contour: Trace = {
    type: "contour", x: xs, y: ys, z,
    ncontours: options.levels ?? 20,
    contours: { coloring: options.coloring ?? "fill" },
    colorscale: options.colorscale ?? "Viridis",
    showscale: options.coloring !== "lines",
  };
  const layout = baseLayout(options);
  layout.xaxis = { ...(layout.xaxis as object | undefined), range: options.xRange };
  layout.yaxis = { ...(layout.yaxis as object | undefined), range: options.yRange };
  return { data: [contour, ...(options.overlay ?? [])], layout };
}

/** Grouped bars: labels [K] on the x axis, one bar group per named series of K values. */
export function barChart(
  labels: readonly string[],
  series: Numbers | { name: string; values: Numbers }[],
  options: FigureOptions & { logY?: boolean } = {},
): Figure {
  const list = Array.isArray(series) && series.length > 0 && typeof series[0] === "object"
    ? (series as { name: string; values: Numbers }[])
    : [{ name: "", values: series as Numbers }];
  const data: Trace[] = list.map((s) => {
    const y = toList(s.values);
    if (y.length !== labels.length) {
      throw new Error(`barChart: ${labels.length} labels but ${y.length} values${s.name ? ` in "${s.name}"` : ""}`);
    }
    return { type: "bar", x: [...labels], y, ...(s.name ? { name: s.name } : {}) };
  });
  const layout = baseLayout(options);
  layout.barmode = "group";
  if (options.logY) layout.yaxis = { ...(layout.yaxis as object | undefined), ...LOG_AXIS };
  return { data, layout };
}

/** Histogram of values (e.g. weights, activations) with about `bins` bins (default 30). */
export function histogram(values: Numbers, options: FigureOptions & { bins?: number } = {}): Figure {
  return {
    data: [{ type: "histogram", x: toList(values), nbinsx: options.bins ?? 30 }],
    layout: baseLayout(options),
  };
}
