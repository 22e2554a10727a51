/**
 * The processes of a sandbox child as /proc shows them (Linux; elsewhere every reading is empty or
 * 0): the tree below its pid, the CPU time and the resident memory they use; and the children
 * still running when the grader exits, which are killed then.
 */
import type { ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, readSync } from "node:fs";

/** The pids below `pid` (its children, theirs, …), found through /proc; [] where there is none. */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    let kids: number[] = [];
    try {
      kids = readFileSync(`/proc/${p}/task/${p}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      kids = [];
    }
    for (const k of kids) {
      out.push(k);
      stack.push(k);
    }
  }
  return out;
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux) and one tick in ms. */
export const CPU_TICK_MS = 10;
/** `pid` and its descendants (none without a pid). */
export function processTree(pid: number | undefined): number[] {
  return pid === undefined ? [] : [pid, ...descendants(pid)];
}

/** The clock ticks of user and system time in one /proc/<pid>/stat line (its fields 14 and 15). */
function statTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU time (user + system, ms) used so far by the processes `pids` (0 for those gone, or where /proc is missing). */
export function cpuMsOf(pids: readonly number[]): number {
  let ticks = 0;
  for (const p of pids) {
    try {
      ticks += statTicks(readFileSync(`/proc/${p}/stat`, "utf8"));
    } catch {
      /* gone */
    }
  }
  return ticks * CPU_TICK_MS;
}

/** Room for one /proc/<pid>/stat line (about 300 bytes). */
const STAT_BYTES = Buffer.alloc(1024);

/**
 * cpuMsOf for a fixed list of processes, each one's /proc/<pid>/stat kept open, so that a reading
 * is one pread per process (a call's start reads it: reopening the files cost the grader ~3 ms a
 * submission). `close` releases the files.
 */
export class CpuClock {
  private readonly fds: number[] = [];

  constructor(pids: readonly number[]) {
    for (const p of pids) {
      try {
        this.fds.push(openSync(`/proc/${p}/stat`, "r"));
      } catch {
        /* gone, or no /proc */
      }
    }
  }

  /** CPU time (ms, in 10 ms ticks) the processes have used so far (0 for those gone). */
  ms(): number {
    let ticks = 0;
    for (const fd of this.fds) {
      try {
        ticks += statTicks(STAT_BYTES.toString("latin1", 0, readSync(fd, STAT_BYTES, 0, STAT_BYTES.length, 0)));
      } catch {
        /* gone */
      }
    }
    return ticks * CPU_TICK_MS;
  }

  close(): void {
    for (const fd of this.fds.splice(0)) closeSync(fd);
  }
}

/** Resident memory (KiB) of `pid` and its descendants, from /proc (0 where it is missing). */
export function processTreeRssKb(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      if (m) total += Number(m[1]);
    } catch {
      /* gone */
    }
  }
  return total;
}

/**
 * The children of this process that are still running. When the grader exits (also after Ctrl-C:
 * the CLI turns SIGINT and SIGTERM into an exit), each one's process group is killed: a child
 * that is spinning in a student's loop never reads the end of its input, and would run on.
 */
const running = new Set<ChildProcess>();
let exitHooked = false;

/** Kill `child`'s process group (SIGKILL) if it is still running when this process exits. */
export function killAtExit(child: ChildProcess): void {
  running.add(child);
  child.once("exit", () => running.delete(child)); // reaped: its pid may be another process's from now on
  if (!exitHooked) {
    exitHooked = true;
    process.on("exit", killRunning);
  }
}

function killRunning(): void {
  for (const child of running) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL"); // detached: its own group, with the isolation's wrappers
    } catch {
      /* already gone */
    }
  }
  running.clear();
}
