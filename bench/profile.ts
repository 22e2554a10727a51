/**
 * `npm run bench:profile`: where the time of a LeNet-5 training step goes (batch 64 and 16, one
 * thread and all cores), in wall-clock milliseconds per step and CPU milliseconds of the process
 * (all threads) in the same intervals. Two ways of running the same step:
 *
 * - as programs (what train() does): the time of each primitive (one thread: every call timed;
 *   more threads: each program as a whole — forward, backward, optimizer update), and the
 *   training loop around them (batch gathering, loss);
 * - layer by layer (`--layers`: the layers' own fast functions, what a model the programs cannot
 *   take runs): each layer function, the kernels inside them, and the time outside the kernels
 *   (copies into and out of kernel memory, loops in TypeScript).
 */
import { availableParallelism, loadavg } from "node:os";
import { Command } from "commander";
import { Tensor } from "../src/tensor.js";
import { configureKernels, kernelEngine } from "../src/engine/index.js";
import { runSerially, type Engine } from "../src/engine/engine.js";
import { WasmEngine } from "../src/engine/wasm.js";
import { fastKernels } from "../src/ops/fast.js";
import type { Ops } from "../src/ops/index.js";
import { layerFromSpec } from "../src/models/modules.js";
import { Sequential } from "../src/models/sequential.js";
import { lenet5 } from "../src/models/specs.js";
import { train } from "../src/models/train.js";
import { Adam } from "../src/optim/index.js";
import { Rng } from "../src/random.js";
import { printTable } from "./timing.js";
import { fakeMnist } from "./workloads.js";

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

class Profile {
  readonly parts = new Map<string, Part>();
  /** Time `fn` under `name`; nested timings are counted in both. */
  time<T>(name: string, fn: () => T): T {
    const w0 = performance.now(), c0 = cpuMs();
    try {
      return fn();
    } finally {
      const p = this.parts.get(name) ?? { wall: 0, cpu: 0, calls: 0 };
      p.wall += performance.now() - w0;
      p.cpu += cpuMs() - c0;
      p.calls++;
      this.parts.set(name, p);
    }
  }
  reset(): void {
    this.parts.clear();
  }
}

/** The fast table with every function timed under its name. */
function timedOps(profile: Profile): Ops {
  const timed: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(fastKernels)) {
    timed[name] = typeof fn === "function" ? (...args: unknown[]) => profile.time(`op ${name}`, () => (fn as (...a: unknown[]) => unknown)(...args)) : fn;
  }
  return timed as unknown as Ops;
}

/** The programs of a training step, in the order train() runs them. */
const PROGRAMS = ["forward program", "backward program", "update program"];

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

function profileRun(threads: number, batch: number, steps: number, layers: boolean): { rows: [string, Part][]; step: Part } {
  configureKernels({ engine: "wasm", threads });
  const profile = new Profile();
  const rng = new Rng(0);
  const ops = layers ? timedOps(profile) : fastKernels;
  const model = new Sequential(lenet5().layers.map((spec) => layerFromSpec(spec, { rng, dtype: "float32", ops })), { dtype: "float32" });
  const optimizer = new Adam({ lr: 1e-3 });
  const stepFused = optimizer.stepFused.bind(optimizer);
  optimizer.stepFused = (p, g, f) => profile.time("optimizer step", () => stepFused(p, g, f));
  const { images, labels } = fakeMnist(batch * steps);
  const x = new Tensor(images, [batch * steps, 1, 28, 28]);
  const e = kernelEngine();
  if (!(e instanceof WasmEngine)) throw new Error("the profile needs the WebAssembly kernels (npm run build:kernels)");
  train(model, { x, y: labels }, { epochs: 1, batchSize: batch, limit: 2 * batch, optimizer }); // warm-up
  const restore = timeKernels(e, profile, layers);
  profile.reset();
  profile.time("step", () => train(model, { x, y: labels }, { epochs: 1, batchSize: batch, optimizer }));
  restore();
  const per = (p: Part): Part => ({ wall: p.wall / steps, cpu: p.cpu / steps, calls: p.calls / steps });
  const step = per(profile.parts.get("step")!);
  const rows = [...profile.parts.entries()].filter(([n]) => n !== "step").map(([n, p]) => [n, per(p)] as [string, Part]);
  const sum = (keep: (name: string) => boolean): Part =>
    rows.filter(([n]) => keep(n)).reduce((s, [, p]) => ({ wall: s.wall + p.wall, cpu: s.cpu + p.cpu, calls: 0 }), { wall: 0, cpu: 0, calls: 0 });
  const kernels = sum((n) => n.startsWith("kernel") || n.endsWith("program"));
  if (layers) {
    const outer = sum((n) => n.startsWith("op ") || n === "optimizer step");
    rows.push(["(layer functions and optimizer outside kernels)", { wall: outer.wall - kernels.wall, cpu: outer.cpu - kernels.cpu, calls: 0 }]);
    rows.push(["(training loop outside them)", { wall: step.wall - outer.wall, cpu: step.cpu - outer.cpu, calls: 0 }]);
  } else {
    rows.push(["(training loop outside the kernels)", { wall: step.wall - kernels.wall, cpu: step.cpu - kernels.cpu, calls: 0 }]);
  }
  return { rows, step };
}

function main(): void {
  const cores = availableParallelism();
  const { layers = false } = new Command("npm run bench:profile --")
    .description("where the time of a LeNet-5 training step goes, at batch 64 and 16, on one thread and on all cores (ms per step, wall and CPU)")
    .option("--layers", "profile the layers' own fast functions one by one (what a model the training programs cannot take runs)")
    .parse()
    .opts<{ layers?: boolean }>();
  console.log(`LeNet-5 training step profile, ${layers ? "layer by layer" : "as programs"}: node ${process.version}, ${cores} cores, load average ${loadavg()[0].toFixed(2)}`);
  for (const batch of [64, 16]) {
    const steps = Math.round(1280 / batch);
    const runs = [...new Set([1, cores])].map((t) => ({ threads: t, ...profileRun(t, batch, steps, layers) }));
    const names = [...new Set(runs.flatMap((r) => r.rows.map(([n]) => n)))];
    const cells = (p: Part | undefined) => (p ? [p.wall.toFixed(2), p.cpu.toFixed(2)] : ["—", "—"]);
    const header = ["batch " + batch + ", ms per step", "calls", ...runs.flatMap((r) => [`${r.threads}t wall`, `${r.threads}t cpu`])];
    const body = names.map((n) => [n, String(runs[0].rows.find(([m]) => m === n)?.[1].calls ?? ""), ...runs.flatMap((r) => cells(r.rows.find(([m]) => m === n)?.[1]))]);
    const total = ["whole step", "", ...runs.flatMap((r) => cells(r.step))];
    const ips = ["images/s (wall)", "", ...runs.flatMap((r) => [(batch / r.step.wall * 1000).toFixed(0), ""])];
    printTable([header, ...body, total, ips]);
    console.log();
  }
  console.log(`load average at the end ${loadavg()[0].toFixed(2)}`);
  process.exit(0);
}

main();
