// Build step for the course site's in-page runtime: bundles ./page.ts (the notebook page's script)
// and ./worker.ts (its kernel worker, with the library's core, the page's "nnkit/plot" and
// "nnkit/node", and the cell compiler) with esbuild into dist/src/browser/nnkit-page.js and
// nnkit-kernel.js. `nnkit site` copies them into the site. Run by `npm run build:site`.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(here, "../../dist/src/browser");
mkdirSync(outDir, { recursive: true });

/**
 * Until the kernel engine reaches Node's built-ins only at run time, its static imports of them are
 * answered with stand-ins that make it choose the plain TypeScript kernels in the page.
 */
const nodeBuiltins = {
  name: "node-builtins",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: "node-builtin" }));
    b.onLoad({ filter: /.*/, namespace: "node-builtin" }, (args) => ({
      contents: {
        "node:os": "export const availableParallelism = () => navigator.hardwareConcurrency || 1;",
        "node:fs": "export const existsSync = () => false; export const readFileSync = () => { throw new Error('no files in the page'); };",
        "node:url": "export const fileURLToPath = (u) => String(u);",
        "node:v8": "export const setFlagsFromString = () => undefined;",
        "node:worker_threads": "export class Worker { constructor() { throw new Error('no worker_threads in the page'); } }",
      }[args.path] ?? `throw new Error(${JSON.stringify(`${args.path} is not available in the page`)});`,
      loader: "js",
    }));
  },
};

async function bundle(entry, name) {
  const outFile = join(outDir, name);
  const result = await build({
    entryPoints: [join(here, entry)],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: ["chrome111", "firefox115", "safari16.4"],
    minify: true,
    legalComments: "eof",
    define: { "process.env": "{}", "import.meta.url": "location.href" },
    plugins: [nodeBuiltins],
    write: false,
    logLevel: "warning",
  });
  const tmp = `${outFile}.${process.pid}.tmp`; // written whole, then renamed
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, outFile);
  console.log(`build-site: wrote ${outFile} (${Math.round(result.outputFiles[0].contents.length / 1024)} KiB)`);
}

await bundle("page.ts", "nnkit-page.js");
await bundle("worker.ts", "nnkit-kernel.js");
