// Showing figures in a tslab notebook: one display message carrying all MIME types of a figure,
// and live displays that later calls overwrite in place (training progress, live loss curves).
// tslab is loaded only when something is shown, so this module imports fine outside a kernel.
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { escapeHtml } from "../notebook/highlight.js";
import { figureBundle, plotlyLoaderHtml, svgBundle } from "./bundle.js";
import type { Figure } from "./figure.js";
import { installOutputQueue } from "./outputQueue.js";

type MimeData = Record<string, unknown>;
/** Sends one display (update=false) or overwrites the display with that id (update=true). */
type Emit = (data: MimeData, displayId: string | undefined, update: boolean) => void;

interface TslabJupyter {
  lastWriteDisplayData: ((d: { data: MimeData; metadata: object; transient: object }, update: boolean) => void) | null;
}
interface TslabDisplay { raw(type: string, value: unknown): void }
interface TslabPublic { display: TslabDisplay; newDisplay(): TslabDisplay }

const requireCjs = createRequire(import.meta.url);
let plotlySent = false;

function load<T>(id: string): T | undefined {
  try {
    return requireCjs(id) as T;
  } catch {
    return undefined;
  }
}

/**
 * How to reach the front-end, best first: tslab's internal writer (all MIME types in one message),
 * tslab's public display API (one MIME type per message: HTML, or text for text-only content), the console.
 */
function emitter(): Emit {
  if (!insideKernel()) return (data) => console.log(String(data["text/plain"] ?? ""));
  // From the first display on, outputs cannot stall the kernel (see outputQueue.ts); a notebook that
  // floods the console without displaying anything calls installOutputQueue() itself.
  installOutputQueue();
  const jupyter = load<TslabJupyter>("tslab/dist/jupyter.js");
  if (typeof jupyter?.lastWriteDisplayData === "function") {
    return (data, id, update) =>
      jupyter.lastWriteDisplayData!({ data, metadata: {}, transient: id ? { display_id: id } : {} }, update);
  }
  const tslab = load<TslabPublic>("tslab");
  if (tslab) {
    const handles = new Map<string, TslabDisplay>();
    return (data, id) => {
      const target = id ? (handles.get(id) ?? handles.set(id, tslab.newDisplay()).get(id)!) : tslab.display;
      const type = "text/html" in data ? "text/html" : "text/plain";
      target.raw(type, data[type]);
    };
  }
  return (data) => console.log(String(data["text/plain"] ?? ""));
}

function insideKernel(): boolean {
  return typeof (globalThis as { __tslab__?: unknown }).__tslab__ === "object";
}

/** Once per kernel session, before the first figure: an output whose HTML defines window.Plotly. */
function ensurePlotly(emit: Emit): void {
  if (plotlySent || !insideKernel()) return;
  plotlySent = true;
  emit({ "text/html": plotlyLoaderHtml(), "text/plain": "" }, undefined, false);
}

/** Show a figure as one output (plotly JSON + HTML + text). */
export function show(fig: Figure): void {
  const emit = emitter();
  ensurePlotly(emit);
  emit({ ...figureBundle(fig) }, undefined, false);
}

/** Show an SVG drawing (e.g. drawGraph's computational graph): the SVG, an <img> of it, and `text` (see svgBundle). */
export function showSvg(svg: string, text = "[SVG drawing]"): void {
  emitter()({ ...svgBundle(svg, text) }, undefined, false);
}

/**
 * Show markdown that a cell computed — a sentence of the notebook's prose with its numbers filled in
 * from the run, so that the text cannot disagree with the result — as markdown and as plain text.
 */
export function showMarkdown(markdown: string): void {
  emitter()({ "text/markdown": markdown, "text/plain": markdown }, undefined, false);
}

export interface LiveDisplay {
  /**
   * Replace what this display shows with a figure or a line of text (pre-formatted). At most one
   * message per `minIntervalMs`: a newer update waits and replaces a held-back one, which is sent
   * when the interval is over or, inside a synchronous loop, as soon as the loop ends.
   */
  update(content: Figure | string): void;
  /** Send a held-back update now. */
  flush(): void;
  readonly displayId: string;
}

export interface LiveDisplayOptions {
  /** Least time between two messages (default 200 ms). tslab's output channel stalls when one cell sends many hundreds of messages quickly. */
  minIntervalMs?: number;
}

/** A display that each update() overwrites in place, also from later cells and inside synchronous loops. */
export function liveDisplay(initial: Figure | string = "", options: LiveDisplayOptions = {}): LiveDisplay {
  const displayId = randomBytes(8).toString("hex");
  const minInterval = options.minIntervalMs ?? 200;
  let shown = false;
  let lastSent = -Infinity;
  let pending: Figure | string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const send = (content: Figure | string) => {
    const emit = emitter();
    if (typeof content !== "string") ensurePlotly(emit);
    const data: MimeData = typeof content === "string"
      ? { "text/plain": content, "text/html": `<pre>${escapeHtml(content)}</pre>` }
      : { ...figureBundle(content) };
    emit(data, displayId, shown);
    shown = true;
    lastSent = performance.now();
  };
  const handle: LiveDisplay = {
    displayId,
    update(content) {
      const wait = lastSent + minInterval - performance.now();
      if (wait <= 0) {
        pending = undefined;
        send(content);
        return;
      }
      pending = content;
      timer ??= setTimeout(() => handle.flush(), wait);
    },
    flush() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (pending === undefined) return;
      const content = pending;
      pending = undefined;
      send(content);
    },
  };
  send(initial);
  return handle;
}
