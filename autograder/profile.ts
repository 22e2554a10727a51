/**
 * Where a submission's grading time goes: per phase, the wall-clock milliseconds the grader waited
 * and the CPU milliseconds the sandbox child computed, summed over a run (the benchmark's --profile).
 * Phases: compile (esbuild, in the grader), folder (laying the submission's files into a sandbox folder), start (spawning
 * the isolated child until it is ready: unshare, mounts, node, the harness and the kit's Tensor),
 * import (the student's files and the kit modules they import), calls (the hidden cases, with the
 * comparisons in the grader), close (the child's exit) and remove (giving the folder back for the next submission).
 */

/** The phases of grading one submission, in order. */
export const PHASES = ["compile", "wait", "folder", "start", "import", "calls", "close", "remove"] as const;
export type Phase = (typeof PHASES)[number];

/** Running totals: wall ms and child CPU ms per phase, children started, submissions seen. */
export class GradeProfile {
  readonly wallMs = new Map<Phase, number>(PHASES.map((p) => [p, 0]));
  readonly childCpuMs = new Map<Phase, number>(PHASES.map((p) => [p, 0]));
  submissions = 0;
  children = 0;

  /** Add `ms` of wall time (and `cpuMs` of the child's CPU time) to `phase`. */
  add(phase: Phase, ms: number, cpuMs = 0): void {
    this.wallMs.set(phase, this.wallMs.get(phase)! + ms);
    this.childCpuMs.set(phase, this.childCpuMs.get(phase)! + cpuMs);
  }

  /** One line per phase: mean wall ms and child CPU ms per submission. */
  lines(): string[] {
    const n = Math.max(1, this.submissions);
    const rows = PHASES.map((p) => `  ${p.padEnd(8)} ${(this.wallMs.get(p)! / n).toFixed(1).padStart(6)} ms wall  ${(this.childCpuMs.get(p)! / n).toFixed(1).padStart(6)} ms child CPU`);
    return [`per submission (mean of ${this.submissions}; ${(this.children / n).toFixed(2)} children each; child CPU in 10 ms ticks of /proc):`, ...rows];
  }
}
