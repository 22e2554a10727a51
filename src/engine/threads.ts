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
import type { WasmMemory, WasmModule } from "./webassembly.js";

/** What a worker is given: the module and memory it shares, the control block and its slots in it. */
export interface WorkerData {
  module: WasmModule;
  memory: WasmMemory;
  control: SharedArrayBuffer;
  names: readonly string[];
  state: number;
  ran: number;
  args: number;
}

/**
 * Starts a worker running `source` (a CommonJS script reading `require("node:worker_threads").workerData`):
 * Node's Worker with `eval: true`, or a host's stand-in (a web page's Web Worker, src/browser/threads.ts).
 */
export type WorkerConstructor = new (source: string, options: { eval: true; workerData: WorkerData }) => { unref?(): void; terminate(): unknown };

// Control block (Int32 slots): the job (KERNEL … FAILED), then per worker a state slot and a count
// of the items it ran, then the argument lists of the job.
const KERNEL = 0, COUNT = 1, NEXT = 2, NARGS = 3, FAILED = 4, HEADER = 8;
/** Int32 slots for the argument lists of one call (16 KiB). */
const ARG_SLOTS = 4096;
// A worker's state: nothing to do, a job offered, the job taken, the job finished.
const IDLE = 0, POSTED = 1, TAKEN = 2, FINISHED = 3;

/** Where worker `index`'s slots and the argument lists are, for `workers` workers. */
function layout(workers: number): { state: (index: number) => number; ran: (index: number) => number; args: number; slots: number } {
  const args = HEADER + 2 * workers;
  return { state: (i) => HEADER + 2 * i, ran: (i) => HEADER + 2 * i + 1, args, slots: args + ARG_SLOTS };
}

// Runs inside each worker (plain JavaScript, evaluated as a CommonJS script).
const workerSource = `
const { workerData } = require("node:worker_threads");
const { module, memory, control, names, state, ran, args } = workerData;
const abort = () => { throw new Error("nnkit kernels: a WebAssembly kernel aborted"); };
const kernels = new WebAssembly.Instance(module, { env: { memory, abort } }).exports;
const c = new Int32Array(control);
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
      f(...Array.from(c.subarray(args + i * n, args + (i + 1) * n)));
      Atomics.add(c, ran, 1);
    }
  } catch (e) {
    c[${FAILED}] = 1;
  }
  Atomics.store(c, state, ${FINISHED});
  Atomics.notify(c, state);
}
`;

export class ThreadPool {
  private readonly workers: InstanceType<WorkerConstructor>[] = [];
  private readonly c: Int32Array;
  private readonly at: ReturnType<typeof layout>;

  /**
   * Start `count` workers (any number ≥ 0) on `module` with the shared `memory`; `names` are the
   * kernels they may run (the module's function exports).
   */
  constructor(
    Worker: WorkerConstructor,
    module: WasmModule,
    memory: WasmMemory,
    count: number,
    private readonly names: readonly string[],
  ) {
    this.at = layout(count);
    const control = new SharedArrayBuffer(this.at.slots * 4);
    this.c = new Int32Array(control);
    for (let index = 0; index < count; index++) {
      const workerData: WorkerData = { module, memory, control, names, state: this.at.state(index), ran: this.at.ran(index), args: this.at.args };
      const worker = new Worker(workerSource, { eval: true, workerData });
      worker.unref?.();
      this.workers.push(worker);
    }
  }

  /** Number of worker threads (the calling thread comes on top). */
  get size(): number {
    return this.workers.length;
  }

  /** Work items the worker threads (not the calling thread) have run since the pool started. */
  workerItems(): number {
    let total = 0;
    for (let w = 0; w < this.workers.length; w++) total += Atomics.load(this.c, this.at.ran(w));
    return total;
  }

  /**
   * Run `kernel` once per argument list, on this thread (through `run`) and on the workers that
   * wake up in time; returns when every list has been run.
   */
  parallel(kernel: string, argLists: readonly number[][], run: (args: number[]) => void): void {
    const c = this.c;
    const { state, args } = this.at;
    const index = this.names.indexOf(kernel);
    if (index < 0) throw new Error(`ThreadPool: unknown kernel ${kernel}`);
    const n = argLists[0]?.length ?? 0;
    if (argLists.length * n > ARG_SLOTS) throw new Error(`ThreadPool: ${argLists.length} argument lists of ${n} do not fit in ${ARG_SLOTS} slots`);
    argLists.forEach((list, i) => c.set(list, args + i * n));
    c[KERNEL] = index;
    c[COUNT] = argLists.length;
    c[NARGS] = n;
    c[FAILED] = 0;
    Atomics.store(c, NEXT, 0);
    for (let w = 0; w < this.workers.length; w++) {
      Atomics.store(c, state(w), POSTED);
      Atomics.notify(c, state(w));
    }
    try {
      for (let i = Atomics.add(c, NEXT, 1); i < argLists.length; i = Atomics.add(c, NEXT, 1)) run(argLists[i]);
    } finally {
      for (let w = 0; w < this.workers.length; w++) {
        const s = state(w);
        if (Atomics.compareExchange(c, s, POSTED, IDLE) === POSTED) continue; // never started
        for (let v = Atomics.load(c, s); v !== FINISHED; v = Atomics.load(c, s)) Atomics.wait(c, s, v);
        Atomics.store(c, s, IDLE);
      }
    }
    if (c[FAILED] !== 0) throw new Error(`ThreadPool: kernel ${kernel} failed in a worker thread`);
  }

  /** Stop the workers. */
  close(): void {
    this.c[KERNEL] = -1;
    for (let w = 0; w < this.workers.length; w++) {
      Atomics.store(this.c, this.at.state(w), POSTED);
      Atomics.notify(this.c, this.at.state(w));
      void this.workers[w].terminate();
    }
    this.workers.length = 0;
  }
}
