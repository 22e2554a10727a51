/**
 * "nnkit/plot" in the page: the figure builders of the notebooks, and showing figures in the cell's
 * output (./display.ts) instead of through a Jupyter kernel.
 */
export * from "../plot/figure.js";
export * from "../plot/charts.js";
export * from "../plot/imageGrid.js";
export { show, showSvg, showMarkdown, liveDisplay, type LiveDisplay, type LiveDisplayOptions } from "./display.js";
