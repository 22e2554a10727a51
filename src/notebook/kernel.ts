// A tslab kernel process and a small Jupyter client for it: shell, iopub, control and heartbeat
// channels over ZeroMQ on loopback, execute with a timeout, interrupt, and a shutdown that always
// ends the process.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Dealer, Subscriber } from "zeromq";
import { createMessage, decodeMessage, encodeMessage, type JupyterMessage } from "./wire.js";

export interface ConnectionInfo {
  transport: "tcp";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: "hmac-sha256";
  kernel_name: string;
}

export interface StartOptions {
  /** Working directory of the kernel; tslab compiles cells with this folder as rootDir. */
  cwd: string;
  /** Give up if the kernel has not answered kernel_info within this many ms (default 60 s). */
  startTimeoutMs?: number;
}

/** How an execution ended: 'ok'/'error' as the kernel replied, 'timeout' (interrupted or killed), 'died'. */
export type ExecuteStatus = "ok" | "error" | "timeout" | "died";

export interface ExecuteResult {
  status: ExecuteStatus;
  /** The execute_reply content, when one came. */
  reply?: Record<string, unknown>;
  /** True when a timeout had to kill the kernel because the interrupt did not end the cell. */
  killed: boolean;
  /** Wall time from request to idle (or to giving up), ms. */
  ms: number;
}

export interface ExecuteOptions {
  timeoutMs: number;
  /** Called for each iopub message (stream, display_data, update_display_data, execute_result, error). */
  onOutput?: (msg: JupyterMessage) => void;
  /** After an interrupt, wait this long for the cell to end before killing the kernel (default 3 s). */
  interruptGraceMs?: number;
}

/** tslab drops (status "abort") execute requests arriving within 200 ms after a failed one. */
const ABORT_WINDOW_MS = 250;
/** After execute_reply, a cell whose idle status never comes ends after this long without output. */
const IDLE_GRACE_MS = 2000;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Ports nobody listens on right now, on 127.0.0.1 (the OS picks them; n distinct numbers). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<import("node:net").Server>((resolve, reject) => {
      const s = createServer();
      s.once("error", reject);
      s.listen(0, "127.0.0.1", () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as import("node:net").AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Path of tslab's executable script, resolved from this package's dependencies. */
export function tslabBin(): string {
  const req = createRequire(import.meta.url);
  return join(dirname(req.resolve("tslab/package.json")), "bin", "tslab");
}

/** A tslab kernel process and the client connected to its channels; always end it with shutdown(). */
export class Kernel {
  readonly session = randomUUID();
  readonly pid: number;
  /** Set once the process has exited (code or signal). */
  exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  /** Last lines the kernel process wrote to its own stdout/stderr (outside cells), for diagnostics. */
  readonly log: string[] = [];
  kernelInfo: Record<string, unknown> = {};
  /** iopub messages of no request still waiting, e.g. a live display updated by a timer after its cell ended. */
  onLateOutput?: (msg: JupyterMessage) => void;

  // A send that cannot be queued within 5 s fails instead of waiting forever for a dead peer.
  private readonly shell = new Dealer({ linger: 0, sendTimeout: 5000 });
  private readonly control = new Dealer({ linger: 0, sendTimeout: 5000 });
  // No receive limit: a kernel printing faster than we read would otherwise lose messages at 1000.
  private readonly iopub = new Subscriber({ linger: 0, receiveHighWaterMark: 0 });
  private readonly waiters = new Map<string, { reply?: (m: JupyterMessage) => void; iopub?: (m: JupyterMessage) => void }>();
  private readonly exitPromise: Promise<void>;
  private closed = false;
  /** When the last cell failed: tslab aborts requests that arrive in the next 200 ms. */
  private lastErrorAt = -Infinity;

  private constructor(
    private readonly proc: ChildProcess,
    readonly connection: ConnectionInfo,
    private readonly dir: string,
  ) {
    this.pid = proc.pid!;
    this.exitPromise = new Promise((resolve) => {
      proc.once("exit", (code, signal) => {
        this.exited = { code, signal };
        live.delete(proc);
        resolve();
      });
    });
    const keep = (chunk: Buffer) => {
      this.log.push(...chunk.toString("utf8").split("\n").filter((l) => l.trim() !== ""));
      if (this.log.length > 50) this.log.splice(0, this.log.length - 50);
    };
    proc.stdout?.on("data", keep);
    proc.stderr?.on("data", keep);
  }

  /** Start `tslab kernel --config-path FILE` in `cwd` and wait until it answers kernel_info. */
  static async start(options: StartOptions): Promise<Kernel> {
    const [shell, iopub, stdin, control, hb] = await freePorts(5);
    const connection: ConnectionInfo = {
      transport: "tcp",
      ip: "127.0.0.1",
      shell_port: shell!,
      iopub_port: iopub!,
      stdin_port: stdin!,
      control_port: control!,
      hb_port: hb!,
      key: randomBytes(32).toString("hex"),
      signature_scheme: "hmac-sha256",
      kernel_name: "tslab",
    };
    const dir = mkdtempSync(join(tmpdir(), "nnkit-kernel-"));
    const file = join(dir, "connection.json");
    writeFileSync(file, JSON.stringify(connection, null, 2), { mode: 0o600 });
    const proc = spawn(process.execPath, [tslabBin(), "kernel", "--config-path", file], {
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (proc.pid === undefined) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error("Kernel.start: could not spawn the tslab kernel (is the tslab package installed?)");
    }
    live.add(proc);
    installExitHook();
    const kernel = new Kernel(proc, connection, dir);
    try {
      await kernel.connect(options.startTimeoutMs ?? 60_000);
    } catch (e) {
      await kernel.shutdown();
      throw e;
    }
    return kernel;
  }

  private url(port: number): string {
    return `tcp://${this.connection.ip}:${port}`;
  }

  private async connect(timeoutMs: number): Promise<void> {
    this.shell.connect(this.url(this.connection.shell_port));
    this.control.connect(this.url(this.connection.control_port));
    this.iopub.connect(this.url(this.connection.iopub_port));
    this.iopub.subscribe();
    void this.pump(this.shell, "reply");
    void this.pump(this.control, "reply");
    void this.pump(this.iopub, "iopub");
    // Ask kernel_info until it answers and its status reaches us on iopub (the subscription is live).
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; Date.now() < deadline; attempt++) {
      if (this.exited) throw new Error(`Kernel.start: tslab exited during start-up (${this.describeExit()})`);
      const msg = createMessage("kernel_info_request", {}, this.session);
      let sawIopub = false;
      let reply: JupyterMessage | undefined;
      const done = new Promise<void>((resolve) => {
        this.waiters.set(msg.header.msg_id, {
          reply: (m) => { reply = m; if (sawIopub) resolve(); },
          iopub: () => { sawIopub = true; if (reply) resolve(); },
        });
      });
      try {
        await this.shell.send(encodeMessage(msg, this.connection.key));
      } catch {
        this.waiters.delete(msg.header.msg_id);
        continue; // not connected yet; the loop retries until the deadline
      }
      await Promise.race([done, sleep(Math.min(2000, 250 * attempt)), this.exitPromise]);
      this.waiters.delete(msg.header.msg_id);
      if (reply && sawIopub) {
        this.kernelInfo = reply.content;
        return;
      }
    }
    throw new Error(`Kernel.start: tslab did not answer kernel_info within ${timeoutMs} ms`);
  }

  private async pump(sock: Dealer | Subscriber, kind: "reply" | "iopub"): Promise<void> {
    try {
      for await (const frames of sock) {
        let msg: JupyterMessage;
        try {
          msg = decodeMessage(frames, this.connection.key);
        } catch {
          continue; // a malformed or foreign message cannot belong to our requests
        }
        const w = this.waiters.get(msg.parent_header.msg_id ?? "");
        if (kind === "reply") w?.reply?.(msg);
        else if (w?.iopub) w.iopub(msg);
        else this.onLateOutput?.(msg);
      }
    } catch {
      // socket closed
    }
  }

  /** True while the process is running and answers a heartbeat ping within `timeoutMs`. */
  async heartbeat(timeoutMs = 2000): Promise<boolean> {
    if (this.exited || this.closed) return false;
    const hb = new Dealer({ linger: 0, receiveTimeout: timeoutMs, sendTimeout: timeoutMs });
    try {
      hb.connect(this.url(this.connection.hb_port));
      const ping = Buffer.from(randomUUID());
      await hb.send([Buffer.alloc(0), ping]);
      const frames = await hb.receive();
      return frames.some((f) => f.equals(ping));
    } catch {
      return false;
    } finally {
      hb.close();
    }
  }

  /**
   * Run `code` as one cell; resolves when the kernel is idle again, on timeout (after an interrupt,
   * and a kill if the interrupt does not end the cell), or when the process dies.
   */
  async execute(code: string, options: ExecuteOptions): Promise<ExecuteResult> {
    const t0 = performance.now();
    const elapsed = () => performance.now() - t0;
    if (this.exited || this.closed) return { status: "died", killed: false, ms: 0 };
    const sinceError = performance.now() - this.lastErrorAt;
    if (sinceError < ABORT_WINDOW_MS) await sleep(ABORT_WINDOW_MS - sinceError);
    const msg = createMessage(
      "execute_request",
      { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
      this.session,
    );
    let reply: JupyterMessage | undefined;
    let idle = false;
    let finish: () => void = () => {};
    const done = new Promise<void>((resolve) => { finish = resolve; });
    // The cell is done at reply + idle. Under a flood of outputs iopub may drop messages (idle too),
    // so after the reply, a quiet iopub for IDLE_GRACE_MS also ends it (as nbclient's iopub_timeout).
    let quiet: NodeJS.Timeout | undefined;
    const waitQuiet = () => {
      clearTimeout(quiet);
      if (reply && !idle) quiet = setTimeout(finish, IDLE_GRACE_MS);
    };
    this.waiters.set(msg.header.msg_id, {
      reply: (m) => {
        if (m.header.msg_type !== "execute_reply") return;
        reply = m;
        if (idle) finish();
        else waitQuiet();
      },
      iopub: (m) => {
        if (m.header.msg_type === "status") {
          if (m.content.execution_state === "idle") { idle = true; clearTimeout(quiet); if (reply) finish(); }
          return;
        }
        waitQuiet();
        options.onOutput?.(m);
      },
    });
    try {
      try {
        await this.shell.send(encodeMessage(msg, this.connection.key));
      } catch {
        return { status: "died", killed: false, ms: elapsed() }; // the kernel does not take requests
      }
      const first = await race(done, this.exitPromise, options.timeoutMs);
      if (first === "done") return { status: replyStatus(reply!), reply: reply!.content, killed: false, ms: elapsed() };
      if (first === "exit") return { status: "died", reply: reply?.content, killed: false, ms: elapsed() };
      // Timeout: interrupt as Jupyter does for signal-mode kernels (tslab breaks on SIGINT), then kill.
      this.interrupt();
      const second = await race(done, this.exitPromise, options.interruptGraceMs ?? 3000);
      if (second === "done") return { status: "timeout", reply: reply!.content, killed: false, ms: elapsed() };
      if (second === "exit") return { status: "died", reply: reply?.content, killed: false, ms: elapsed() };
      this.kill();
      await this.exitPromise;
      return { status: "timeout", reply: reply?.content, killed: true, ms: elapsed() };
    } finally {
      clearTimeout(quiet);
      this.waiters.delete(msg.header.msg_id);
      if (reply?.content.status !== "ok") this.lastErrorAt = performance.now();
    }
  }

  /** Send SIGINT to the kernel process (tslab's interrupt mode is "signal"). */
  interrupt(): void {
    if (!this.exited) this.proc.kill("SIGINT");
  }

  /** SIGKILL the kernel process. */
  kill(): void {
    if (!this.exited) this.proc.kill("SIGKILL");
  }

  /** "exit code 1" / "signal SIGKILL", for messages. */
  describeExit(): string {
    if (!this.exited) return "running";
    return this.exited.signal ? `signal ${this.exited.signal}` : `exit code ${this.exited.code}`;
  }

  /** shutdown_request on control, wait up to `graceMs` for the process to leave, then SIGKILL; closes sockets and removes the connection file. Safe to call twice. */
  async shutdown(graceMs = 2000): Promise<void> {
    if (!this.exited && !this.closed) {
      try {
        const msg = createMessage("shutdown_request", { restart: false }, this.session);
        await Promise.race([this.control.send(encodeMessage(msg, this.connection.key)), sleep(500)]);
        // tslab closes its sockets but may keep running; the process is ours to end.
        await Promise.race([this.exitPromise, sleep(graceMs)]);
      } catch {
        // fall through to kill
      }
    }
    if (!this.exited) {
      this.kill();
      await this.exitPromise;
    }
    if (!this.closed) {
      this.closed = true;
      for (const s of [this.shell, this.control, this.iopub]) s.close();
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

function replyStatus(reply: JupyterMessage): ExecuteStatus {
  return reply.content.status === "ok" ? "ok" : "error";
}

async function race(done: Promise<void>, exit: Promise<void>, ms: number): Promise<"done" | "exit" | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => { timer = setTimeout(() => resolve("timeout"), ms); });
  try {
    return await Promise.race([done.then(() => "done" as const), exit.then(() => "exit" as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** SIGKILL every kernel this process started that is still running. */
export function killAllKernels(): void {
  for (const p of live) p.kill("SIGKILL");
}

/** Kernels still running when this process exits are killed, so none outlives its runner. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", killAllKernels);
}
