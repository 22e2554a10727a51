// Series told apart by more than colour (WCAG 1.4.1): in a figure with several lines, each line gets
// its own dash pattern, and with several sets of markers each set its own marker shape, unless the
// figure chose them itself. The legend shows the pattern or shape beside each name.
import type { Figure, Trace } from "./figure.js";

/** Dash patterns for lines 0, 1, 2, … (plotly's names). */
export const DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"] as const;
/** Marker shapes for marker sets 0, 1, 2, … (plotly's names). */
export const SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "triangle-down", "star", "hexagon", "pentagon"] as const;

const has = (t: Trace, part: string) => t.type === "scatter" && String(t.mode ?? "lines").includes(part);

/** `traces` with a dash per line and a symbol per marker set where there are two or more of them (new objects; the input is not changed). */
export function distinguishTraces(traces: readonly Trace[]): Trace[] {
  const lines = traces.filter((t) => has(t, "lines")).length, markers = traces.filter((t) => has(t, "markers")).length;
  let l = 0, m = 0;
  return traces.map((t) => {
    const out: Trace = { ...t };
    if (lines > 1 && has(t, "lines")) {
      const line = (t.line ?? {}) as { dash?: unknown };
      const k = l++;
      if (line.dash === undefined) out.line = { ...line, dash: DASHES[k % DASHES.length] };
    }
    if (markers > 1 && has(t, "markers")) {
      const marker = (t.marker ?? {}) as { symbol?: unknown };
      const k = m++;
      if (marker.symbol === undefined) out.marker = { ...marker, symbol: SYMBOLS[k % SYMBOLS.length] };
    }
    return out;
  });
}

/** `fig` with its series told apart by pattern and shape as well as colour (see distinguishTraces). */
export function distinguishSeries(fig: Figure): Figure {
  return { data: distinguishTraces(fig.data), layout: fig.layout };
}
