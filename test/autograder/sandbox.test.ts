/**
 * The sandbox child: what student code can and cannot do there. Each attack is a student module
 * whose function reports what it managed to do; the assertions check that it managed nothing, and
 * that hangs, crashes, floods and memory bombs fail that call only.
 */
import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { chmodSync, copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectIsolation } from "../../autograder/sandbox/process.js";
import { permissionFlag, sandboxNodeArgs } from "../../autograder/sandbox/permission.js";
import { readOutput, toWire } from "../../autograder/sandbox/wire.js";
import { tensor } from "../../src/tensor.js";
import { sandboxNode } from "../../autograder/sandbox/node-binary.js";
import { FAST_LIMITS, ROOT, sandboxBase, sandboxWith, tempDir } from "./helpers.js";

sandboxBase();

const F = "src/layers/relu.ts";
const call = (fn: string, args: unknown[] = []) => ({ file: F, fn, args: args.map(toWire) });

const ATTACKS = `
import * as fs from "node:fs";
import * as net from "node:net";
const attempt = (f: () => unknown): string => { try { f(); return "ALLOWED"; } catch (e) { return (e as { code?: string }).code ?? "threw"; } };
export function readOutside() { return attempt(() => fs.readFileSync(${JSON.stringify(`${ROOT}/src/layers/linear.ts`)})); }
export function readEtc() { return attempt(() => fs.readFileSync("/etc/hostname")); }
export function readProc() { return attempt(() => fs.readFileSync("/proc/self/environ")); }
export function writeOutside() { return attempt(() => fs.writeFileSync("/tmp/nnkit-sandbox-escape.txt", "x")); }
export function writeTmp() { return attempt(() => fs.writeFileSync(process.env.TMPDIR + "/scratch.txt", "x")); }
export async function spawnChild() { const cp = await import("node:child_process"); return attempt(() => cp.execSync("id")); }
export async function startWorker() { const w = await import("node:worker_threads"); return attempt(() => new w.Worker("0", { eval: true })); }
export function addon() { return attempt(() => process.dlopen({ exports: {} }, process.env.NNKIT_SANDBOX_ROOT + "/addon.node")); }
export async function inspector() { const i = await import("node:inspector"); return attempt(() => i.open(0)); }
export async function inspectorSession() { const i = await import("node:inspector"); return attempt(() => new i.Session().connect()); }
export async function wasi() { const w = await import("node:wasi"); return attempt(() => new w.WASI({ version: "preview1" })); }
export function binding() { return attempt(() => (process as unknown as { binding(n: string): unknown }).binding("fs")); }
export function env() { return Object.keys(process.env).sort().join(","); }
export function connect(port: number) {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.on("connect", () => { s.destroy(); resolve("CONNECTED"); });
    s.on("error", (e: { code?: string }) => resolve(e.code ?? "error"));
  });
}
export function killParent() { try { process.kill(process.ppid, "SIGKILL"); return "ALLOWED"; } catch (e) { return (e as Error).message; } }
export function spin() { for (;;) {} }
export function exitEarly() { process.exit(0); }
export function flood() { for (;;) process.stdout.write("PASSED ".repeat(100)); }
export function hog() { const keep: Float64Array[] = []; for (;;) keep.push(new Float64Array(1 << 22).fill(1)); }
export function lying() { return { shape: [2, 2], data: new Float64Array(3) }; }
export function proxy() { return new Proxy({}, { get: () => { throw new Error("gotcha"); } }); }
export function mutate(x: { data: Float64Array }) { x.data[0] = 42; return x; }
export function uid() { return process.getuid?.() ?? -1; }
export function twice(x: { data: Float64Array; shape: number[] }) { return { shape: x.shape, data: x.data.map((v) => 2 * v) }; }
`;

describe("sandbox child", () => {
  const sb = sandboxWith({ [F]: ATTACKS });
  const value = async (fn: string, args: unknown[] = []): Promise<unknown> => {
    const r = await sb.call(call(fn, args), { v: [] });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    return (r as { outputs: Record<string, unknown> }).outputs.v;
  };
  const text = async (fn: string, args: unknown[] = []): Promise<string> => {
    const r = await sb.call(call(fn, args), { v: [] });
    return r.ok ? JSON.stringify(r.outputs.v) : `${r.kind}: ${r.message}`;
  };

  it("returns plain data that the grader copies and checks", async () => {
    const out = readOutput(await value("twice", [tensor([[1, 2], [3, 4]])]));
    expect(out.kind).toBe("tensor");
    if (out.kind === "tensor") expect(Array.from(out.tensor.data)).toEqual([2, 4, 6, 8]);
    expect(readOutput(await value("lying"))).toEqual({ kind: "other", desc: "a Tensor of shape [2, 2] holding 3 values" });
    expect(await sb.call(call("proxy"), { v: [] })).toMatchObject({ ok: false, kind: "call", message: "proxy threw Error: gotcha" });
  });

  it("cannot read the reference, /etc or /proc, nor write outside its temp folder", async () => {
    for (const fn of ["readOutside", "readEtc", "readProc", "writeOutside"]) {
      expect(await text(fn), fn).toContain("ERR_ACCESS_DENIED");
    }
    expect(existsSync("/tmp/nnkit-sandbox-escape.txt")).toBe(false);
    expect(await text("writeTmp")).toContain("ALLOWED");
  });

  it(`runs under this Node's permission flag (${process.version}: ${permissionFlag()})`, () => {
    const [major, minor] = process.versions.node.split(".").map(Number);
    // 20 knows only the experimental spelling, 23.5+ only the stable one; 22.13+ accepts both (the stable one is tried first).
    const expected = major >= 23 || (major === 22 && minor >= 13) ? "--permission" : "--experimental-permission";
    expect(permissionFlag()).toBe(expected);
    expect(sandboxNodeArgs("child.mjs", "/r", "/r/tmp", 64)).toEqual([expected, "--allow-fs-read=/r", "--allow-fs-write=/r/tmp", "--max-old-space-size=64", "--no-warnings", "child.mjs"]);
  });

  it("cannot load addons, open the inspector, use WASI or reach internal bindings", async () => {
    expect(await text("addon")).toContain("ERR_DLOPEN_DISABLED");
    for (const fn of ["inspector", "inspectorSession", "wasi", "binding"]) expect(await text(fn), fn).toContain("ERR_ACCESS_DENIED");
  });

  it("cannot start processes or workers, and sees no secrets in its environment", async () => {
    expect(await text("spawnChild")).toContain("ERR_ACCESS_DENIED");
    expect(await text("startWorker")).toContain("ERR_ACCESS_DENIED");
    expect(await text("env")).toBe(JSON.stringify({ $t: "other", desc: `the string ${JSON.stringify("HOME,NNKIT_SANDBOX_ROOT,PATH,TMPDIR")}` }));
  });

  it("has no network when the grader runs as root (unshare -n); otherwise says so", async () => {
    let hits = 0;
    const server = createServer((s) => {
      hits++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    const r = await sb.call(call("connect", [port]), { v: [] });
    server.close();
    const iso = detectIsolation();
    if (iso.namespaces) {
      expect(hits).toBe(0);
      expect(r.ok).toBe(true);
    } else {
      expect(iso.note).toMatch(/no network isolation|not running as root/);
    }
  });

  it("cannot kill the grader (process.kill is gone, whatever the uid)", async () => {
    expect(await text("killParent")).toContain("process.kill is not available in the grading sandbox");
    expect(await text("twice", [tensor([1])])).toContain("[1]");
  });

  it("a synchronous infinite loop fails that call with 'timed out after N s' and a fresh child serves the next", async () => {
    const before = sb.starts;
    const r = await sb.call(call("spin"), { v: [] });
    expect(r).toMatchObject({ ok: false, kind: "timeout" });
    expect((r as { message: string }).message).toMatch(/^timed out after 1\.5 s/);
    expect(readOutput(await value("twice", [tensor([3])]))).toMatchObject({ kind: "tensor" });
    expect(sb.starts).toBe(before + 1);
  });

  it("exiting early, flooding the output and hoarding memory each fail only their call", async () => {
    expect(await sb.call(call("exitEarly"), { v: [] })).toMatchObject({ ok: false, kind: "crash" });
    expect(await sb.call(call("flood"), { v: [] })).toMatchObject({ ok: false, kind: "output" });
    const hog = await sb.call(call("hog"), { v: [] });
    expect(hog.ok).toBe(false);
    expect(["memory", "crash", "call"]).toContain((hog as { kind: string }).kind);
    expect(readOutput(await value("twice", [tensor([5])]))).toMatchObject({ kind: "tensor" });
  });

  it("reports a changed input and missing functions", async () => {
    const r = await sb.call(call("mutate", [tensor([1, 2])]), { v: [] });
    expect(r.ok && r.notes).toEqual(["mutated: mutate changed its input argument 1"]);
    expect(await sb.call(call("nope"), { v: [] })).toMatchObject({ ok: false, kind: "missing", message: `${F} does not export a function nope` });
  });
});

describe("sandbox child without namespaces (e.g. in a container without CAP_SYS_ADMIN)", () => {
  it.runIf(process.getuid?.() === 0)("still runs as user nobody when the grader is root", async () => {
    const sb = sandboxWith({ [F]: ATTACKS }, FAST_LIMITS, { namespaces: false, dropUser: true, note: "test" });
    const r = await sb.call(call("uid"), { v: [] });
    expect(r.ok && r.outputs.v).toBe(65534);
    expect(JSON.stringify(await sb.call(call("readOutside"), { v: [] }))).toContain("ERR_ACCESS_DENIED");
  });
});

describe("sandbox child: import failures", () => {
  it("a module that throws at import fails with the reason; one that hangs at import times out", async () => {
    const sb = sandboxWith({ [F]: "throw new Error('broken on purpose');", "src/layers/sigmoid.ts": "for (;;) {}" });
    const a = await sb.load(F);
    expect(a).toMatchObject({ ok: false, kind: "import" });
    expect((a as { message: string }).message).toContain("broken on purpose");
    expect(await sb.load("src/layers/sigmoid.ts")).toMatchObject({ ok: false, kind: "timeout" });
  });
});

describe("the Node binary the child runs", () => {
  it.runIf(process.getuid?.() === 0)("is reachable by user nobody even when this Node lives in a private folder (nvm in /root, a 0700 temp folder)", () => {
    const hidden = join(tempDir("private-node"), "inner");
    mkdirSync(hidden, { mode: 0o700 });
    chmodSync(hidden, 0o700);
    const node = join(hidden, "node");
    copyFileSync(process.execPath, node);
    chmodSync(node, 0o755);
    const asNobody = (bin: string) => spawnSync(bin, ["-e", "process.stdout.write(String(6 * 7))"], { uid: 65534, gid: 65534, encoding: "utf8" });
    expect(asNobody(node).status).not.toBe(0); // the private copy cannot be run by nobody …
    const usable = sandboxNode(node);
    expect(usable).not.toBe(node);
    expect(asNobody(usable).stdout).toBe("42"); // … the one the sandbox gets can
  });
});
