/**
 * `nnkit run NOTEBOOK…` and `nnkit site --out DIR [--serve]`: the notebook commands of the CLI. The runner
 * (zeromq) and the site builder (markdown-it, KaTeX) are imported only when their command runs, so
 * every other nnkit command starts without them.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import type { Command } from "commander";
import { EXIT, UsageError } from "../cli/errors.js";
import { positiveNumber } from "../cli/options.js";
import { withPackages } from "../cli/packages.js";
import { readNotebook } from "./nbformat.js";

export function registerNotebookCommands(program: Command): void {
  program
    .command("run")
    .description("execute notebooks in the tslab kernel, cell by cell, and report the first failing cell")
    .argument("<notebooks...>", ".ipynb files")
    .option("--out <dir>", "write the executed notebooks into this folder")
    .option("--in-place", "overwrite each notebook that runs without a failing cell with its executed version (outputs, execution counts, static images)")
    .option("--timeout <seconds>", "per-cell limit; the kernel is interrupted, then killed", positiveNumber("--timeout", "seconds"), 300)
    .option("--allow-errors", "go on after a failing cell")
    .action(async (paths: string[], opts: { out?: string; inPlace?: boolean; timeout: number; allowErrors?: boolean }) => {
      const timeout = opts.timeout;
      if (opts.out && opts.inPlace) throw new UsageError("run: give either --out DIR or --in-place, not both");
      const missing = paths.filter((p) => !existsSync(p));
      if (missing.length > 0) throw new UsageError(`run: no such notebook: ${missing.join(", ")}`);
      for (const p of paths) checkNotebookFile(p);
      const { runNotebooksCommand } = await withPackages("nnkit run", () => import("./runner.js"));
      const failed = await runNotebooksCommand(paths, { out: opts.out, inPlace: opts.inPlace, timeout, allowErrors: opts.allowErrors });
      process.exitCode = failed > 0 ? EXIT.failures : EXIT.ok;
    });
  program
    .command("site")
    .description("render the notebooks as a static course site whose pages run their code in the browser")
    .requiredOption("--out <dir>", "output folder (created; nothing is written outside it)")
    .option("--notebooks <dir>", "folder of .ipynb files", "notebooks")
    .option("--title <text>", "title of the index page", "Neural networks: the course notebooks")
    .option("--serve", "then serve the site on 127.0.0.1 with the headers that let its pages use threads (Ctrl+C stops)")
    .option("--port <n>", "port for --serve", "8000")
    .action(async (opts: { out: string; notebooks: string; title: string; serve?: boolean; port: string }) => {
      if (!existsSync(opts.notebooks)) throw new UsageError(`site: notebooks folder ${opts.notebooks} does not exist`);
      if (!statSync(opts.notebooks).isDirectory()) throw new UsageError(`site: --notebooks ${opts.notebooks} is a file; give the folder that holds the .ipynb files`);
      if (!readdirSync(opts.notebooks).some((f) => f.endsWith(".ipynb"))) throw new UsageError(`site: no .ipynb files in ${opts.notebooks}`);
      const port = Number(opts.port);
      if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new UsageError(`site: --port must be a whole number from 0 to 65535, got "${opts.port}"`);
      const { siteCommand } = await withPackages("nnkit site", () => import("./site.js"));
      siteCommand({ out: opts.out, notebooks: opts.notebooks, title: opts.title });
      if (!opts.serve) return;
      const { serveSite } = await import("./serve.js");
      const { url } = await serveSite(opts.out, port).catch((e: NodeJS.ErrnoException) => {
        throw new UsageError(`site: cannot serve on 127.0.0.1:${port} (${e.code ?? e.message}); choose another --port`);
      });
      process.stdout.write(`serving ${opts.out} at ${url} (threads allowed: cross-origin isolated); Ctrl+C stops\n`);
    });
}

/** A path given to `nnkit run` must be a readable nbformat-4 notebook; otherwise a UsageError (exit 2) before any kernel starts. */
function checkNotebookFile(path: string): void {
  if (statSync(path).isDirectory()) throw new UsageError(`run: ${path} is a folder; give the notebooks in it, e.g. ${path.replace(/\/$/, "")}/*.ipynb`);
  try {
    readNotebook(path);
  } catch (e) {
    throw new UsageError(`run: ${(e as Error).message.replace(/\s+/g, " ")}`);
  }
}
