/**
 * `npm run bench:profile`: where the time of a LeNet-5 training epoch goes (batch 64 and 16, one
 * thread and all cores), in wall-clock and CPU milliseconds per step (CPU: the whole process, all
 * threads, in the same intervals). The epoch is the benchmark's (bench/epoch.ts): real MNIST
 * images through train() with the CLI's progress line, so that what a user waits for is counted.
 * Every row is exclusive (a part's time without the parts timed inside it and without the
 * estimated cost of timing them, so a row of a few hundredths of a millisecond may come out
 * slightly negative):
 *
 * - the kernels (one thread: every call under its primitive's name; more threads: each program as
 *   a whole — forward, backward, optimizer update);
 * - the parts of train()'s loop around them (trainTimed: shuffling, labels, the batch gathered into
 *   kernel memory and the scores copied out, the finiteness check, the loss on the host, the
 *   update's queueing, accuracy counting, the progress line), and what is left of train();
 * - garbage-collection pauses (inside the rows above), and the median step beside the epoch's
 *   mean step: the gap between the two is what a median-step benchmark does not see.
 *
 * `--layers` runs the layers' own fast functions one by one instead (what a model the training
 * programs cannot take runs): each layer function outside its kernels.
 */
import { availableParallelism, loadavg } from "node:os";
import { PerformanceObserver } from "node:perf_hooks";
import { Command } from "commander";
import { configureKernels, kernelEngine } from "../src/engine/index.js";
import { runSerially, type Engine } from "../src/engine/engine.js";
import { WasmEngine } from "../src/engine/wasm.js";
import { fastKernels } from "../src/ops/fast.js";
import type { Ops } from "../src/ops/index.js";
import { progressLine } from "../src/cli/progress.js";
import { progressText } from "../src/cli/train.js";
import { layerFromSpec } from "../src/models/modules.js";
import { Sequential } from "../src/models/sequential.js";
import { lenet5 } from "../src/models/specs.js";
import { train, trainTimed } from "../src/models/train.js";
import { Adam } from "../src/optim/index.js";
import { Rng } from "../src/random.js";
import { mnistEpoch } from "./epoch.js";
import { median, printTable } from "./timing.js";

/** Accumulated wall and CPU milliseconds and calls of one named part. */
interface Part {
  wall: number;
  cpu: number;
  calls: number;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Exclusive timings: a part's time without the timings nested in it (and without their own cost, estimated). */
class Profile {
  readonly parts = new Map<string, Part>();
  private readonly open: Part[] = [];
  /** Wall and CPU ms one timing costs its enclosing part (measured by calibrate()). */
  private cost = { wall: 0, cpu: 0 };
  timings = 0;

  time<T>(name: string, fn: () => T): T {
    const w0 = performance.now(), c0 = cpuMs();
    const children: Part = { wall: 0, cpu: 0, calls: 0 };
    this.open.push(children);
    try {
      return fn();
    } finally {
      this.open.pop();
      const wall = performance.now() - w0, cpu = cpuMs() - c0;
      const p = this.parts.get(name) ?? { wall: 0, cpu: 0, calls: 0 };
      p.wall += wall - children.wall;
      p.cpu += cpu - children.cpu;
      p.calls++;
      this.parts.set(name, p);
      this.timings++;
      const parent = this.open[this.open.length - 1];
      if (parent) {
        parent.wall += wall + this.cost.wall;
        parent.cpu += cpu + this.cost.cpu;
      }
    }
  }

  /** Measure what one timing costs (around an empty function), then forget the calibration's parts. */
  calibrate(): void {
    const n = 20000;
    const w0 = performance.now(), c0 = cpuMs();
    for (let i = 0; i < n; i++) this.time("calibration", () => 0);
    this.cost = { wall: (performance.now() - w0) / n, cpu: (cpuMs() - c0) / n };
    this.reset();
  }

  /** The estimated wall and CPU ms of all timings since the last reset. */
  overhead(): { wall: number; cpu: number } {
    return { wall: this.cost.wall * this.timings, cpu: this.cost.cpu * this.timings };
  }

  reset(): void {
    this.parts.clear();
    this.timings = 0;
  }
}

/** The fast table with every function timed under its name. */
function timedOps(profile: Profile): Ops {
  const timed: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(fastKernels)) {
    timed[name] = typeof fn === "function" ? (...args: unknown[]) => profile.time(`op ${name} (outside kernels)`, () => (fn as (...a: unknown[]) => unknown)(...args)) : fn;
  }
  return timed as unknown as Ops;
}

/** The programs of a training step, in the order train() runs them. */
const PROGRAMS = ["forward program", "backward program", "update program"];

/** What each part of trainTimed's step is, as the table says it. */
const LOOP_PARTS: Readonly<Record<string, string>> = {
  "batch order": "loop: shuffle (batch order)",
  labels: "loop: gather labels",
  forward: "loop: batch into kernel memory, scores out",
  "finite check": "loop: finiteness check of the scores",
  loss: "loop: loss and dscores on the host",
  backward: "loop: dscores into kernel memory",
  update: "loop: queue and encode the update",
  accuracy: "loop: accuracy counting",
  progress: "loop: progress line (the CLI's)",
};

/**
 * Time what runs on `e`: with one thread every call, under its primitive's name (runs the program
 * here, call by call); with more, each program as a whole, named by its place in the step.
 */
function timeKernels(e: WasmEngine, profile: Profile, layers: boolean): () => void {
  const execute = e.execute.bind(e);
  let count = 0;
  const exports = (name: string) => e.exported(name)!;
  (e as { execute: Engine["execute"] }).execute = (program) => {
    if (e.threads === 1) {
      runSerially(program, (c) => profile.time(`kernel ${c.kernel.name}`, () => exports(c.kernel.name)(...c.args)));
      return;
    }
    const name = layers ? "kernels (all threads)" : PROGRAMS[count++ % PROGRAMS.length];
    profile.time(name, () => execute(program));
  };
  return () => {
    (e as { execute: Engine["execute"] }).execute = execute;
  };
}

/** What one profiled epoch gives: the rows (ms per step) and the whole epoch's and the median step's ms. */
interface Run {
  rows: [string, Part][];
  epoch: Part;
  medianStep: number;
}

async function profileRun(threads: number, batch: number, images: number, layers: boolean): Promise<Run> {
  configureKernels({ engine: "wasm", threads });
  const profile = new Profile();
  const rng = new Rng(0);
  const ops = layers ? timedOps(profile) : fastKernels;
  const model = new Sequential(lenet5().layers.map((spec) => layerFromSpec(spec, { rng, dtype: "float32", ops })), { dtype: "float32" });
  const optimizer = new Adam({ lr: 1e-3 });
  const stepFused = optimizer.stepFused.bind(optimizer);
  optimizer.stepFused = (p, g, f) => profile.time("optimizer step", () => stepFused(p, g, f));
  const { images: x, labels: y } = mnistEpoch(images);
  const e = kernelEngine();
  if (!(e instanceof WasmEngine)) throw new Error("the profile needs the WebAssembly kernels (npm run build:kernels)");
  train(model, { x, y }, { epochs: 1, batchSize: batch, limit: 2 * batch, optimizer }); // warm-up
  const restore = timeKernels(e, profile, layers);
  profile.calibrate();
  const progress = progressLine(process.stderr, Number.POSITIVE_INFINITY);
  const steps: number[] = [];
  let last = 0;
  let gc = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gc += entry.duration;
  });
  observer.observe({ entryTypes: ["gc"] });
  const w0 = performance.now(), c0 = cpuMs();
  trainTimed(model, { x, y }, { epochs: 1, batchSize: batch, optimizer, onProgress: (p) => {
    progress.update(progressText(p));
    steps.push(p.elapsed - last);
    last = p.elapsed;
  } }, (part, fn) => profile.time(LOOP_PARTS[part] ?? part, fn));
  const whole = { wall: performance.now() - w0, cpu: cpuMs() - c0, calls: 0 };
  await new Promise((resolve) => setTimeout(resolve, 20)); // the GC entries of the epoch reach the observer from the event loop
  for (const entry of observer.takeRecords()) gc += entry.duration;
  observer.disconnect();
  restore();
  const n = steps.length;
  const per = (p: Part): Part => ({ wall: p.wall / n, cpu: p.cpu / n, calls: p.calls / n });
  const rows = [...profile.parts.entries()].map(([name, p]) => [name, per(p)] as [string, Part]);
  const timed = rows.reduce((s, [, p]) => ({ wall: s.wall + p.wall, cpu: s.cpu + p.cpu }), { wall: 0, cpu: 0 });
  const overhead = profile.overhead();
  rows.push(["(the profiler's own timing, estimated)", per({ ...overhead, calls: 0 })]);
  rows.push(["(rest of train(): setup, program, bookkeeping)", { wall: whole.wall / n - timed.wall - overhead.wall / n, cpu: whole.cpu / n - timed.cpu - overhead.cpu / n, calls: 0 }]);
  rows.push(["(of the rows above: GC pauses)", { wall: gc / n, cpu: Number.NaN, calls: 0 }]);
  return { rows, epoch: per(whole), medianStep: median(steps) * 1000 };
}

/** The table of one batch size: a column pair per thread count. */
function table(batch: number, runs: (Run & { threads: number })[]): string[][] {
  const names = [...new Set(runs.flatMap((r) => r.rows.map(([n]) => n)))];
  const ms = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? "" : x.toFixed(2));
  const cells = (p: Part | undefined) => (p ? [ms(p.wall), ms(p.cpu)] : ["—", "—"]);
  const header = [`batch ${batch}, ms per step`, "calls", ...runs.flatMap((r) => [`${r.threads}t wall`, `${r.threads}t cpu`])];
  const body = names.map((n) => [n, String(runs[0].rows.find(([m]) => m === n)?.[1].calls ?? ""), ...runs.flatMap((r) => cells(r.rows.find(([m]) => m === n)?.[1]))]);
  return [
    header,
    ...body,
    ["whole epoch, per step", "", ...runs.flatMap((r) => cells(r.epoch))],
    ["median step (what a median-step figure sees)", "", ...runs.flatMap((r) => [ms(r.medianStep), ""])],
    ["images/s: epoch | median step", "", ...runs.flatMap((r) => [(batch / r.epoch.wall * 1000).toFixed(0), (batch / r.medianStep * 1000).toFixed(0)])],
  ];
}

async function main(): Promise<void> {
  const cores = availableParallelism();
  const { layers = false, images = "3200" } = new Command("npm run bench:profile --")
    .description("where the time of a LeNet-5 training epoch on MNIST goes, at batch 64 and 16, on one thread and on all cores (ms per step, wall and CPU)")
    .option("--layers", "profile the layers' own fast functions one by one (what a model the training programs cannot take runs)")
    .option("--images <n>", "MNIST training images in the epoch", "3200")
    .parse()
    .opts<{ layers?: boolean; images?: string }>();
  const n = Number(images);
  if (!Number.isInteger(n) || n < 128 || n > 60000) throw new Error(`--images must be a whole number from 128 to 60000, got ${images}`);
  console.log(`LeNet-5 training epoch profile (${n} MNIST images), ${layers ? "layer by layer" : "as programs"}: node ${process.version}, ${cores} cores, load average ${loadavg()[0].toFixed(2)}`);
  for (const batch of [64, 16]) {
    const runs: (Run & { threads: number })[] = [];
    for (const t of new Set([1, cores])) runs.push({ threads: t, ...(await profileRun(t, batch, n, layers)) });
    printTable(table(batch, runs));
    console.log();
  }
  console.log(`load average at the end ${loadavg()[0].toFixed(2)}`);
  process.exit(0);
}

void main();
