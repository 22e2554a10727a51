/**
 * Worker threads that run WebAssembly kernels on the same shared linear memory as the main thread.
 *
 * Each worker instantiates the kernel module on the shared WebAssembly.Memory and waits (Atomics.wait)
 * on a small shared control block for a job: a kernel name and its integer arguments. The main thread
 * posts one job per worker, runs its own share, then waits until every worker reports done, so the
 * kernels stay synchronous functions for their callers.
 */
import { Worker } from "node:worker_threads";
import type { WasmMemory, WasmModule } from "./webassembly.js";

// Control block (Int32 slots): 0 job number, 1 kernel index (-1 = exit), 2 finished job number,
// 3 argument count, 4 error flag, ARGS.. arguments.
const JOB = 0, KERNEL = 1, DONE = 2, COUNT = 3, FAILED = 4, ARGS = 8, SLOTS = 64;

// Runs inside each worker (plain JavaScript, evaluated as a CommonJS script).
const workerSource = `
const { workerData } = require("node:worker_threads");
const { module, memory, control, names } = workerData;
const abort = () => { throw new Error("nnkit kernels: a WebAssembly kernel aborted"); };
const kernels = new WebAssembly.Instance(module, { env: { memory, abort } }).exports;
const c = new Int32Array(control);
let seen = 0;
for (;;) {
  Atomics.wait(c, ${JOB}, seen);
  seen = Atomics.load(c, ${JOB});
  const k = c[${KERNEL}];
  if (k < 0) break;
  try {
    kernels[names[k]](...Array.from(c.subarray(${ARGS}, ${ARGS} + c[${COUNT}])));
  } catch (e) {
    c[${FAILED}] = 1;
  }
  Atomics.store(c, ${DONE}, seen);
  Atomics.notify(c, ${DONE});
}
`;

interface Slot {
  worker: Worker;
  control: Int32Array;
}

export class ThreadPool {
  private readonly slots: Slot[] = [];

  /** Start `count` workers on `module` with the shared `memory`; `names` are the kernels they may run. */
  constructor(module: WasmModule, memory: WasmMemory, count: number, private readonly names: readonly string[]) {
    for (let i = 0; i < count; i++) {
      const control = new SharedArrayBuffer(SLOTS * 4);
      const worker = new Worker(workerSource, { eval: true, workerData: { module, memory, control, names } });
      worker.unref();
      this.slots.push({ worker, control: new Int32Array(control) });
    }
  }

  /** Number of worker threads (the calling thread comes on top). */
  get size(): number {
    return this.slots.length;
  }

  /**
   * Run `kernel` with argLists[0] on the calling thread and argLists[1..] on the workers, and return
   * when all are finished. `run` calls the kernel on this thread.
   */
  parallel(kernel: string, argLists: number[][], run: (args: number[]) => void): void {
    const index = this.names.indexOf(kernel);
    if (index < 0) throw new Error(`ThreadPool: unknown kernel ${kernel}`);
    if (argLists.length - 1 > this.slots.length) {
      throw new Error(`ThreadPool: ${argLists.length} argument lists for ${this.slots.length + 1} threads`);
    }
    const posted: { c: Int32Array; job: number }[] = [];
    for (let t = 1; t < argLists.length; t++) {
      const c = this.slots[t - 1].control;
      const args = argLists[t];
      if (args.length > SLOTS - ARGS) throw new Error(`ThreadPool: too many arguments for ${kernel}`);
      c.set(args, ARGS);
      c[COUNT] = args.length;
      c[KERNEL] = index;
      c[FAILED] = 0;
      const job = Atomics.add(c, JOB, 1) + 1;
      Atomics.notify(c, JOB);
      posted.push({ c, job });
    }
    if (argLists.length > 0) run(argLists[0]);
    for (const { c, job } of posted) {
      for (let done = Atomics.load(c, DONE); done !== job; done = Atomics.load(c, DONE)) Atomics.wait(c, DONE, done);
      if (c[FAILED] !== 0) throw new Error(`ThreadPool: kernel ${kernel} failed in a worker thread`);
    }
  }

  /** Stop the workers. */
  close(): void {
    for (const { worker, control } of this.slots) {
      control[KERNEL] = -1;
      Atomics.add(control, JOB, 1);
      Atomics.notify(control, JOB);
      void worker.terminate();
    }
    this.slots.length = 0;
  }
}
