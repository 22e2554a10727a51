// A figure as one Jupyter display bundle: the plotly JSON (VS Code, JupyterLab with the plotly
// extension), HTML that draws it with plotly.js (classic Notebook, JupyterLab, nbconvert HTML) and
// a line of text (terminals, text-only viewers). plotly.js comes from the npm package, never a CDN.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { escapeHtml } from "../notebook/highlight.js";
import { describeFigure } from "./describe.js";
import { PLOT_CONFIG, type Figure } from "./figure.js";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** The three representations of a figure, keyed by MIME type. */
export interface FigureBundle {
  [PLOTLY_MIME]: Figure;
  "text/html": string;
  "text/plain": string;
}

/** Path of the minified plotly.js bundle shipped in node_modules (cartesian traces: scatter, bar, histogram, heatmap, contour). */
export function plotlyJsPath(): string {
  return createRequire(import.meta.url).resolve("plotly.js-cartesian-dist-min");
}

let source: string | undefined;

/** The plotly.js bundle's text, with "</script" escaped so that it may sit inside a <script> element. */
export function plotlySource(): string {
  source ??= readFileSync(plotlyJsPath(), "utf8").replace(/<\/script/gi, "<\\/script");
  return source;
}

/** How the loader's html begins: front-ends and the runner recognise the loader output by it. */
export const PLOTLY_LOADER_PREFIX = '<script type="text/javascript">if (!window.Plotly)';

/** A <script> that defines window.Plotly from the inlined bundle unless the page has it already, then draws queued figures. */
export function plotlyLoaderHtml(): string {
  // `module`, `exports` and `define` are shadowed so the bundle always installs itself as window.Plotly
  // (classic Notebook has require.js on the page).
  return (
    PLOTLY_LOADER_PREFIX + " { (function (module, exports, define) {\n" +
    plotlySource() +
    "\n}).call(window); }\n(window.__nnkitPlots || []).splice(0).forEach(function (draw) { draw(); });</script>"
  );
}

/** JSON that may sit inside a <script> element (no "</script>", no "<!--"). */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

export { PLOT_CONFIG };

/** A div and a script drawing `fig` with window.Plotly, waiting for the loader if plotly.js is not there yet. */
export function figureHtml(fig: Figure, id = `nnkit-plot-${randomBytes(6).toString("hex")}`): string {
  const height = typeof fig.layout.height === "number" ? fig.layout.height : 420;
  const width = typeof fig.layout.width === "number" ? `${fig.layout.width}px` : "100%";
  return (
    `<div id="${id}" class="nnkit-plot" style="width:${width};height:${height}px"></div>\n` +
    '<script type="text/javascript">(function () {\n' +
    `  var fig = ${scriptSafeJson(fig)};\n` +
    "  function draw() {\n" +
    `    var el = document.getElementById("${id}");\n` +
    `    if (el) window.Plotly.newPlot(el, fig.data, fig.layout, ${JSON.stringify(PLOT_CONFIG)});\n` +
    "  }\n" +
    "  if (window.Plotly) draw(); else (window.__nnkitPlots = window.__nnkitPlots || []).push(draw);\n" +
    "})();</script>"
  );
}

/** The representations of a drawing (an SVG string), keyed by MIME type. */
export interface SvgBundle {
  "image/svg+xml": string;
  "text/html": string;
  "text/plain": string;
}

/**
 * A drawing as one display bundle: the SVG; the same SVG as an <img> data URL in text/html, which
 * front-ends that strip inline SVG from outputs (nbconvert's HTML export) keep; and a line of text.
 */
export function svgBundle(svg: string, text: string): SvgBundle {
  const url = `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`;
  return { "image/svg+xml": svg, "text/html": imgHtml(url, text), "text/plain": text };
}

/** An <img> element for a data URL, with `alt` text. */
export function imgHtml(dataUrl: string, alt: string): string {
  return `<img src="${dataUrl}" alt="${escapeHtml(alt)}">`;
}

/** Figure → { plotly JSON (as an object), text/html (div + script), text/plain }. */
export function figureBundle(fig: Figure): FigureBundle {
  return { [PLOTLY_MIME]: fig, "text/html": figureHtml(fig), "text/plain": describeFigure(fig) };
}
