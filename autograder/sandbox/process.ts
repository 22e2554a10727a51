/**
 * One sandbox child process and the calls made into it.
 *
 * The child runs `child.mjs` from its sandbox folder under Node's permission model (read: the
 * sandbox folder only; write: its temp folder only; no child processes, workers or addons) with a
 * V8 heap cap. As root it also runs in fresh network and pid namespaces as user nobody (`unshare`),
 * so it has no network and cannot see or signal the grader. Every call has a time limit: on expiry
 * the child is killed (SIGKILL) and the next call starts a fresh one. Output (stdout+stderr) and the
 * size of responses are capped, and resident memory is watched.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { serialize, deserialize } from "node:v8";
import { SANDBOX_UID, type SandboxDir } from "./build.js";
import { GraderFault, sandboxNodeArgs } from "./permission.js";
import { sandboxNode } from "./node-binary.js";

/** Limits for one child. */
export interface SandboxLimits {
  /** Time limit per call, milliseconds (starting a child has its own, longer limit). */
  callTimeoutMs: number;
  /** V8 heap cap (--max-old-space-size) in MiB; resident memory is capped at twice this. */
  memoryMb: number;
  /** stdout+stderr bytes allowed per child before it is killed. */
  outputBytes: number;
  /** Largest single response frame accepted, bytes. */
  responseBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  callTimeoutMs: 5000,
  memoryMb: 512,
  outputBytes: 1 << 20,
  responseBytes: 64 << 20,
};

/** How the child is isolated on this machine (decided once per process). */
export interface Isolation {
  /** Own network and pid namespaces, as user nobody (`unshare`, needs root). */
  namespaces: boolean;
  /** Without namespaces but as root: still run the child as user nobody. */
  dropUser?: boolean;
  note: string;
}

let isolationCache: Isolation | undefined;

/** Probe whether `unshare` can give the child its own network and pid namespaces as nobody. */
export function detectIsolation(): Isolation {
  if (isolationCache) return isolationCache;
  if (process.platform !== "linux" || process.getuid?.() !== 0) {
    isolationCache = {
      namespaces: false,
      note: "not running as root: children run without network isolation (unshare -n needs root) and as the grader's own user",
    };
    return isolationCache;
  }
  const probe = spawnSync("unshare", [...unshareArgs(), "true"], { stdio: "ignore", timeout: 5000 });
  isolationCache =
    probe.status === 0
      ? { namespaces: true, note: "children run in their own network and pid namespaces as user nobody" }
      : {
          namespaces: false,
          dropUser: true,
          note: `unshare is not usable here (${probe.error?.message ?? `exit ${probe.status}`}): no network isolation; children run as user nobody`,
        };
  return isolationCache;
}

function unshareArgs(): string[] {
  return ["--net", "--pid", "--fork", "--kill-child", "--setuid", String(SANDBOX_UID), "--setgid", String(SANDBOX_UID), "--"];
}

/** Outcome of one request. `kind` says why a call produced no outputs. */
export type CallOutcome =
  | { ok: true; outputs: Record<string, unknown>; notes: string[] }
  | {
      ok: false;
      kind: "timeout" | "crash" | "import" | "missing" | "call" | "memory" | "output" | "protocol" | "fault";
      message: string;
      notes: string[];
    };

interface Pending {
  id: number;
  resolve: (o: CallOutcome) => void;
  timer: NodeJS.Timeout;
}

const KEEP_OUTPUT = 4096;
/** Time allowed for a child to start and report ready (the child runner imports nothing of the student's). */
const STARTUP_MS = 20_000;

/** A reusable child for one submission; restarts itself after a kill. */
export class SandboxProcess {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private pending: Pending | undefined;
  private nextId = 1;
  private outputSeen = 0;
  private readonly kept: string[] = [];
  private keptBytes = 0;
  private memTimer: NodeJS.Timeout | undefined;
  /** Number of children started (1 + restarts after kills). */
  starts = 0;

  constructor(
    private readonly dir: SandboxDir,
    private readonly limits: SandboxLimits = DEFAULT_LIMITS,
    private readonly isolation: Isolation = detectIsolation(),
  ) {}

  /** The first few KiB the student's code printed (stdout and stderr interleaved), paths scrubbed. */
  printed(): string {
    return this.scrub(this.kept.join(""));
  }

  /** Replace the sandbox's temporary path by "<sandbox>" so feedback is the same on every run. */
  private scrub(text: string): string {
    const url = pathToFileURL(this.dir.root).href;
    return text.split(url).join("file://<sandbox>").split(this.dir.root).join("<sandbox>");
  }

  /** Import one student file in the child; fails like a call (import error, timeout, ...). */
  load(file: string): Promise<CallOutcome> {
    return this.request({ type: "load", file });
  }

  /** Call a student function; `outputs` maps output names to paths into the returned value. */
  call(call: unknown, outputs: Record<string, (string | number)[]>): Promise<CallOutcome> {
    return this.request({ type: "call", call, outputs });
  }

  private async request(body: Record<string, unknown>): Promise<CallOutcome> {
    try {
      await this.start();
    } catch (e) {
      // Nothing of the student's runs before the child is ready: failing to start is the grader's fault.
      return { ok: false, kind: "fault", message: `the sandbox could not start: ${(e as Error).message}`, notes: [] };
    }
    const child = this.child;
    if (!child?.stdin) return { ok: false, kind: "crash", message: "the sandbox process is gone", notes: [] };
    const id = this.nextId++;
    // The time limit covers the call only: starting a fresh child (slow on a busy machine) has its own.
    return new Promise<CallOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.fail("timeout", `timed out after ${formatSeconds(this.limits.callTimeoutMs)} (an infinite loop, or far too slow)`);
      }, this.limits.callTimeoutMs);
      this.pending = { id, resolve, timer };
      this.watchMemory();
      const payload = serialize({ ...body, id });
      const head = Buffer.alloc(4);
      head.writeUInt32LE(payload.length, 0);
      child.stdin!.write(Buffer.concat([head, payload]), (err) => {
        if (err) this.fail("crash", `the sandbox stopped accepting input (${err.message})`);
      });
    });
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    this.starts++;
    const script = join(this.dir.root, "child.mjs");
    let nodeArgs: string[];
    try {
      nodeArgs = sandboxNodeArgs(script, this.dir.root, this.dir.tmp, this.limits.memoryMb);
    } catch (e) {
      this.starts--;
      return Promise.reject(e instanceof GraderFault ? e : new GraderFault((e as Error).message));
    }
    const [cmd, args] = this.isolation.namespaces
      ? ["unshare", [...unshareArgs(), sandboxNode(), ...nodeArgs]]
      : [sandboxNode(), nodeArgs];
    const child = spawn(cmd, args, {
      cwd: this.dir.root,
      env: { NNKIT_SANDBOX_ROOT: this.dir.root, TMPDIR: this.dir.tmp, HOME: this.dir.tmp, PATH: "/usr/sbin:/usr/bin:/sbin:/bin" },
      stdio: ["pipe", "pipe", "pipe", "pipe"],
      detached: true,
      ...(!this.isolation.namespaces && this.isolation.dropUser ? { uid: SANDBOX_UID, gid: SANDBOX_UID } : {}),
    });
    this.child = child;
    this.ready = new Promise<void>((resolve, reject) => {
      let isReady = false;
      const startLimit = Math.max(STARTUP_MS, this.limits.callTimeoutMs);
      const startTimer = setTimeout(() => {
        if (!isReady) {
          this.kill();
          reject(new Error(`no answer within ${formatSeconds(startLimit)}`));
        }
      }, startLimit);
      const onFrame = (msg: unknown): void => {
        if (!isReady) {
          isReady = true;
          clearTimeout(startTimer);
          resolve();
          return;
        }
        this.deliver(msg);
      };
      const responses = child.stdio[3] as NodeJS.ReadableStream | null;
      const frames = { buffer: Buffer.alloc(0) };
      responses?.on("data", (chunk: Buffer) => {
        if (this.child === child) this.onData(frames, chunk, onFrame);
      });
      const capture = (chunk: Buffer): void => {
        if (this.child === child) this.onOutput(chunk);
      };
      child.stdout?.on("data", capture);
      child.stderr?.on("data", capture);
      child.stdin?.on("error", () => undefined);
      child.on("error", (e) => {
        clearTimeout(startTimer);
        if (!isReady) reject(e);
        if (this.child === child) this.fail("crash", `the sandbox process failed: ${e.message}`);
      });
      child.on("exit", (code, signal) => {
        clearTimeout(startTimer);
        const current = this.child === child;
        if (current) {
          this.child = undefined;
          this.ready = undefined;
        }
        if (!isReady) reject(new Error(`the sandbox exited before it was ready (${signal ?? `code ${code}`})`));
        const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
        if (current) this.fail("crash", `the student's code ended the process during the call: it ${how}`);
      });
    });
    return this.ready;
  }

  private onData(frames: { buffer: Buffer }, chunk: Buffer, onFrame: (msg: unknown) => void): void {
    frames.buffer = Buffer.concat([frames.buffer, chunk]);
    while (frames.buffer.length >= 4) {
      const len = frames.buffer.readUInt32LE(0);
      if (len > this.limits.responseBytes) {
        this.fail("output", `the result was larger than ${Math.round(this.limits.responseBytes / (1 << 20))} MiB`);
        this.kill();
        return;
      }
      if (frames.buffer.length < 4 + len) return;
      let msg: unknown;
      try {
        msg = deserialize(frames.buffer.subarray(4, 4 + len));
      } catch {
        this.fail("protocol", "the sandbox sent data that could not be read");
        this.kill();
        return;
      }
      frames.buffer = frames.buffer.subarray(4 + len);
      onFrame(msg);
    }
  }

  private onOutput(chunk: Buffer): void {
    this.outputSeen += chunk.length;
    if (this.keptBytes < KEEP_OUTPUT) {
      const part = chunk.subarray(0, KEEP_OUTPUT - this.keptBytes).toString("utf8");
      this.kept.push(part);
      this.keptBytes += part.length;
    }
    if (this.outputSeen > this.limits.outputBytes) {
      this.fail("output", `the code printed more than ${Math.round(this.limits.outputBytes / 1024)} KiB`);
      this.kill();
    }
  }

  /** A response frame: accept it only for the pending request id and with the expected fields. */
  private deliver(msg: unknown): void {
    const p = this.pending;
    if (!p || msg === null || typeof msg !== "object") return;
    const m = msg as Record<string, unknown>;
    if (m.id !== p.id) return;
    const notes = Array.isArray(m.notes) ? m.notes.filter((n): n is string => typeof n === "string").map((n) => this.scrub(n.slice(0, 500))) : [];
    this.settle(
      m.ok === true
        ? { ok: true, outputs: m.outputs !== null && typeof m.outputs === "object" ? (m.outputs as Record<string, unknown>) : {}, notes }
        : {
            ok: false,
            kind: m.phase === "import" || m.phase === "missing" ? m.phase : "call",
            message: typeof m.error === "string" ? this.scrub(m.error.slice(0, 2000)) : "the call failed",
            notes,
          },
    );
  }

  private fail(kind: Exclude<CallOutcome, { ok: true }>["kind"], message: string): void {
    if (kind === "timeout" || kind === "memory") this.kill();
    this.settle({ ok: false, kind, message, notes: [] });
  }

  private settle(outcome: CallOutcome): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    if (this.memTimer) clearInterval(this.memTimer);
    this.memTimer = undefined;
    p.resolve(outcome);
  }

  /** Check resident memory of the child's processes every 50 ms while a call is pending. */
  private watchMemory(): void {
    if (process.platform !== "linux") return;
    const capKb = this.limits.memoryMb * 2 * 1024;
    this.memTimer = setInterval(() => {
      const pid = this.child?.pid;
      if (pid === undefined) return;
      if (processTreeRssKb(pid) > capKb) {
        this.fail("memory", `used more than ${this.limits.memoryMb * 2} MiB of memory`);
      }
    }, 50);
  }

  /** Kill the child (SIGKILL); the next request starts a fresh one. */
  kill(): void {
    const child = this.child;
    if (!child?.pid) return;
    for (const pid of descendants(child.pid)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    try {
      process.kill(child.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
    this.child = undefined;
    this.ready = undefined;
  }

  /**
   * Stop the child at the end of a submission: close its input so it exits by itself (its CPU time
   * is then accounted to the grader's children), and kill it if it has not within `graceMs`.
   */
  async close(graceMs = 500): Promise<void> {
    this.settle({ ok: false, kind: "crash", message: "the sandbox was closed", notes: [] });
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.ready = undefined;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.stdin?.end();
    const timer = new Promise<"late">((resolve) => setTimeout(() => resolve("late"), graceMs).unref());
    if ((await Promise.race([exited, timer])) === "late") {
      this.child = child;
      this.kill();
    }
  }
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

function descendants(pid: number): number[] {
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

function processTreeRssKb(pid: number): number {
  let total = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      if (m) total += Number(m[1]);
    } catch {
      /* gone */
    }
  }
  return total;
}
