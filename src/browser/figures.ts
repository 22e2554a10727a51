/**
 * Drawing what a cell displays in the page: figures with plotly.js (fitted to the room a phone
 * leaves, drawn again when the window changes size), SVG drawings and text. A figure is a
 * role="figure" element whose description and data tables (src/plot/table.ts) sit under it, its
 * series told apart by dash and marker shape as well as colour; plotly's own SVG, whose tick labels
 * read as noise, is hidden from screen readers, and its mouse-only buttons take no tab stop.
 */
import { describeFigure, figureLabel } from "../plot/describe.js";
import { distinguishSeries } from "../plot/distinguish.js";
import { MOUSE_ONLY_BUTTONS, PLOT_CONFIG, type Figure } from "../plot/figure.js";
import { reflowImageGrid } from "../plot/imageGrid.js";
import { figureTextHtml } from "../plot/table.js";
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
  el.removeAttribute("aria-describedby");
  if (content.kind === "svg") {
    el.className = "nnkit-display svg";
    el.innerHTML = content.svg;
    el.setAttribute("role", "img");
    el.setAttribute("aria-label", content.text);
  } else {
    el.removeAttribute("role");
    el.removeAttribute("aria-label");
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
  // a figure without a width of its own takes the room there is (plotly's autosize): narrow below 600 px
  const own = typeof fig.layout.width === "number" ? fig.layout.width : undefined;
  const room = el.parentElement?.clientWidth ?? 0;
  if (room <= 0 || room >= (own ?? NARROW)) return layout;
  if (own !== undefined) layout.width = room;
  // a legend at its default place, right of the plot, would take half of a phone's width: below it
  const legend = fig.layout.legend as { x?: unknown; y?: unknown } | undefined;
  const entries = fig.data.filter((t) => t.showlegend !== false && typeof t.name === "string" && t.name !== "").length;
  if (legend?.x === undefined && legend?.y === undefined && entries > 1) {
    // at the foot of the figure, one entry a line, in room added below the x axis and its title
    layout.legend = { ...legend, orientation: "h", x: 0, xanchor: "left", y: 0, yanchor: "bottom", yref: "container" };
    const rows = LEGEND_ROW * entries + 10;
    const margin = (layout.margin ?? {}) as { b?: number };
    layout.margin = { ...margin, b: (margin.b ?? 80) + rows };
    layout.height = (typeof fig.layout.height === "number" ? fig.layout.height : 420) + rows;
  }
  const text = fig.layout.title?.text;
  if (text) {
    const lines = wrapWords(text, Math.max(12, Math.floor((room - 40) / 8.5))); // about 8.5 px per character of a 17 px title
    const margin = { ...(layout.margin as { t?: number } | undefined) };
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

/** Below this width (px) a figure without a width of its own is drawn for a narrow screen. */
const NARROW = 600;

/** Height of one legend entry, px (plotly's default font). */
const LEGEND_ROW = 19;

/** Figures drawn so far (for their description's id). */
let figures = 0;

/**
 * A figure at its layout's size, fitted to the page's width on small screens (see fittedLayout), in
 * `el` as the course site writes a stored one (site.ts): a plot area, then the figure as text.
 */
export function drawFigure(el: HTMLElement, fig: Figure): void {
  const plotly = (window as unknown as { Plotly?: PlotlyApi }).Plotly;
  if (!plotly) {
    el.textContent = "[figure: plotly.js did not load]";
    return;
  }
  el.className = "nnkit-display nnkit-plot";
  const room = el.parentElement?.clientWidth ?? 0;
  const shown = (room > 0 ? reflowImageGrid(fig, room) : undefined) ?? distinguishSeries(fig);
  drawn.set(el, fig);
  let area = el.querySelector<HTMLElement>(":scope > .nnkit-plot-area");
  if (!area) {
    el.replaceChildren();
    area = Object.assign(document.createElement("div"), { className: "nnkit-plot-area" });
    el.append(area);
  }
  describe(el, fig);
  const layout = fittedLayout(el, shown);
  if (typeof layout.height === "number") area.style.height = `${layout.height}px`;
  const drawing = el.dataset.plotted ? plotly.react(area, shown.data, layout, PLOT_CONFIG) : plotly.newPlot(area, shown.data, layout, PLOT_CONFIG);
  el.dataset.plotted = "1";
  const plotArea = area;
  void drawing.then(() => {
    for (const svg of plotArea.querySelectorAll("svg")) svg.setAttribute("aria-hidden", "true");
    for (const b of plotArea.querySelectorAll<HTMLElement>(MOUSE_ONLY_BUTTONS)) b.tabIndex = -1;
  });
}

/** Latest description asked for per figure element, written at most every 500 ms (a live plot changes every frame). */
const describing = new Map<HTMLElement, Figure>();

/** Name `el` as a figure and write its text and data tables (after the first time, a little later). */
function describe(el: HTMLElement, fig: Figure): void {
  el.setAttribute("role", "figure");
  el.setAttribute("aria-label", figureLabel(fig));
  const write = (f: Figure) => {
    const open = el.querySelector("details")?.open ?? false;
    const id = el.getAttribute("aria-describedby") ?? `nnkit-figure-${++figures}`;
    el.querySelector(":scope > details")?.remove();
    el.insertAdjacentHTML("beforeend", figureTextHtml(f, id));
    el.querySelector("details")!.open = open;
    el.setAttribute("aria-describedby", id);
  };
  if (!el.querySelector(":scope > details")) {
    write(fig);
    return;
  }
  if (describing.has(el)) {
    describing.set(el, fig);
    return;
  }
  describing.set(el, fig);
  setTimeout(() => {
    const latest = describing.get(el)!;
    describing.delete(el);
    if (el.querySelector(":scope > details > p")?.textContent !== describeFigure(latest)) write(latest);
  }, 500);
}
