// Running a notebook the way Jupyter does: one tslab kernel, code cells in order, outputs written
// back into the notebook; the first failing cell stops the run and is reported.
import { basename, dirname, join, resolve } from "node:path";
import { Kernel, killAllKernels, type ExecuteResult } from "./kernel.js";
import { writeFileAtomic } from "./files.js";
import type { FigureRenderer } from "./images.js";
import { PLOTLY_MIME } from "../plot/bundle.js";
import { errorFromCell, OutputCollector, type ErrorInfo } from "./outputs.js";
import {
  joinSource, readNotebook, serializeNotebook, TSLAB_KERNELSPEC, type CodeCell, type Notebook,
} from "./nbformat.js";

/** How long the runner listens for late display updates after the last cell (see liveDisplay's minIntervalMs). */
const LATE_OUTPUT_MS = 300;

export interface RunOptions {
  /** Per-cell limit in ms (default 120 000): then the kernel is interrupted, and killed if that fails. */
  timeoutPerCell?: number;
  /** Kernel working directory (default: the notebook's folder, as Jupyter does). */
  cwd?: string;
  /** Called after each code cell. */
  onCell?: (event: CellEvent) => void;
  /** Go on after a failing cell (as nbconvert --allow-errors); default false: stop at the first. */
  allowErrors?: boolean;
  /** Limit for the kernel to start, ms (default 60 000). */
  startTimeout?: number;
}

export interface CellEvent {
  notebook: string;
  /** 1-based position among all cells of the notebook. */
  cell: number;
  cells: number;
  executionCount: number;
  status: ExecuteResult["status"];
  ms: number;
  error?: ErrorInfo;
}

export interface CellFailure extends ErrorInfo {
  notebook: string;
  /** 1-based position among all cells (markdown included), as a reader counts them. */
  cell: number;
  cellId: string;
  executionCount: number | null;
  kind: "error" | "timeout" | "died";
}

export interface RunResult {
  notebook: Notebook;
  failures: CellFailure[];
  timings: { kernelStartMs: number; cells: { cell: number; ms: number }[]; totalMs: number };
  /** The kernel's process id (gone by the time runNotebook returns). */
  kernelPid: number;
}

/** Execute every code cell of the .ipynb at `path` in a fresh tslab kernel; the kernel is always shut down. */
export async function runNotebook(path: string, options: RunOptions = {}): Promise<RunResult> {
  const t0 = performance.now();
  const nb = readNotebook(path);
  const name = path;
  const timeout = options.timeoutPerCell ?? 120_000;
  const kernel = await Kernel.start({ cwd: options.cwd ?? dirname(resolve(path)), startTimeoutMs: options.startTimeout });
  const kernelStartMs = performance.now() - t0;
  const failures: CellFailure[] = [];
  const cellTimes: { cell: number; ms: number }[] = [];
  try {
    nb.metadata.kernelspec = TSLAB_KERNELSPEC;
    if (kernel.kernelInfo.language_info) nb.metadata.language_info = kernel.kernelInfo.language_info;
    const collector = new OutputCollector();
    kernel.onLateOutput = (msg) => collector.update(msg);
    let count = 0;
    let stopped = false;
    for (const [i, cell] of nb.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      cell.outputs = [];
      cell.execution_count = null;
      if (stopped || joinSource(cell.source).trim() === "") continue;
      const executionCount = ++count;
      cell.execution_count = executionCount;
      // tslab answers heartbeats on its JS thread: an idle kernel answers at once, so two misses mean it is gone.
      const alive = (await kernel.heartbeat(3000)) || (await kernel.heartbeat(5000));
      const result: ExecuteResult = alive
        ? await kernel.execute(joinSource(cell.source), {
          timeoutMs: timeout,
          onOutput: (msg) => collector.add(cell, msg, executionCount),
        })
        : { status: "died", killed: false, ms: 0 };
      cellTimes.push({ cell: i + 1, ms: result.ms });
      const failure = result.status === "ok" ? undefined : describeFailure(name, i + 1, cell, result, timeout, kernel);
      if (failure) failures.push(failure);
      options.onCell?.({
        notebook: name, cell: i + 1, cells: nb.cells.length, executionCount, status: result.status, ms: result.ms,
        error: failure,
      });
      if (failure && (!options.allowErrors || kernel.exited)) stopped = true;
    }
    // A live display may send its last held-back update up to its interval (200 ms) after its cell ended.
    if (!kernel.exited) {
      await new Promise((resolve) => setTimeout(resolve, LATE_OUTPUT_MS));
      await kernel.heartbeat(1000);
    }
  } finally {
    await kernel.shutdown();
  }
  return { notebook: nb, failures, timings: { kernelStartMs, cells: cellTimes, totalMs: performance.now() - t0 }, kernelPid: kernel.pid };
}

function describeFailure(
  notebook: string, cellNo: number, cell: CodeCell, result: ExecuteResult, timeoutMs: number, kernel: Kernel,
): CellFailure {
  const base = { notebook, cell: cellNo, cellId: cell.id, executionCount: cell.execution_count };
  if (result.status === "timeout") {
    const how = result.killed ? "the interrupt did not stop it, so the kernel was killed" : "the kernel was interrupted";
    return {
      ...base, kind: "timeout", ename: "CellTimeoutError",
      evalue: `cell ${cellNo} did not finish within ${timeoutMs / 1000} s; ${how}`,
      traceback: errorFromCell(cell).traceback,
    };
  }
  if (result.status === "died") {
    return {
      ...base, kind: "died", ename: "DeadKernelError",
      evalue: kernel.exited
        ? `the kernel died while running cell ${cellNo} (${kernel.describeExit()})`
        : `the kernel stopped answering heartbeats before cell ${cellNo}`,
      traceback: kernel.log.slice(-20),
    };
  }
  return { ...base, kind: "error", ...errorFromCell(cell) };
}

/** One line per failure: "nb.ipynb: cell 7 [4]: TypeError: bad". */
export function formatFailure(f: CellFailure): string {
  const count = f.executionCount === null ? "" : ` [${f.executionCount}]`;
  return `${f.notebook}: cell ${f.cell}${count}: ${f.ename}: ${f.evalue}`;
}

export interface RunCommandOptions {
  /** Write executed notebooks into this folder (same file names). */
  out?: string;
  /** Overwrite each notebook with its executed version. */
  inPlace?: boolean;
  /** Per-cell limit in seconds (default 120). */
  timeout?: number;
  allowErrors?: boolean;
  /** Where progress goes (default process.stdout). */
  log?: (line: string) => void;
}

/** `nnkit run NOTEBOOK…`: run each notebook, print progress per cell, write results; returns the number of failed notebooks. */
export async function runNotebooksCommand(paths: string[], options: RunCommandOptions = {}): Promise<number> {
  const log = options.log ?? ((line: string) => process.stdout.write(line + "\n"));
  if (options.out && options.inPlace) throw new Error("nnkit run: give either --out DIR or --in-place, not both");
  // Ctrl-C or a kill of the command must not leave a kernel behind (they share the process group).
  const onSignal = (signal: NodeJS.Signals) => {
    killAllKernels();
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    process.kill(process.pid, signal);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await runEach(paths, options, log);
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}

async function runEach(paths: string[], options: RunCommandOptions, log: (line: string) => void): Promise<number> {
  const images = new ImageStep(log);
  try {
    return await runEachWith(paths, options, log, images);
  } finally {
    await images.close();
  }
}

/** The figure renderer of one `nnkit run`: opened for the first notebook that is written, at most once; says once when there is none. */
class ImageStep {
  private renderer: Promise<FigureRenderer | undefined> | undefined;
  constructor(private readonly log: (line: string) => void) {}

  /** Give the figures of `nb` their static images (see storeForReaders); a line for the log. */
  async store(nb: Notebook): Promise<string> {
    const hasFigures = nb.cells.some((c) => c.cell_type === "code" && c.outputs.some((o) => "data" in o && PLOTLY_MIME in o.data));
    if (!hasFigures) return "";
    this.renderer ??= import("./images.js").then(async ({ openFigureRenderer }) => {
      const r = await openFigureRenderer();
      if ("reason" in r) {
        this.log(`static images: none, ${r.reason}; figures are stored as the kernel sent them (shown only where plotly.js runs)`);
        return undefined;
      }
      return r;
    });
    const { storeForReaders } = await import("./images.js");
    const stats = await storeForReaders(nb, await this.renderer);
    for (const e of stats.errors) this.log(`  static image failed: ${e}`);
    return stats.rendered > 0 ? `, ${stats.rendered} of ${stats.figures} figures as PNG` : "";
  }

  async close(): Promise<void> {
    await (await this.renderer)?.close();
  }
}

async function runEachWith(paths: string[], options: RunCommandOptions, log: (line: string) => void, images: ImageStep): Promise<number> {
  let failed = 0;
  for (const path of paths) {
    log(`${path}: starting kernel`);
    let result: RunResult;
    try {
      result = await runNotebook(path, {
        timeoutPerCell: (options.timeout ?? 120) * 1000,
        allowErrors: options.allowErrors,
        onCell: (e) => {
          const what = e.status === "ok" ? "ok" : `FAILED ${e.error?.ename}: ${firstLine(e.error?.evalue ?? "")}`;
          log(`  cell ${e.cell}/${e.cells} [${e.executionCount}] ${what} (${Math.round(e.ms)} ms)`);
        },
      });
    } catch (e) {
      failed++;
      log(`${path}: could not run: ${(e as Error).message}`);
      continue;
    }
    const { timings, failures } = result;
    // A failed run never replaces the stored notebook (unless errors are allowed); --out keeps it for a look.
    const keepStored = options.inPlace && failures.length > 0 && !options.allowErrors;
    const target = keepStored ? undefined : options.inPlace ? path : options.out ? join(options.out, basename(path)) : undefined;
    const imageNote = target ? await images.store(result.notebook) : "";
    if (target) writeFileAtomic(target, serializeNotebook(result.notebook));
    if (failures.length > 0) failed++;
    for (const f of failures) log(`  ${formatFailure(f)}`);
    log(
      `${path}: ${failures.length === 0 ? "ok" : "FAILED"} — kernel start ${(timings.kernelStartMs / 1000).toFixed(1)} s, ` +
      `${timings.cells.length} cells, total ${(timings.totalMs / 1000).toFixed(1)} s${imageNote}${target ? `, written to ${target}` : ""}` +
      (keepStored ? ", not written (the stored notebook is kept; --allow-errors writes it anyway)" : ""),
    );
  }
  log(`notebooks: ${paths.length - failed} ok, ${failed} failed`);
  return failed;
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? "";
}
