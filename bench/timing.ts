/**
 * Timing for the benchmark: run a function until a time budget is spent and report the median
 * wall-clock and CPU seconds per run; plus the plain-text table printer.
 *
 * CPU time (user + system of the whole process, all threads) is reported next to wall time because
 * on a shared machine wall time also counts the time other processes hold the cores: for a
 * single-threaded run, work / CPU time is what it achieves on a core of its own.
 */
import type { Figure } from "./workloads.js";

/** Seconds of one measured call: elapsed, and CPU time used by this process in that interval. */
export interface Timing {
  wall: number;
  cpu: number;
}

/** Time one call of `fn` (no warm-up): for peers too slow to run twice. */
export async function once(fn: () => unknown): Promise<Timing> {
  const t0 = performance.now();
  const c0 = cpuSeconds();
  await fn();
  return { wall: (performance.now() - t0) / 1000, cpu: cpuSeconds() - c0 };
}

/** The median of `xs` (the upper one of an even count); sorts `xs`. */
export function median(xs: number[]): number {
  return xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

/** Median wall and CPU seconds per call of `fn` after one warm-up call, repeating until `budget` seconds or `maxReps`. */
export async function measure(fn: () => unknown, budget: number, maxReps = 200, minReps = 3): Promise<Timing> {
  await fn();
  const runs: Timing[] = [];
  const start = performance.now();
  while (runs.length < maxReps && (runs.length < minReps || performance.now() - start < budget * 1000)) runs.push(await once(fn));
  return { wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)) };
}

/** CPU seconds this process has used (all threads). */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** `work` units (flops, images) per second of `t`, wall-clock and per CPU second; `batch` when measured on fewer images than the row's. */
export function rate(work: number, t: Timing, scale = 1, batch?: number): Figure {
  return { value: work / t.wall / scale, cpuValue: work / Math.max(t.cpu, 1e-9) / scale, batch };
}

/** Print rows as an aligned text table; the first row is the header, the first column is left-aligned. */
export function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  console.log(line(rows[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows.slice(1)) console.log(line(r));
}
