/**
 * Worker threads that run WebAssembly kernels on the same shared linear memory as the main thread.
 *
 * A parallel call is a list of work items (argument lists for one kernel). The main thread posts the
 * list, then works through it itself, item after item, claiming each with an atomic counter; each
 * worker that wakes up in time claims items from the same counter. When the list is exhausted the
 * main thread withdraws the offer from workers that have not started (so a worker that the
 * operating system wakes late costs nothing) and waits only for those still finishing an item.
 * The kernels therefore stay synchronous functions for their callers, and a busy machine, where a
 * second thread is not always given a core at once, degrades to one thread rather than stalling.
 */
import { Worker } from "node:worker_threads";
import type { WasmMemory, WasmModule } from "./webassembly.js";

// Control block (Int32 slots): the job, then one state slot per worker, then the argument lists.
const KERNEL = 0, COUNT = 1, NEXT = 2, NARGS = 3, FAILED = 4, STATE = 8, MAX_WORKERS = 8, ARGS = 16;
const SLOTS = 4096;
// A worker's state: nothing to do, a job offered, the job taken, the job finished.
const IDLE = 0, POSTED = 1, TAKEN = 2, FINISHED = 3;

// Runs inside each worker (plain JavaScript, evaluated as a CommonJS script).
const workerSource = `
const { workerData } = require("node:worker_threads");
const { module, memory, control, names, index } = workerData;
const abort = () => { throw new Error("nnkit kernels: a WebAssembly kernel aborted"); };
const kernels = new WebAssembly.Instance(module, { env: { memory, abort } }).exports;
const c = new Int32Array(control);
const state = ${STATE} + index;
for (;;) {
  const s = Atomics.load(c, state);
  if (s !== ${POSTED}) { Atomics.wait(c, state, s); continue; }
  if (Atomics.compareExchange(c, state, ${POSTED}, ${TAKEN}) !== ${POSTED}) continue;
  const k = c[${KERNEL}];
  if (k < 0) break;
  const f = kernels[names[k]];
  const n = c[${NARGS}];
  try {
    for (let i = Atomics.add(c, ${NEXT}, 1); i < c[${COUNT}]; i = Atomics.add(c, ${NEXT}, 1)) {
      f(...Array.from(c.subarray(${ARGS} + i * n, ${ARGS} + (i + 1) * n)));
    }
  } catch (e) {
    c[${FAILED}] = 1;
  }
  Atomics.store(c, state, ${FINISHED});
  Atomics.notify(c, state);
}
`;

export class ThreadPool {
  private readonly workers: Worker[] = [];
  private readonly c: Int32Array;

  /** Start `count` workers on `module` with the shared `memory`; `names` are the kernels they may run. */
  constructor(module: WasmModule, memory: WasmMemory, count: number, private readonly names: readonly string[]) {
    const control = new SharedArrayBuffer(SLOTS * 4);
    this.c = new Int32Array(control);
    for (let index = 0; index < Math.min(count, MAX_WORKERS); index++) {
      const worker = new Worker(workerSource, { eval: true, workerData: { module, memory, control, names, index } });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** Number of worker threads (the calling thread comes on top). */
  get size(): number {
    return this.workers.length;
  }

  /**
   * Run `kernel` once per argument list, on this thread (through `run`) and on the workers that
   * wake up in time; returns when every list has been run.
   */
  parallel(kernel: string, argLists: number[][], run: (args: number[]) => void): void {
    const c = this.c;
    const index = this.names.indexOf(kernel);
    if (index < 0) throw new Error(`ThreadPool: unknown kernel ${kernel}`);
    const n = argLists[0]?.length ?? 0;
    if (ARGS + argLists.length * n > SLOTS) throw new Error(`ThreadPool: ${argLists.length} argument lists of ${n} do not fit`);
    argLists.forEach((args, i) => c.set(args, ARGS + i * n));
    c[KERNEL] = index;
    c[COUNT] = argLists.length;
    c[NARGS] = n;
    c[FAILED] = 0;
    Atomics.store(c, NEXT, 0);
    for (let w = 0; w < this.workers.length; w++) {
      Atomics.store(c, STATE + w, POSTED);
      Atomics.notify(c, STATE + w);
    }
    try {
      for (let i = Atomics.add(c, NEXT, 1); i < argLists.length; i = Atomics.add(c, NEXT, 1)) run(argLists[i]);
    } finally {
      for (let w = 0; w < this.workers.length; w++) {
        if (Atomics.compareExchange(c, STATE + w, POSTED, IDLE) === POSTED) continue; // never started
        for (let s = Atomics.load(c, STATE + w); s !== FINISHED; s = Atomics.load(c, STATE + w)) Atomics.wait(c, STATE + w, s);
        Atomics.store(c, STATE + w, IDLE);
      }
    }
    if (c[FAILED] !== 0) throw new Error(`ThreadPool: kernel ${kernel} failed in a worker thread`);
  }

  /** Stop the workers. */
  close(): void {
    this.c[KERNEL] = -1;
    for (let w = 0; w < this.workers.length; w++) {
      Atomics.store(this.c, STATE + w, POSTED);
      Atomics.notify(this.c, STATE + w);
      void this.workers[w].terminate();
    }
    this.workers.length = 0;
  }
}
