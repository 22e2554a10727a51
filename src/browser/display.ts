/**
 * Showing figures in the page: the same `show`, `showSvg` and `liveDisplay` as "nnkit/plot" in a
 * notebook, sent to the page, which draws figures with plotly.js. A live display's updates are all
 * sent; the page draws the latest one once per frame, so a fast loop cannot flood it.
 */
import type { LiveDisplay, LiveDisplayOptions } from "../plot/display.js";
import type { Figure } from "../plot/figure.js";
import { postDisplay } from "./outbox.js";
import type { DisplayContent } from "./protocol.js";

export type { LiveDisplay, LiveDisplayOptions };

let displays = 0;

function content(c: Figure | string): DisplayContent {
  return typeof c === "string" ? { kind: "text", text: c } : { kind: "figure", figure: c };
}

/** Show a figure in the cell's output. */
export function show(fig: Figure): void {
  postDisplay(content(fig));
}

/** Show an SVG drawing (e.g. drawGraph's computational graph); `text` describes it. */
export function showSvg(svg: string, text = "[SVG drawing]"): void {
  postDisplay({ kind: "svg", svg, text });
}

/** Show prose a cell computed (see "nnkit/plot"'s showMarkdown); the page shows it as its text. */
export function showMarkdown(markdown: string): void {
  postDisplay({ kind: "text", text: markdown });
}

/**
 * A display that each update() overwrites in place, also from later cells and inside synchronous
 * loops. (`options.minIntervalMs` is accepted for the notebook's API; the page needs no throttle.)
 */
export function liveDisplay(initial: Figure | string = "", options: LiveDisplayOptions = {}): LiveDisplay {
  void options;
  const displayId = `live-${++displays}`;
  postDisplay(content(initial), displayId, false);
  return {
    displayId,
    update(c: Figure | string) {
      postDisplay(content(c), displayId, true);
    },
    flush() {
      // nothing is held back in the page
    },
  };
}
