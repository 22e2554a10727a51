/**
 * Worker threads that run WebAssembly kernels on the same shared linear memory as the main thread.
 *
 * What they run is a program (engine.ts): phases one after another, each a list of work items,
 * each item a short list of kernel calls run in order by one thread. The main thread posts the
 * whole program at once, then works through it itself, claiming items with an atomic counter per
 * phase; each worker that wakes up in time claims items from the same counters. A thread that has
 * no item left in a phase waits (spinning briefly, then sleeping) until every item of the phase is
 * done, then goes on to the next. So a training step costs one or two wake-ups rather than one per
 * layer, while the kernels stay synchronous functions for their callers. When the program is done
 * the main thread withdraws the offer from workers that have not started (so a worker that the
 * operating system wakes late costs nothing) and waits only for those still running: a busy
 * machine, where a second thread is not always given a core at once, degrades to one thread
 * rather than stalling.
 */
import type { Program } from "./engine.js";
import type { WasmMemory, WasmModule } from "./webassembly.js";

/** What a worker is given: the module and memory it shares, the control block, its index and slots in it. */
export interface WorkerData {
  module: WasmModule;
  memory: WasmMemory;
  control: SharedArrayBuffer;
  names: readonly string[];
  /** 1 + the worker's index (the main thread is thread 0): per-thread scratch is chosen by it. */
  thread: number;
  state: number;
  ran: number;
  program: number;
}

/**
 * Starts a worker running `source` (a CommonJS script reading `require("node:worker_threads").workerData`):
 * Node's Worker with `eval: true`, or a host's stand-in (a web page's Web Worker, src/browser/threads.ts).
 */
export type WorkerConstructor = new (source: string, options: { eval: true; workerData: WorkerData }) => { unref?(): void; terminate(): unknown };

// Control block (Int32 slots): STOP and FAILED, then per worker a state slot and a count of the
// items it ran, then the encoded program.
const STOP = 0, FAILED = 1, HEADER = 8;
/** Int32 slots for the encoded program (1 MiB). */
const PROGRAM_SLOTS = 1 << 18;
// A worker's state: nothing to do, a program offered, the program taken, the program finished.
const IDLE = 0, POSTED = 1, TAKEN = 2, FINISHED = 3;
/**
 * Polls of a shared slot before a thread goes to sleep on it (a few microseconds): the next phase
 * or program usually comes sooner than a sleeping thread could be woken.
 */
const SPINS = 4000;

// The encoded program: [phases, threadStride, then per phase: items, next, done, start of its item
// table], the item tables (offsets of items), and the items: [calls, then per call: kernel, number
// of arguments, per-thread mask, arguments].
const PHASES = 0, STRIDE = 1, PHASE_HEADER = 2, PHASE_SLOTS = 4;

/** The program as Int32 slots for the control block (kernel names → their index in `names`). */
export function encodeProgram(program: Program, names: readonly string[]): Int32Array {
  const out: number[] = [program.phases.length, program.threadStride];
  const headers = out.length;
  for (const phase of program.phases) out.push(phase.length, 0, 0, 0);
  program.phases.forEach((phase, p) => {
    out[headers + p * PHASE_SLOTS + 3] = out.length;
    const table = out.length;
    for (let i = 0; i < phase.length; i++) out.push(0);
    phase.forEach((item, i) => {
      out[table + i] = out.length;
      out.push(item.length);
      for (const call of item) {
        const k = names.indexOf(call.kernel.name);
        if (k < 0) throw new Error(`ThreadPool: the kernel module has no ${call.kernel.name} (rebuild it: npm run build:kernels)`);
        out.push(k, call.args.length, call.perThread, ...call.args);
      }
    });
  });
  return Int32Array.from(out);
}

// Runs a posted program on thread `t` (the main thread's and the workers' copy of the same code):
// `c` is the control block, `at` where the program starts, `kernels` the module's exports by index.
// Defined once as source text so that the workers evaluate exactly this function.
const runProgramSource = `function runProgram(c, at, t, kernels, onItem) {
  const phases = c[at + ${PHASES}], stride = c[at + ${STRIDE}];
  for (let p = 0; p < phases; p++) {
    const h = at + ${PHASE_HEADER} + p * ${PHASE_SLOTS};
    const count = c[h], next = h + 1, done = h + 2, table = at + c[h + 3];
    for (let i = Atomics.add(c, next, 1); i < count; i = Atomics.add(c, next, 1)) {
      if (c[${FAILED}] === 0) {
        try {
          let o = at + c[table + i];
          for (let calls = c[o++]; calls > 0; calls--) {
            const f = kernels[c[o]], n = c[o + 1], mask = c[o + 2];
            o += 3;
            const args = new Array(n);
            for (let a = 0; a < n; a++) args[a] = (mask >>> a) & 1 ? c[o + a] + t * stride : c[o + a];
            o += n;
            f(...args);
          }
          onItem();
        } catch (e) {
          c[${FAILED}] = 1;
        }
      }
      if (Atomics.add(c, done, 1) + 1 === count) Atomics.notify(c, done);
    }
    if (p + 1 < phases) {
      let spins = ${SPINS};
      for (let v = Atomics.load(c, done); v < count; v = Atomics.load(c, done)) {
        if (--spins < 0) Atomics.wait(c, done, v);
      }
    }
  }
}`;

/** runProgram as the main thread calls it. */
type RunProgram = (c: Int32Array, at: number, t: number, kernels: readonly ((...args: number[]) => void)[], onItem: () => void) => void;

/** The main thread's copy of runProgram, compiled from its source (by each pool when it starts: importing this module compiles nothing). */
function compileRunProgram(): RunProgram {
  return new Function(`return ${runProgramSource}`)() as RunProgram;
}

// Runs inside each worker (plain JavaScript, evaluated as a CommonJS script).
const workerSource = `
const { workerData } = require("node:worker_threads");
const { module, memory, control, names, thread, state, ran, program } = workerData;
const abort = () => { throw new Error("nnkit kernels: a WebAssembly kernel aborted"); };
const exports = new WebAssembly.Instance(module, { env: { memory, abort } }).exports;
const kernels = names.map((n) => exports[n]);
const c = new Int32Array(control);
const onItem = () => { c[ran]++; };
${runProgramSource}
for (;;) {
  let s = Atomics.load(c, state);
  for (let spins = ${SPINS}; s !== ${POSTED} && spins > 0; spins--) s = Atomics.load(c, state);
  if (s !== ${POSTED}) { Atomics.wait(c, state, s); continue; }
  if (Atomics.compareExchange(c, state, ${POSTED}, ${TAKEN}) !== ${POSTED}) continue;
  if (c[${STOP}] !== 0) break;
  runProgram(c, program, thread, kernels, onItem);
  Atomics.store(c, state, ${FINISHED});
  Atomics.notify(c, state);
}
`;

export class ThreadPool {
  private readonly workers: InstanceType<WorkerConstructor>[] = [];
  private readonly c: Int32Array;
  private readonly program: number;
  private readonly kernels: ((...args: number[]) => void)[];
  private readonly runProgram: RunProgram = compileRunProgram();

  /**
   * Start `count` workers (any number ≥ 0) on `module` with the shared `memory`; `names` are the
   * kernels they may run (the module's function exports), `exports` the main thread's instance of them.
   */
  constructor(
    Worker: WorkerConstructor,
    module: WasmModule,
    memory: WasmMemory,
    count: number,
    readonly names: readonly string[],
    exports: Readonly<Record<string, (...args: number[]) => unknown>>,
  ) {
    this.program = HEADER + 2 * count;
    const control = new SharedArrayBuffer((this.program + PROGRAM_SLOTS) * 4);
    this.c = new Int32Array(control);
    this.kernels = names.map((n) => exports[n] as (...args: number[]) => void);
    for (let index = 0; index < count; index++) {
      const workerData: WorkerData = {
        module, memory, control, names, thread: index + 1, state: this.state(index), ran: this.ran(index), program: this.program,
      };
      const worker = new Worker(workerSource, { eval: true, workerData });
      worker.unref?.();
      this.workers.push(worker);
    }
  }

  private state(worker: number): number {
    return HEADER + 2 * worker;
  }

  private ran(worker: number): number {
    return HEADER + 2 * worker + 1;
  }

  /** Number of worker threads (the calling thread comes on top). */
  get size(): number {
    return this.workers.length;
  }

  /** Work items the worker threads (not the calling thread) have run since the pool started. */
  workerItems(): number {
    let total = 0;
    for (let w = 0; w < this.workers.length; w++) total += Atomics.load(this.c, this.ran(w));
    return total;
  }

  /** Run an encoded program (encodeProgram) on this thread and on the workers that wake up in time; returns when it is done. */
  execute(encoded: Int32Array): void {
    const c = this.c;
    if (encoded.length > PROGRAM_SLOTS) throw new Error(`ThreadPool: a program of ${encoded.length} slots does not fit in ${PROGRAM_SLOTS}`);
    c.set(encoded, this.program);
    c[FAILED] = 0;
    for (let w = 0; w < this.workers.length; w++) {
      Atomics.store(c, this.state(w), POSTED);
      Atomics.notify(c, this.state(w));
    }
    try {
      this.runProgram(c, this.program, 0, this.kernels, () => {});
    } finally {
      for (let w = 0; w < this.workers.length; w++) {
        const s = this.state(w);
        if (Atomics.compareExchange(c, s, POSTED, IDLE) === POSTED) continue; // never started
        let spins = SPINS;
        for (let v = Atomics.load(c, s); v !== FINISHED; v = Atomics.load(c, s)) if (--spins < 0) Atomics.wait(c, s, v);
        Atomics.store(c, s, IDLE);
      }
    }
    if (c[FAILED] !== 0) throw new Error("nnkit kernels: a WebAssembly kernel aborted");
  }

  /** Stop the workers. */
  close(): void {
    this.c[STOP] = 1;
    for (let w = 0; w < this.workers.length; w++) {
      Atomics.store(this.c, this.state(w), POSTED);
      Atomics.notify(this.c, this.state(w));
      void this.workers[w].terminate();
    }
    this.workers.length = 0;
  }
}
