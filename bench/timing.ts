/**
 * Timing for the benchmark: run a function until a time budget is spent and report the median
 * seconds per run; plus the plain-text table printer.
 */

/** Median seconds per call of `fn` after one warm-up call, repeating until `budget` seconds or `maxReps`. */
export async function medianSeconds(fn: () => unknown, budget: number, maxReps = 200, minReps = 3): Promise<number> {
  await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxReps && (times.length < minReps || performance.now() - start < budget * 1000)) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Seconds of one call of `fn` (no warm-up): for peers too slow to run twice. */
export async function onceSeconds(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

/** Print rows as an aligned text table; the first row is the header, the first column is left-aligned. */
export function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  console.log(line(rows[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows.slice(1)) console.log(line(r));
}
