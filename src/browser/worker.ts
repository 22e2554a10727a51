/**
 * The kernel of a notebook page: a Web Worker that runs the page's cells one after another in its
 * own global scope (so cells share their names), with the library's browser build behind
 * `import … from "nnkit"`, "nnkit/plot" and "nnkit/node". What a cell prints (console.log,
 * check()), shows or throws goes back to the page (./protocol.ts). Running in a worker keeps the
 * page responsive during training, and lets the fast kernels wait on their threads.
 */
import { format, inspect } from "node-inspect-extracted";
import * as nnkit from "../index.js";
import { CellError, CellRunner } from "./cells.js";
import { startPageKernels } from "./engine.js";
import * as node from "./node.js";
import { setDataBase } from "./node.js";
import { connectOutbox, post, postStream, setCurrentCell } from "./outbox.js";
import * as plot from "./plot.js";
import type { FromKernel, ToKernel } from "./protocol.js";

/** The part of a dedicated worker's global scope used here (the project's types have no WebWorker lib). */
interface WorkerScope {
  postMessage(message: FromKernel): void;
  onmessage: ((event: { data: ToKernel }) => void) | null;
  addEventListener(type: "error" | "unhandledrejection", listener: (event: { message?: string; reason?: unknown; error?: unknown }) => void): void;
  readonly crossOriginIsolated: boolean;
}

const worker = globalThis as unknown as WorkerScope;
const postMessage = worker.postMessage.bind(worker);
connectOutbox(postMessage);

/** "node:fs" for notebooks that look for optional files: there are none in the page. */
const fileSystem = {
  existsSync: (): boolean => false,
};

const modules: Record<string, unknown> = {
  nnkit,
  "nnkit/plot": plot,
  "nnkit/node": node,
  "node:fs": fileSystem,
  fs: fileSystem,
};

let ready: Promise<void> = Promise.resolve();

async function importModule(id: string): Promise<unknown> {
  await ready;
  const m = modules[id];
  if (m === undefined) {
    throw new Error(`import from "${id}": the page has ${Object.keys(modules).map((k) => `"${k}"`).join(", ")}; other modules run only in Jupyter`);
  }
  return m;
}

const runner = new CellRunner({
  // indirect eval: the cell's function is created in the worker's global scope
  evaluate: (code) => (0, eval)(code),
  scope: globalThis as unknown as Record<string, unknown>,
  importModule,
  process: { env: {} },
});

const out = (...args: unknown[]) => postStream("stdout", format(...args) + "\n");
const err = (...args: unknown[]) => postStream("stderr", format(...args) + "\n");
Object.assign(console, { log: out, info: out, debug: out, warn: err, error: err });

worker.addEventListener("error", (event) => err(event.error ?? event.message));
worker.addEventListener("unhandledrejection", (event) => err("Unhandled promise rejection:", event.reason));

/** Runs are queued: a cell waiting on a timer does not let the next one start. */
let queue: Promise<void> = Promise.resolve();

async function run(cell: number, source: string): Promise<void> {
  setCurrentCell(cell);
  const started = performance.now();
  let ok = true;
  try {
    const value = await runner.run(source, `cell-${cell + 1}.ts`);
    if (value !== undefined) post({ type: "result", cell, text: typeof value === "string" ? value : inspect(value) });
  } catch (e) {
    ok = false;
    const error = e instanceof CellError ? e : new CellError(String(e), undefined, "Error", "");
    post({ type: "error", cell, name: error.errorName, message: error.message, line: error.line, stack: error.stackText });
  }
  post({ type: "done", cell, ok, seconds: (performance.now() - started) / 1000 });
}

worker.onmessage = (event) => {
  const message = event.data;
  if (message.type === "init") {
    setDataBase(message.base);
    ready = startPageKernels(message.base, message.threads).then((info) => {
      post({ type: "ready", engine: info.engine, threads: info.threads, isolated: worker.crossOriginIsolated, problem: info.problem });
    });
  } else if (message.type === "run") {
    queue = queue.then(() => run(message.cell, message.source));
  }
};
