// Plots for the notebooks: plotly figure builders and showing them in tslab.
export * from "./figure.js";
export * from "./describe.js";
export * from "./table.js";
export * from "./distinguish.js";
export * from "./charts.js";
export * from "./imageGrid.js";
export * from "./bundle.js";
export * from "./display.js";
export * from "./outputQueue.js";
