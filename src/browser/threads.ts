/**
 * The kernel engine's worker threads in a web page: each a Web Worker, made from a Blob, that runs
 * the engine's own worker script (src/engine/threads.ts) on the workerData it is sent. A Web Worker
 * starts only once the thread that made it yields to its event loop, so the page starts the
 * threads and awaits `PageThread.started()` before it runs a cell; until then the kernels would run
 * on the calling thread alone.
 */
import type { WorkerData } from "../engine/threads.js";

// The engine's script reads workerData through require("node:worker_threads"); here it arrives as the first message.
const PRELUDE =
  'self.onmessage = (event) => { self.onmessage = null; const require = () => ({ workerData: event.data }); postMessage("started");\n';

export class PageThread {
  private static starting: Promise<void>[] = [];
  private readonly worker: Worker;

  /** Start a Web Worker running `source` with `options.workerData` (the shape of Node's Worker with eval: true). */
  constructor(source: string, options: { eval: true; workerData: WorkerData }) {
    const url = URL.createObjectURL(new Blob([PRELUDE, source, "\n};\n"], { type: "text/javascript" }));
    this.worker = new Worker(url);
    PageThread.starting.push(new Promise((done, fail) => {
      this.worker.onmessage = () => {
        URL.revokeObjectURL(url);
        done();
      };
      this.worker.onerror = (e) => fail(new Error(`a kernel thread did not start: ${e.message}`));
    }));
    this.worker.postMessage(options.workerData);
  }

  terminate(): void {
    this.worker.terminate();
  }

  /** Resolves when every thread made so far runs its script (rejects if one failed to start). */
  static async started(): Promise<void> {
    const all = PageThread.starting;
    PageThread.starting = [];
    await Promise.all(all);
  }
}
