// The public API: what `import { … } from "nnkit"` gives a notebook.
export * from "./tensor.js";
export * from "./random.js";
export * from "./gradcheck.js";
