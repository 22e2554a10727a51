/**
 * One sandbox child process and the calls made into it.
 *
 * The child runs `child.cjs` from its sandbox folder under Node's permission model (read: the
 * sandbox folder only; write: its temp folder only; no child processes, workers or addons) with a
 * V8 heap cap, isolated from the machine as far as it allows (see isolation.ts). Every call has a
 * time limit on the CPU time it computes (so a busy machine does not time out a correct call): on
 * expiry the child is killed (SIGKILL) and the next call starts a fresh one. Output
 * (stdout+stderr, per call) and the size of responses are capped, and resident memory is watched;
 * running out of memory is reported as memory, however the child died. Only answers that carry the
 * child's frame key count (answers.ts): student code that writes frames of its own fails its call.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CHILD_SCRIPT, SANDBOX_UID, type SandboxDir } from "./build.js";
import { AnswerFrames, newFrameKey } from "./answers.js";
import { encodeFrame, REQUEST_FD, RESPONSE_FD } from "./codec.js";
import { detectIsolation, isolatedCommand, type Isolation } from "./isolation.js";
import { ChildOutput } from "./output.js";
import { GraderFault, sandboxNodeArgs } from "./permission.js";
import { sandboxNode } from "./node-binary.js";
import { CPU_TICK_MS, CpuClock, cpuMsOf, descendants, killAtExit, processTree, processTreeRssKb } from "./proctree.js";
import { DEFAULT_LIMITS, memoryMessage, type CallOutcome, type SandboxLimits } from "./limits.js";

// The probe lives in isolation.ts, the /proc readings in proctree.ts, the limits and outcomes in
// limits.ts; callers that start sandboxes find them here too.
export { detectIsolation, type Isolation } from "./isolation.js";
export { cpuMsOf, descendants } from "./proctree.js";
export { DEFAULT_LIMITS, memoryMessage, type CallOutcome, type SandboxLimits } from "./limits.js";

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
  /** Student files imported by the current child. */
  private readonly imported = new Set<string>();
  /** stdout+stderr bytes that reached the grader since the current request was sent (the budget is per call). */
  private outputSeen = 0;
  private readonly kept: string[] = [];
  private keptBytes = 0;
  private memTimer: NodeJS.Timeout | undefined;
  /**
   * The CPU clock of the current child's processes as last listed (when it became ready, then at
   * each time-limit check): a call's CPU time at its start is read from these without walking
   * /proc again (the permission model lets the child start no process; a check walks afresh all
   * the same).
   */
  private clock = new CpuClock([]);
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

  /** Import one student file (manifest path, e.g. src/layers/relu.ts) in the child; fails like a call (import error, timeout, ...). */
  async load(file: string): Promise<CallOutcome> {
    const outcome = await this.request({ type: "load", file, js: file.replace(/\.ts$/, ".js") });
    if (outcome.ok) this.imported.add(file);
    return outcome;
  }

  /**
   * Call a student function; `outputs` maps output names to paths into the returned value. With
   * `keep` (a path, e.g. [1] for a forward pass's cache) the child keeps the whole result for the
   * next call, whose arguments may then hold `{ $t: "kept", pick }`, and says whether it is there.
   */
  async call(call: { file: string; fn: string; args: unknown }, outputs: Record<string, (string | number)[]>, keep?: (string | number)[]): Promise<CallOutcome> {
    // A fresh child (the first, or one after a kill) imports the file first.
    if (!this.child || !this.imported.has(call.file)) {
      if (!this.child) this.imported.clear();
      const loaded = await this.load(call.file);
      if (!loaded.ok) return loaded;
    }
    return this.request({ type: "call", call, outputs, ...(keep ? { keep } : {}) });
  }

  private async request(body: Record<string, unknown>): Promise<CallOutcome> {
    try {
      await this.start();
    } catch (e) {
      // Nothing of the student's runs before the child is ready: failing to start is the grader's fault.
      return { ok: false, kind: "fault", message: `the sandbox could not start: ${(e as Error).message}` };
    }
    const child = this.child;
    const requests = child && requestsOf(child);
    if (!child || !requests) return { ok: false, kind: "crash", message: "the sandbox process is gone" };
    const id = this.nextId++;
    this.outputSeen = 0;
    // The time limit covers the call only: starting a fresh child (slow on a busy machine) has its own.
    return new Promise<CallOutcome>((resolve) => {
      this.pending = { id, resolve, timer: this.timeLimit(child, Date.now(), this.clock.ms()) };
      this.watchMemory();
      requests.write(encodeFrame({ ...body, id }), (err) => {
        if (err) this.fail("crash", `the sandbox stopped accepting input (${err.message})`);
      });
    });
  }

  /**
   * The call's time limit counts the CPU time the child spends, not the wall clock: on a busy
   * machine (other graders, other work) a correct call that waits for a core is not a time-out, so
   * the same submission gets the same verdict however loaded the machine is. When the wall-clock
   * limit passes, the timer is re-armed for the CPU time still allowed; a call that computes for the
   * whole limit (an infinite loop) times out, and one that sleeps is stopped after WALL_FACTOR × the limit.
   */
  private timeLimit(child: ChildProcess, startedAt: number, cpuAtStart: number): NodeJS.Timeout {
    const limit = this.limits.callTimeoutMs;
    const check = (): void => {
      const p = this.pending;
      if (!p || this.child !== child) return;
      this.track(processTree(child.pid));
      const cpu = this.clock.ms() - cpuAtStart;
      const wall = Date.now() - startedAt;
      if (cpu >= limit - CPU_TICK_MS || wall >= WALL_FACTOR * limit || process.platform !== "linux") {
        const how = cpu >= limit - CPU_TICK_MS ? "" : " without finishing";
        this.fail("timeout", `timed out after ${formatSeconds(limit)}${how} (an infinite loop, or far too slow)`);
        return;
      }
      p.timer = setTimeout(check, Math.max(CPU_TICK_MS, limit - cpu));
    };
    return setTimeout(check, limit);
  }

  /** Read the CPU time of `pids` from now on (the current child's processes). */
  private track(pids: readonly number[]): void {
    this.clock.close();
    this.clock = new CpuClock(pids);
  }

  /** CPU time (ms, in 10 ms ticks) the current child and its processes have used; 0 without a child. */
  cpuMs(): number {
    return this.child ? cpuMsOf(processTree(this.child.pid)) : 0;
  }

  /** Spawn `cmd args` in a process group of its own, with only the sandbox's environment and this child's frame key. */
  private spawnChild(cmd: string, args: string[], key: Buffer): ChildProcess {
    return spawn(cmd, args, {
      cwd: this.dir.root,
      env: {
        NNKIT_SANDBOX_ROOT: this.dir.root, NNKIT_OUTPUT_BYTES: String(this.limits.outputBytes), NNKIT_FRAME_KEY: key.toString("hex"),
        TMPDIR: this.dir.tmp, HOME: this.dir.tmp, PATH: "/usr/sbin:/usr/bin:/sbin:/bin",
      },
      // fd 3: responses, fd 4: requests; stdin is empty (student code that reads it reads nothing).
      stdio: ["ignore", "pipe", "pipe", "pipe", "pipe"],
      detached: true,
      ...(!this.isolation.namespaces && this.isolation.dropUser ? { uid: SANDBOX_UID, gid: SANDBOX_UID } : {}),
    });
  }

  /** Start the child now (the first request otherwise does); rejects when it cannot start. */
  start(): Promise<void> {
    if (this.ready) return this.ready;
    this.starts++;
    const script = join(this.dir.root, CHILD_SCRIPT);
    let nodeArgs: string[];
    try {
      nodeArgs = sandboxNodeArgs(script, this.dir.root, this.dir.tmp, this.limits.memoryMb);
    } catch (e) {
      this.starts--;
      return Promise.reject(e instanceof GraderFault ? e : new GraderFault((e as Error).message));
    }
    const tmp = { path: this.dir.tmp, megabytes: this.limits.memoryMb };
    const [cmd, args] = isolatedCommand(this.isolation, this.dir.root, [sandboxNode(), ...nodeArgs], tmp);
    this.outputSeen = 0;
    this.imported.clear();
    const key = newFrameKey();
    const streams = [new ChildOutput((t) => this.keep(t)), new ChildOutput((t) => this.keep(t))];
    const child = this.spawnChild(cmd, args, key);
    this.child = child;
    killAtExit(child);
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
          this.track(processTree(child.pid));
          clearTimeout(startTimer);
          resolve();
          return;
        }
        this.deliver(msg);
      };
      const responses = child.stdio[RESPONSE_FD] as NodeJS.ReadableStream | null;
      const frames = new AnswerFrames(key, this.limits.responseBytes);
      responses?.on("data", (chunk: Buffer) => {
        if (this.child === child) this.onData(frames, chunk, onFrame);
      });
      const capture = (stream: ChildOutput) => (chunk: Buffer): void => {
        if (this.child === child) this.onOutput(stream, chunk);
      };
      child.stdout?.on("data", capture(streams[0]));
      child.stderr?.on("data", capture(streams[1]));
      requestsOf(child)?.on("error", () => undefined);
      child.on("error", (e) => {
        clearTimeout(startTimer);
        if (!isReady) reject(e);
        if (this.child === child) this.fail("crash", `the sandbox process failed: ${e.message}`);
      });
      // 'close' (not 'exit'): by then all of stderr is read, so V8's report of a heap that ran out has arrived.
      child.on("close", (code, signal) => {
        clearTimeout(startTimer);
        const current = this.child === child;
        if (current) {
          this.child = undefined;
          this.ready = undefined;
          this.clock.close();
          for (const s of streams) s.end();
        }
        if (!isReady) reject(new Error(`the sandbox exited before it was ready (${signal ?? `code ${code}`})`));
        if (!current) return;
        if (streams.some((s) => s.outOfMemory)) this.fail("memory", memoryMessage(this.limits));
        else this.fail("crash", `the student's code ended the process during the call: it ${signal ? `was killed (${signal})` : `exited with code ${code}`}`);
      });
    });
    return this.ready;
  }

  private onData(frames: AnswerFrames, chunk: Buffer, onFrame: (msg: unknown) => void): void {
    for (const msg of frames.push(chunk)) onFrame(msg);
    if (frames.problem && this.child) {
      this.fail(frames.problem.kind, frames.problem.message);
      this.kill();
    }
  }

  /** Keep the start of what the submission printed (over all its children), for the feedback. */
  private keep(text: string): void {
    if (this.keptBytes >= KEEP_OUTPUT) return;
    const part = Buffer.from(text, "utf8").subarray(0, KEEP_OUTPUT - this.keptBytes).toString("utf8");
    this.kept.push(part);
    this.keptBytes += Buffer.byteLength(part);
  }

  /**
   * What the child printed. The child counts each call's output itself, exactly; this count, from
   * the call's request on, is the backstop for output that bypasses process.stdout (fs.writeSync(1, …)).
   */
  private onOutput(stream: ChildOutput, chunk: Buffer): void {
    this.outputSeen += chunk.length;
    stream.write(chunk);
    if (this.outputSeen > this.limits.outputBytes) this.flooded();
  }

  /** The submission printed more than its budget: the call fails and the child ends (the child counts too, see child.ts). */
  private flooded(): void {
    this.fail("output", `the code printed more than ${Math.round(this.limits.outputBytes / 1024)} KiB in one call`);
    this.kill();
  }

  /** A response frame: accept it only for the pending request id and with the expected fields. */
  private deliver(msg: unknown): void {
    const p = this.pending;
    if (msg === null || typeof msg !== "object") return;
    const m = msg as Record<string, unknown>;
    if (m.ok === false && m.phase === "output") {
      // The child's own count went over the budget: as when the grader's count does, the pending
      // call (if any: a timer may print after its call answered) fails and the child ends.
      const child = this.child;
      setImmediate(() => {
        if (this.child === child) this.flooded();
      });
      return;
    }
    if (!p || m.id !== p.id) return;
    const changed = Array.isArray(m.changed) ? m.changed.filter((n): n is string => typeof n === "string").slice(0, 20).map((n) => n.slice(0, 200)) : [];
    // Settled after the output the call printed before answering has been read (it is in the pipes
    // already, but may come in after this frame): so a call that goes over the output budget is
    // the one that fails, whatever the order the pipes are read in.
    const outcome: CallOutcome =
      m.ok === true
        ? { ok: true, outputs: m.outputs !== null && typeof m.outputs === "object" ? (m.outputs as Record<string, unknown>) : {}, changed, ...(typeof m.kept === "boolean" ? { kept: m.kept } : {}) }
        : {
            ok: false,
            kind: m.phase === "import" || m.phase === "missing" || m.phase === "promise" ? m.phase : "call",
            message: typeof m.error === "string" ? this.scrub(m.error.slice(0, 2000)) : "the call failed",
          };
    setImmediate(() => {
      if (this.pending === p) this.settle(outcome);
    });
  }

  private fail(kind: Exclude<CallOutcome, { ok: true }>["kind"], message: string): void {
    if (kind === "timeout" || kind === "memory") this.kill();
    this.settle({ ok: false, kind, message });
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
        this.fail("memory", memoryMessage(this.limits));
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
    this.clock.close();
  }

  /**
   * Stop the child at the end of a submission: close its input so it exits by itself (its CPU time
   * is then accounted to the grader's children), and kill it if it has not within `graceMs`.
   */
  async close(graceMs = 500): Promise<void> {
    this.settle({ ok: false, kind: "crash", message: "the sandbox was closed" });
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.ready = undefined;
    this.clock.close();
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    requestsOf(child)?.end();
    const timer = new Promise<"late">((resolve) => setTimeout(() => resolve("late"), graceMs).unref());
    if ((await Promise.race([exited, timer])) === "late") {
      this.child = child;
      this.kill();
    }
  }
}

/** The pipe the child reads its requests from. */
function requestsOf(child: ChildProcess): NodeJS.WritableStream | null {
  return child.stdio[REQUEST_FD] as NodeJS.WritableStream | null;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

/** A call that neither finishes nor computes is stopped after this many times its limit of wall-clock time. */
const WALL_FACTOR = 3;
