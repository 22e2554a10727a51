/**
 * Drawing what a cell displays in the page: figures with plotly.js (fitted to the room a phone
 * leaves, drawn again when the window changes size), SVG drawings and text.
 */
import { PLOT_CONFIG, type Figure } from "../plot/figure.js";
import type { DisplayContent } from "./protocol.js";

interface PlotlyApi {
  newPlot(el: HTMLElement, data: unknown[], layout: object, config: object): Promise<unknown>;
  react(el: HTMLElement, data: unknown[], layout: object, config: object): Promise<unknown>;
}

/** Show `content` in the display element `el` (a figure, an SVG drawing or text). */
export function drawContent(el: HTMLElement, content: DisplayContent): void {
  if (content.kind === "figure") {
    drawFigure(el, content.figure);
    return;
  }
  delete el.dataset.plotted;
  if (content.kind === "svg") {
    el.className = "nnkit-display svg";
    el.innerHTML = content.svg;
    el.setAttribute("aria-label", content.text);
  } else {
    const pre = document.createElement("pre");
    pre.textContent = content.text;
    el.className = "nnkit-display text";
    el.replaceChildren(pre);
  }
}

/** The figure each drawn display shows (to draw it again at another width). */
const drawn = new WeakMap<HTMLElement, Figure>();

/** After the window changed size: every figure drawn in the page again, fitted to its new room. */
export function fitFigures(): void {
  for (const el of document.querySelectorAll<HTMLElement>(".nnkit-display.nnkit-plot")) {
    const fig = drawn.get(el);
    if (fig) drawFigure(el, fig);
  }
}

/**
 * `fig`'s layout for the room there is in `el`: its own size, or on a narrow screen the width of
 * the room, with a title that no longer fits broken into lines (plotly does not wrap titles) and
 * the top margin grown to hold them (a title above the plot area, as titleLayout places it), and
 * a legend that sits at plotly's default place moved below the plot.
 */
function fittedLayout(el: HTMLElement, fig: Figure): Record<string, unknown> {
  const layout: Record<string, unknown> = { ...fig.layout };
  const own = fig.layout.width;
  const room = el.parentElement?.clientWidth ?? 0;
  if (typeof own !== "number" || room <= 0 || room >= own) return layout;
  layout.width = room;
  // a legend at its default place, right of the plot, would take half of a phone's width: below it
  const legend = fig.layout.legend as { x?: unknown; y?: unknown } | undefined;
  if (legend?.x === undefined && legend?.y === undefined) layout.legend = { ...legend, orientation: "h", x: 0, xanchor: "left", y: -0.2, yanchor: "top" };
  const text = fig.layout.title?.text;
  if (text) {
    const lines = wrapWords(text, Math.max(12, Math.floor((room - 40) / 8.5))); // about 8.5 px per character of a 17 px title
    const margin = { ...(fig.layout.margin as { t?: number } | undefined) };
    margin.t = (margin.t ?? 64) + 20 * (lines.length - 1);
    // plotly sets the first line where a one-line title would be: lift it by the lines below it
    const title = fig.layout.title as { pad?: { b?: number } };
    layout.title = { ...title, text: lines.join("<br>"), pad: { ...title.pad, b: (title.pad?.b ?? 0) + 20 * (lines.length - 1) } };
    layout.margin = margin;
  }
  return layout;
}

/** `text` in lines of at most `width` characters, broken at spaces (a longer word stays whole). */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** A figure at its layout's size, fitted to the page's width on small screens (see fittedLayout). */
function drawFigure(el: HTMLElement, fig: Figure): void {
  const plotly = (window as unknown as { Plotly?: PlotlyApi }).Plotly;
  if (!plotly) {
    el.textContent = "[figure: plotly.js did not load]";
    return;
  }
  el.className = "nnkit-display nnkit-plot";
  drawn.set(el, fig);
  const layout = fittedLayout(el, fig);
  if (el.dataset.plotted) void plotly.react(el, fig.data, layout, PLOT_CONFIG);
  else {
    el.replaceChildren();
    el.dataset.plotted = "1";
    void plotly.newPlot(el, fig.data, layout, PLOT_CONFIG);
  }
}
