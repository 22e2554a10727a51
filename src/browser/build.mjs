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

/** `format`: the page script is a classic script, the kernel worker a module worker. */
async function bundle(entry, name, format) {
  const outFile = join(outDir, name);
  const result = await build({
    entryPoints: [join(here, entry)],
    bundle: true,
    format,
    platform: "browser",
    target: ["chrome111", "firefox115", "safari16.4"],
    minify: true,
    legalComments: "eof",
    write: false,
    logLevel: "warning",
  });
  const tmp = `${outFile}.${process.pid}.tmp`; // written whole, then renamed
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, outFile);
  console.log(`build-site: wrote ${outFile} (${Math.round(result.outputFiles[0].contents.length / 1024)} KiB)`);
}

await bundle("page.ts", "nnkit-page.js", "iife");
await bundle("worker.ts", "nnkit-kernel.js", "esm");
