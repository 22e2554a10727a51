// Static images for stored notebooks. A stored notebook is read where no kernel runs: GitHub shows
// only images and text, JupyterLab without the plotly extension shows html or images but not plotly
// JSON, nbconvert keeps a PNG. So before the runner writes a notebook, every plotly figure output
// gets `image/png`, drawn by plotly.js's own Plotly.toImage in headless Chromium, and gives up the
// `text/html` (a script that needs plotly.js in the page): live sessions need that, readers do not,
// and without it the 1.5 MB copy of plotly.js stays out of the file. The PNG's alt text is the
// figure's description from its data (describe.ts), in the output's metadata as "image/png": {"alt"}
// (where nbconvert's HTML templates read it) and as the text/plain form.
//
// The browser driver (playwright-core) and the browser (the system's Chromium or Chrome) are tools of
// the notebooks' maintainers: both are looked up only when a notebook is written, never installed or
// downloaded by the kit; without them the outputs are kept as the kernel sent them.
import { BROWSER_ARGS, findBrowser } from "./chromium.js";
import { imgHtml, PLOTLY_LOADER_PREFIX, PLOTLY_MIME, plotlySource } from "../plot/bundle.js";
import { describeFigure, figureLabel } from "../plot/describe.js";
import type { Figure } from "../plot/figure.js";
import { joinSource, type MimeBundle, type Notebook, type Output } from "./nbformat.js";

/** Draws figures as PNG; one browser page for a whole run. */
export interface FigureRenderer {
  /** Figure → base64 PNG at the figure's own size (layout width × height, default 700 × 420) and `scale`. */
  png(fig: Figure): Promise<string>;
  /** SVG drawing → base64 PNG at the drawing's own width × height and `scale`. */
  svgPng(svg: string): Promise<string>;
  close(): Promise<void>;
}

/** Why no renderer could be opened (no driver, no browser, or the browser did not start). */
export interface NoRenderer {
  reason: string;
}

export interface RendererOptions {
  /** Path of a Chromium or Chrome executable (default: NNKIT_CHROMIUM, then the usual names on PATH and install places). */
  executablePath?: string;
  /** Device pixels per CSS pixel in the PNG (default 1: the image shows at the figure's size everywhere). */
  scale?: number;
}

/** The figure size a front-end shows when the layout gives none (figureHtml's default height, plotly's default width). */
export const DEFAULT_FIGURE_SIZE = { width: 700, height: 420 } as const;

// The few parts of playwright-core used here. It is loaded by name at run time, so that the kit
// builds and runs where this maintainers' tool is not installed.
interface DriverPage {
  setContent(html: string): Promise<void>;
  addScriptTag(options: { content: string }): Promise<unknown>;
  evaluate<R, A>(fn: (arg: A) => Promise<R>, arg: A): Promise<R>;
}
interface DriverBrowser {
  newPage(): Promise<DriverPage>;
  close(): Promise<void>;
}
interface Driver {
  chromium: { launch(options: { executablePath: string; headless: boolean; args: string[] }): Promise<DriverBrowser> };
}
/** The parts of a browser page used to turn an SVG into a PNG (the kit compiles without the DOM's types). */
interface CanvasPage {
  Image: new () => { src: string; decode(): Promise<void>; naturalWidth: number; naturalHeight: number };
  document: { createElement(tag: "canvas"): CanvasLike };
}
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: "2d"): { scale(x: number, y: number): void; drawImage(img: unknown, x: number, y: number): void };
  toDataURL(type: "image/png"): string;
}
interface PlotlyInPage {
  Plotly: { toImage(fig: Figure, options: { format: "png"; width: number; height: number; scale: number }): Promise<string> };
}

const DRIVER = "playwright-core";

/** Start headless Chromium with plotly.js loaded from the npm bundle (no network); or say why not. */
export async function openFigureRenderer(options: RendererOptions = {}): Promise<FigureRenderer | NoRenderer> {
  let driver: Driver;
  try {
    driver = (await import(DRIVER)) as Driver;
  } catch {
    return { reason: `the browser driver ${DRIVER} is not installed (npm install --no-save ${DRIVER})` };
  }
  const executablePath = findBrowser(options.executablePath);
  if (!executablePath) {
    return { reason: "no Chromium or Chrome found (install one, e.g. apt-get install chromium, or set NNKIT_CHROMIUM to its path)" };
  }
  let browser: DriverBrowser;
  try {
    browser = await driver.chromium.launch({ executablePath, headless: true, args: BROWSER_ARGS });
  } catch (e) {
    return { reason: `${executablePath} did not start: ${firstLine((e as Error).message)}` };
  }
  try {
    const page = await browser.newPage();
    await page.setContent('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>');
    await page.addScriptTag({ content: plotlySource() });
    const scale = options.scale ?? 1;
    return {
      async png(fig) {
        const width = numberOr(fig.layout.width, DEFAULT_FIGURE_SIZE.width);
        const height = numberOr(fig.layout.height, DEFAULT_FIGURE_SIZE.height);
        const url = await page.evaluate(
          (a: { fig: Figure; width: number; height: number; scale: number }) =>
            (globalThis as unknown as PlotlyInPage).Plotly.toImage(a.fig, { format: "png", width: a.width, height: a.height, scale: a.scale }),
          { fig, width, height, scale },
        );
        return pngData(url, "Plotly.toImage");
      },
      async svgPng(svg) {
        const url = await page.evaluate(async (a: { src: string; scale: number }) => {
          const w = globalThis as unknown as CanvasPage;
          const img = new w.Image();
          img.src = a.src;
          await img.decode();
          const canvas = w.document.createElement("canvas");
          canvas.width = Math.ceil(img.naturalWidth * a.scale);
          canvas.height = Math.ceil(img.naturalHeight * a.scale);
          const ctx = canvas.getContext("2d");
          ctx.scale(a.scale, a.scale);
          ctx.drawImage(img, 0, 0);
          return canvas.toDataURL("image/png");
        }, { src: `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`, scale });
        return pngData(url, "the SVG drawing");
      },
      close: () => browser.close(),
    };
  } catch (e) {
    await browser.close();
    return { reason: `plotly.js could not be loaded in ${executablePath}: ${firstLine((e as Error).message)}` };
  }
}

/** What storeForReaders did to one notebook. */
export interface StoredImages {
  /** Plotly figure outputs found. */
  figures: number;
  /** Of those, the ones that now carry image/png. */
  rendered: number;
  /** Inlined plotly.js loaders removed (none is needed once every figure has its image). */
  loadersRemoved: number;
  /** SVG drawings found, and the ones that now carry image/png. */
  drawings: number;
  drawingsRendered: number;
  /** Figures the renderer failed on (they keep their html), one message each. */
  errors: string[];
}

/**
 * Prepare an executed notebook for readers, in place: each plotly figure output gets image/png from
 * `renderer` and loses its text/html; each SVG drawing keeps its SVG and gets image/png, and text/html
 * becomes an <img> of that PNG (GitHub does not show every SVG; a PNG shows everywhere). Once every
 * figure has its image, the outputs that only carry plotly.js for live sessions are removed. Without a renderer nothing changes; a figure the renderer
 * fails on keeps its outputs (and the loader stays), and is listed in `errors`.
 */
export async function storeForReaders(nb: Notebook, renderer: FigureRenderer | undefined): Promise<StoredImages> {
  const stats: StoredImages = { figures: 0, rendered: 0, drawings: 0, drawingsRendered: 0, loadersRemoved: 0, errors: [] };
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    for (const out of cell.outputs) {
      if (out.output_type === "stream" || out.output_type === "error") continue;
      const svg = out.data["image/svg+xml"];
      if (svg !== undefined) {
        stats.drawings++;
        if (!renderer) continue;
        try {
          const png = await renderer.svgPng(joinSource(svg as string | string[]));
          const alt = joinSource((out.data["text/plain"] ?? "") as string | string[]);
          out.data = { ...out.data, "image/png": png, "text/html": imgHtml(`data:image/png;base64,${png}`, alt) };
          out.metadata = withAlt(out.metadata, alt);
          stats.drawingsRendered++;
        } catch (e) {
          stats.errors.push(`SVG drawing: ${firstLine((e as Error).message)}`);
        }
        continue;
      }
      const fig = figureOf(out);
      if (!fig) continue;
      stats.figures++;
      if (!renderer) continue;
      let png: string;
      try {
        png = await renderer.png(fig);
      } catch (e) {
        stats.errors.push(`${figureLabel(fig)}: ${firstLine((e as Error).message)}`);
        continue;
      }
      const text = describeFigure(fig);
      const data: MimeBundle = { ...out.data, "image/png": png, "text/plain": text };
      delete data["text/html"];
      out.data = data;
      out.metadata = withAlt(out.metadata, text);
      stats.rendered++;
    }
  }
  if (stats.rendered === stats.figures) {
    for (const cell of nb.cells) {
      if (cell.cell_type !== "code") continue;
      const kept = cell.outputs.filter((o) => !isPlotlyLoader(o));
      stats.loadersRemoved += cell.outputs.length - kept.length;
      cell.outputs = kept;
    }
  }
  return stats;
}

/** An output's metadata with `alt` as its PNG's alt text (nbconvert reads metadata["image/png"].alt). */
function withAlt(metadata: Record<string, unknown>, alt: string): Record<string, unknown> {
  const png = metadata["image/png"];
  return { ...metadata, "image/png": { ...(typeof png === "object" && png !== null ? png : {}), alt } };
}

function figureOf(o: Output): Figure | undefined {
  if (o.output_type !== "display_data" && o.output_type !== "execute_result") return undefined;
  const fig = o.data[PLOTLY_MIME];
  return fig && typeof fig === "object" && Array.isArray((fig as Figure).data) ? (fig as Figure) : undefined;
}

/** The output `show` sends once per kernel before the first figure: html that defines window.Plotly, and an empty text. */
export function isPlotlyLoader(o: Output): boolean {
  if (o.output_type !== "display_data") return false;
  const html = o.data["text/html"];
  return html !== undefined && joinSource(html as string | string[]).startsWith(PLOTLY_LOADER_PREFIX);
}

function pngData(url: string, what: string): string {
  const prefix = "data:image/png;base64,";
  if (!url.startsWith(prefix)) throw new Error(`${what} gave ${url.slice(0, 40)}…, not a PNG data URL`);
  return url.slice(prefix.length);
}

function numberOr(v: unknown, fallback: number): number {
  return typeof v === "number" && v > 0 ? v : fallback;
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? "";
}
