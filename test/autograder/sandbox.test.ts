/**
 * The sandbox child: what student code can and cannot do there. Each attack is a student module
 * whose function reports what it managed to do; the assertions check that it managed nothing, and
 * that hangs, crashes, floods and memory bombs fail that call only, that a Promise, a lookalike
 * array or a float32 result is seen for what it is, and that replaced globals hide no change.
 */
import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectIsolation } from "../../autograder/sandbox/isolation.js";
import { permissionFlag, sandboxNodeArgs } from "../../autograder/sandbox/permission.js";
import { readOutput, toWire } from "../../autograder/sandbox/wire.js";
import { compileTs } from "../../autograder/sandbox/build.js";
import { encodeFrame } from "../../autograder/sandbox/codec.js";
import { tensor } from "../../src/tensor.js";
import { sandboxNode } from "../../autograder/sandbox/node-binary.js";
import { FAST_LIMITS, ROOT, sandboxBase, sandboxWith, tempDir } from "./helpers.js";

sandboxBase();

const F = "src/layers/relu.ts";
const call = (fn: string, args: unknown[] = []) => ({ file: F, fn, args: args.map(toWire) });

const ATTACKS = `
import * as fs from "node:fs";
import * as net from "node:net";
import * as cp from "node:child_process";
import * as wt from "node:worker_threads";
import * as insp from "node:inspector";
import * as wasiModule from "node:wasi";
const attempt = (f: () => unknown): string => { try { f(); return "ALLOWED"; } catch (e) { return (e as { code?: string }).code ?? "threw"; } };
export function readOutside() { return attempt(() => fs.readFileSync(${JSON.stringify(`${ROOT}/src/layers/linear.ts`)})); }
export function readEtc() { return attempt(() => fs.readFileSync("/etc/hostname")); }
export function readProc() { return attempt(() => fs.readFileSync("/proc/self/environ")); }
export function writeOutside() { return attempt(() => fs.writeFileSync("/tmp/nnkit-sandbox-escape.txt", "x")); }
export function writeTmp() { return attempt(() => fs.writeFileSync(process.env.TMPDIR + "/scratch.txt", "x")); }
export function fillTmp() { const mib = new Uint8Array(1 << 20); let n = 0; try { for (; n < 512; n++) fs.appendFileSync(process.env.TMPDIR + "/fill.bin", mib); return "no limit"; } catch (e) { return \`\${(e as { code?: string }).code} after \${n} MiB\`; } }
export function spawnChild() { return attempt(() => cp.execSync("id")); }
export function startWorker() { return attempt(() => new wt.Worker("0", { eval: true })); }
export function addon() { return attempt(() => process.dlopen({ exports: {} }, process.env.NNKIT_SANDBOX_ROOT + "/addon.node")); }
export function inspector() { return attempt(() => insp.open(0)); }
export function inspectorSession() { return attempt(() => new insp.Session().connect()); }
export function wasi() { return attempt(() => new wasiModule.WASI({ version: "preview1" })); }
export function binding() { return attempt(() => (process as unknown as { binding(n: string): unknown }).binding("fs")); }
export function env() { return Object.keys(process.env).sort().join(","); }
// Connections run while the child waits for the next request; status() reports how they ended.
const results: Record<string, string> = {};
export function connectTo(target: string | number) {
  const key = String(target);
  results[key] = "pending";
  const s = typeof target === "number" ? net.connect(target, "127.0.0.1") : net.connect(target);
  s.on("connect", () => { results[key] = "CONNECTED"; s.destroy(); });
  s.on("error", (e: { code?: string }) => { results[key] = e.code ?? "error"; });
  return "started";
}
export function status(target: string | number) { return results[String(target)] ?? "never started"; }
export function killParent() { try { process.kill(process.ppid, "SIGKILL"); return "ALLOWED"; } catch (e) { return (e as Error).message; } }
export function spin() { for (;;) {} }
export function nap(ms: number) { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); return "awake"; }
export function exitEarly() { process.exit(0); }
export function flood() { for (;;) process.stdout.write("PASSED ".repeat(100)); }
export function burst() { const line = "PASSED ".repeat(100) + "\\n"; for (let i = 0; i < 20000; i++) process.stdout.write(line); return "done"; }
export function lateFlood() { setTimeout(() => { for (;;) process.stdout.write("x".repeat(1000)); }, 0); return "done"; }
export function bigWrite() { process.stdout.write("x".repeat(200 << 10)); return "done"; }
export function rawFlood() { for (;;) fs.writeSync(1, "PASSED ".repeat(100)); }
export function chatty(x: { shape: number[]; data: Float64Array }) { process.stdout.write("x".repeat(40 << 10) + "\\n"); return x; }
export function hog() { const keep: Float64Array[] = []; for (;;) keep.push(new Float64Array(1 << 22).fill(1)); }
export function heapHog() { console.log("before the heap runs out"); const keep: number[][] = []; for (;;) keep.push(new Array(1e6).fill(0.5)); }
export function lying() { return { shape: [2, 2], data: new Float64Array(3) }; }
export function proxy() { return new Proxy({}, { get: () => { throw new Error("gotcha"); } }); }
export function fakeArray() { return { shape: [3], data: new Proxy(new Float64Array(3), {}) }; }
export function shortLength() { const data = new Float64Array(4); Object.defineProperty(data, "length", { value: 2 }); return { shape: [4], data }; }
export function single(x: { shape: number[]; data: Float64Array }) { return { shape: x.shape, data: Float32Array.from(x.data) }; }
export function mutate(x: { data: Float64Array }) { x.data[0] = 42; return x; }
export function uid() { return process.getuid?.() ?? -1; }
export function twice(x: { data: Float64Array; shape: number[] }) { return { shape: x.shape, data: x.data.map((v) => 2 * v) }; }
export async function asyncTwice(x: { data: Float64Array; shape: number[] }) { return twice(x); }
export function thenable(x: { data: Float64Array; shape: number[] }) { return { then: (ok: (v: unknown) => void) => ok(twice(x)) }; }
export function rejected() { return Promise.reject(new Error("later")); }
`;

/** A module that replaces the globals a careless check would use, then changes its inputs. */
const PATCHER = `
Object.is = () => true;
Array.prototype.forEach = function () {};
Array.prototype.push = function () { return 0; };
Object.entries = () => [];
Object.keys = () => [];
Array.isArray = () => false;
Object.defineProperty(Array.prototype, "0", { set() {}, get() { return undefined; }, configurable: true });
Promise.prototype.then = function () { return this; };
// What the message codec uses: every one of them broken.
Buffer.from = () => Buffer.alloc(0);
Buffer.byteLength = () => 0;
Buffer.prototype.write = function () { return 0; };
Buffer.prototype.toString = function () { return "patched"; };
Buffer.concat = () => Buffer.alloc(0);
DataView.prototype.setUint32 = function () {};
DataView.prototype.setFloat64 = function () {};
DataView.prototype.getUint32 = function () { return 0; };
Object.getPrototypeOf(Uint8Array.prototype).set = function () {};
Object.getPrototypeOf(Uint8Array.prototype).subarray = function () { return new Uint8Array(0); };
Object.defineProperty = () => { throw new Error("patched"); };
globalThis.DataView = function () {} as unknown as DataViewConstructor;
export function reluForward(x: { data: Float64Array; shape: number[] }) { x.data[1] = -x.data[1]; return [x, { x }]; }
export function reluBackward(dout: { data: Float64Array; shape: number[] }, cache: { x: { data: Float64Array } }) { cache.x.data[0] = 7; return dout; }
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
  const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  it("returns plain data that the grader copies and checks", async () => {
    const out = readOutput(await value("twice", [tensor([[1, 2], [3, 4]])]));
    expect(out).toMatchObject({ kind: "tensor", dtype: "float64" });
    if (out.kind === "tensor") {
      expect(Array.from(out.tensor.data)).toEqual([2, 4, 6, 8]);
      expect(out.tensor.shape).toEqual([2, 2]);
    }
    expect(readOutput(await value("lying"))).toEqual({ kind: "other", desc: "a Tensor of shape [2, 2] holding 3 values" });
    expect(await sb.call(call("proxy"), { v: [] })).toMatchObject({ ok: false, kind: "call", message: "proxy returned a value that cannot be read (Error: gotcha)" });
  });

  it("a Promise or a thenable is a wrong answer, never awaited; a later rejection does not end the child", async () => {
    for (const fn of ["asyncTwice", "thenable", "rejected"]) {
      expect(await sb.call(call(fn, [tensor([1, 2])]), { v: [] }), fn).toMatchObject({ ok: false, kind: "promise", message: `${fn} returned a Promise` });
    }
    await pause(50);
    const before = sb.starts;
    expect(readOutput(await value("twice", [tensor([3])]))).toMatchObject({ kind: "tensor" });
    expect(sb.starts).toBe(before);
  });

  it("only genuine Float64Array/Float32Array data is read, with its real length and dtype", async () => {
    expect(readOutput(await value("fakeArray"))).toEqual({ kind: "other", desc: "a Object that is not a Tensor" });
    const short = readOutput(await value("shortLength"));
    expect(short.kind === "tensor" && short.tensor.data.length).toBe(4);
    expect(readOutput(await value("single", [tensor([1.5, 2])]))).toMatchObject({ kind: "tensor", dtype: "float32" });
  });

  it("cannot read the reference, /etc or /proc, nor write outside its temp folder", async () => {
    for (const fn of ["readOutside", "readEtc", "readProc", "writeOutside"]) {
      expect(await text(fn), fn).toContain("ERR_ACCESS_DENIED");
    }
    expect(existsSync("/tmp/nnkit-sandbox-escape.txt")).toBe(false);
    expect(await text("writeTmp")).toContain("ALLOWED");
  });

  it.runIf((detectIsolation().covered ?? []).length > 0)("with a mount namespace, its temp folder is a tmpfs of its own that holds at most the memory limit", async () => {
    const filled = await text("fillTmp");
    const mib = Number(/ENOSPC after (\d+) MiB/.exec(filled)?.[1]);
    expect(mib, filled).toBeGreaterThan(FAST_LIMITS.memoryMb / 2);
    expect(mib, filled).toBeLessThanOrEqual(FAST_LIMITS.memoryMb);
  });

  it(`runs under this Node's permission flag (${process.version}: ${permissionFlag()})`, () => {
    const [major, minor] = process.versions.node.split(".").map(Number);
    // 20 knows only the experimental spelling, 23.5+ only the stable one; 22.13+ accepts both (the stable one is tried first).
    const expected = major >= 23 || (major === 22 && minor >= 13) ? "--permission" : "--experimental-permission";
    expect(permissionFlag()).toBe(expected);
    // The child tiers up later: Node 20's V8 (11.x) by its interrupt budget, later ones by Maglev's and TurboFan's invocation counts.
    const tierUp = major === 20 ? ["--interrupt-budget=1000000"] : ["--invocation-count-for-maglev=6000", "--invocation-count-for-turbofan=45000"];
    expect(sandboxNodeArgs("child.mjs", "/r", "/r/tmp", 64)).toEqual([expected, "--allow-fs-read=/r", "--allow-fs-write=/r/tmp", "--max-old-space-size=64", ...tierUp, "--no-warnings", "--enable-source-maps", "child.mjs"]);
  });

  it("cannot load addons, open the inspector, use WASI or reach internal bindings", async () => {
    expect(await text("addon")).toContain("ERR_DLOPEN_DISABLED");
    for (const fn of ["inspector", "inspectorSession", "wasi", "binding"]) expect(await text(fn), fn).toContain("ERR_ACCESS_DENIED");
  });

  it("cannot start processes or workers, and sees no secrets in its environment", async () => {
    expect(await text("spawnChild")).toContain("ERR_ACCESS_DENIED");
    expect(await text("startWorker")).toContain("ERR_ACCESS_DENIED");
    expect(await text("env")).toBe(JSON.stringify({ $t: "other", desc: `the string "HOME,NNKIT_OUTPUT_BYTES,NNKIT_SANDBOX_ROOT,PATH,TMPDIR"` }));
  });

  it("has no network when the grader runs as root (unshare -n); otherwise says so", async () => {
    let hits = 0;
    const server = createServer((c) => {
      hits++;
      c.destroy();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    expect(await text("connectTo", [port])).toContain("started");
    await pause(300);
    const got = await text("status", [port]);
    server.close();
    const iso = detectIsolation();
    if (iso.namespaces) {
      expect(hits).toBe(0);
      expect(got).not.toContain("CONNECTED");
    } else {
      expect(iso.note).toMatch(/without network, mount and pid namespaces|no network or mount isolation/);
    }
  });

  it("reaches no Unix-domain socket: world-writable ones under /tmp and /run (mount namespace) and abstract ones (network namespace)", async () => {
    const iso = detectIsolation();
    const places = ["/tmp", "/run"].filter((d) => existsSync(d));
    const servers: { path: string; hits: number; server: ReturnType<typeof createServer> }[] = [];
    for (const d of places) {
      const path = join(mkdtempSync(join(d, "nnkit-socket-")), "open.sock");
      chmodSync(dirname(path), 0o755);
      const entry = { path, hits: 0, server: createServer((c) => { entry.hits++; c.destroy(); }) };
      await new Promise<void>((r) => entry.server.listen(path, () => r()));
      chmodSync(path, 0o777); // any user may connect, as D-Bus's and X11's sockets allow
      servers.push(entry);
    }
    const abstract = { path: `\0nnkit-test-${process.pid}`, hits: 0, server: createServer((c) => { abstract.hits++; c.destroy(); }) };
    await new Promise<void>((r) => abstract.server.listen(abstract.path, () => r()));
    for (const s of [...servers, abstract]) expect(await text("connectTo", [s.path])).toContain("started");
    await pause(300);
    const seen: [string, string][] = [];
    for (const s of [...servers, abstract]) seen.push([s.path, await text("status", [s.path])]);
    for (const s of [...servers, abstract]) s.server.close();
    for (const s of servers) rmSync(dirname(s.path), { recursive: true, force: true });
    if (iso.namespaces && (iso.covered ?? []).length > 0) {
      expect(iso.covered).toEqual(expect.arrayContaining(places.map((d) => realpathSync(d))));
      for (const [path, got] of seen) expect(got, path).toMatch(/ENOENT|ECONNREFUSED/);
      expect(servers.map((s) => s.hits).concat(abstract.hits)).toEqual(servers.map(() => 0).concat(0));
    } else {
      // Without root there is no mount or network namespace, and the note says so in one line.
      expect(iso.note).toMatch(/Unix sockets/);
      expect(iso.note).not.toContain("\n");
    }
  });

  it("cannot kill the grader (process.kill is gone, whatever the uid)", async () => {
    expect(await text("killParent")).toContain("process.kill is not available in the grading sandbox");
    expect(readOutput(await value("twice", [tensor([1])]))).toMatchObject({ kind: "tensor" });
  });

  it("a synchronous infinite loop fails that call with 'timed out after N s' and a fresh child serves the next", async () => {
    const before = sb.starts;
    const r = await sb.call(call("spin"), { v: [] });
    expect(r).toMatchObject({ ok: false, kind: "timeout" });
    expect((r as { message: string }).message).toMatch(/^timed out after 1\.5 s/);
    expect(readOutput(await value("twice", [tensor([3])]))).toMatchObject({ kind: "tensor" });
    expect(sb.starts).toBe(before + 1);
  });

  it("the limit counts computing, not waiting: a call that waits 2 s for its core passes; one that never finishes nor computes stops at 3× the limit", async () => {
    // Waiting stands in for a loaded machine, where a correct call gets the CPU late.
    const slow = await sb.call(call("nap", [2000]), { v: [] });
    expect(slow.ok && slow.outputs.v).toEqual({ $t: "other", desc: 'the string "awake"' });
    const t0 = Date.now();
    const stuck = await sb.call(call("nap", [60_000]), { v: [] });
    expect(stuck).toMatchObject({ ok: false, kind: "timeout", message: "timed out after 1.5 s without finishing (an infinite loop, or far too slow)" });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4500);
  });

  it("exiting early and flooding the output each fail only their call; the output budget is per call", async () => {
    expect(await sb.call(call("exitEarly"), { v: [] })).toMatchObject({ ok: false, kind: "crash" });
    expect(await sb.call(call("flood"), { v: [] })).toMatchObject({ ok: false, kind: "output", message: "the code printed more than 64 KiB in one call" });
    // 40 KiB per call against a 64 KiB budget, forty calls in one child: an honest debugging print
    // in every call (1.6 MiB in all) never goes over; it did when the budget was per child.
    const before = sb.starts;
    const kinds = new Set<string>();
    for (let k = 0; k < 40; k++) {
      const r = await sb.call(call("chatty", [tensor([k])]), { v: [] });
      kinds.add(r.ok ? "ok" : r.kind);
    }
    expect([...kinds]).toEqual(["ok"]);
    expect(sb.starts).toBe(before + 1);
    // Raw writes to fd 1 that bypass the child's own count are still stopped where they arrive.
    expect(await sb.call(call("rawFlood"), { v: [] })).toMatchObject({ ok: false, kind: "output" });
  });

  it("a call that prints far past the budget and returns fails with output every time", async () => {
    // 14 MB written in a tight loop: whether the grader had read 64 KiB of it before the call
    // returned depended on timing; the child's own count makes it the same every time.
    // One write of 200 KiB and a return: a pipe holds 64 KiB, so the answer could come in before
    // the grader had seen the rest.
    for (const fn of ["burst", "bigWrite", "burst", "bigWrite"]) {
      expect(await sb.call(call(fn), { v: [] }), fn).toMatchObject({ ok: false, kind: "output", message: "the code printed more than 64 KiB in one call" });
    }
    // A timer that floods after its call answered ends the child: the next call is not stuck behind it.
    expect(await sb.call(call("lateFlood"), { v: [] })).toMatchObject({ ok: true });
    const next = await sb.call(call("twice", [tensor([1, 2])]), { v: [] });
    expect(next.ok ? "ok" : next.kind).toMatch(/^(ok|output)$/);
    // Output that bypasses process.stdout is still counted where it arrives.
    expect(await sb.call(call("rawFlood"), { v: [] })).toMatchObject({ ok: false, kind: "output" });
  });

  it("running out of memory is reported as memory, the same way every time, with none of V8's report in the output", async () => {
    const limit = `ran out of memory: it used more than ${FAST_LIMITS.memoryMb} MB (the limit for one call)`;
    // a generous time limit: the heap must run out before it, also on a busy machine
    const hog = sandboxWith({ [F]: ATTACKS }, { ...FAST_LIMITS, callTimeoutMs: 30_000 });
    for (const fn of ["heapHog", "hog", "heapHog"]) {
      expect(await hog.call(call(fn), { v: [] }), fn).toEqual({ ok: false, kind: "memory", message: limit });
    }
    expect(hog.printed()).toBe("before the heap runs out\nbefore the heap runs out\n");
    const r = await hog.call(call("twice", [tensor([5])]), { v: [] });
    expect(r.ok && readOutput(r.outputs.v)).toMatchObject({ kind: "tensor" });
  }, 60_000);

  it("reports a changed input and missing functions", async () => {
    const r = await sb.call(call("mutate", [tensor([1, 2])]), { v: [] });
    expect(r.ok && r.changed).toEqual(["argument 1"]);
    expect(await sb.call(call("nope"), { v: [] })).toMatchObject({ ok: false, kind: "missing", message: `${F} does not export a function nope` });
  });

  it("the checks use only what was captured before student code ran: replaced globals hide no change", async () => {
    const patched = sandboxWith({ [F]: PATCHER });
    const r = await patched.call(call("reluForward", [tensor([1, 2, 3])]), { out: [0] });
    expect(r.ok && r.changed).toEqual(["argument 1"]);
    expect(r.ok && readOutput(r.outputs.out)).toMatchObject({ kind: "tensor" });
    const withCache = await patched.call(call("reluBackward", [tensor([1, 1, 1]), { x: tensor([1, 2, 3]) }]), { dx: [] });
    expect(withCache.ok && withCache.changed).toEqual(["argument 2.x"]);
  });
});

/**
 * A student module that writes answer frames of its own to fd 3 (for every request id the grader
 * may be waiting on: "returned float64, changed nothing") while it changes its input and returns
 * float32; and one that looks for the key that makes the child's frames count.
 */
function forger(): string {
  const forged = Buffer.concat(
    Array.from({ length: 40 }, (_, id) =>
      encodeFrame({ id, ok: true, outputs: { v: { $t: "tensor", shape: Float64Array.from([2]), dtype: "float64", data: Float64Array.from([2, 4]) } }, changed: [] }),
    ),
  );
  return `
import * as fs from "node:fs";
import * as v8 from "node:v8";
const FORGED = ${JSON.stringify(forged.toString("base64"))};
const attempt = (f: () => unknown): string => { try { f(); return "ALLOWED"; } catch (e) { return (e as Error).message; } };
export function forge(x: { data: Float64Array; shape: number[] }) {
  x.data[0] = 42;
  fs.writeSync(3, Buffer.from(FORGED, "base64"));
  return { shape: x.shape, data: Float32Array.from(x.data, (v) => 2 * v) };
}
export function forgeHalf() { fs.writeSync(3, Buffer.from(FORGED, "base64").subarray(0, 2)); return 1; }
export function fair() { return 1; }
export function heap() { return [attempt(() => v8.getHeapSnapshot()), attempt(() => v8.setFlagsFromString("--allow-natives-syntax")), attempt(() => v8.queryObjects?.(Object))].join(" | "); }
let imported = "pending";
export function viaImport() { eval("import('node:v8')").then((m: typeof v8) => { imported = attempt(() => m.getHeapSnapshot()); }, (e: Error) => { imported = e.message; }); return 0; }
export function importStatus() { return imported; }
export function report() { return JSON.stringify(process.report.getReport()).includes("NNKIT_FRAME_KEY") ? "key in the report" : "no key"; }
export const caller = new Function("return String(arguments.callee.caller)") as () => string;
export function callSites() {
  const prepare = Error.prepareStackTrace;
  Error.prepareStackTrace = (_e, sites) => sites.map((c) => typeof c.getFunction()).join(",");
  const stack = new Error().stack;
  Error.prepareStackTrace = prepare;
  return stack;
}
`;
}

describe("sandbox child: only the child's own frames count", () => {
  it("a function that writes answer frames of its own fails its call (its change of input and its float32 are not hidden)", async () => {
    const sb = sandboxWith({ [F]: forger() });
    const before = sb.starts;
    const r = await sb.call(call("forge", [tensor([1, 2])]), { v: [] });
    expect(r).toMatchObject({ ok: false, kind: "protocol", message: expect.stringContaining("wrote data of its own where the sandbox sends its answers") });
    // Half a frame header, then the child's genuine answer: the key check refuses it too.
    expect(await sb.call(call("forgeHalf"), { v: [] })).toMatchObject({ ok: false, kind: "protocol" });
    expect(sb.starts).toBe(before + 2);
    expect(await sb.call(call("fair"), { v: [] })).toMatchObject({ ok: true, outputs: { v: 1 } });
  });

  it("student code cannot read the key: not in the environment or the report, no heap snapshot or V8 flags, no function of the child", async () => {
    const sb = sandboxWith({ [F]: forger() });
    const denied = "reading the V8 heap or setting V8 flags is not available in the grading sandbox";
    const text = async (fn: string): Promise<string> => {
      const r = await sb.call(call(fn), { v: [] });
      return r.ok ? String((readOutput(r.outputs.v) as { desc?: string }).desc) : `${r.kind}: ${r.message}`;
    };
    expect(await text("heap")).toBe(`the string "${[denied, denied, ...(process.versions.node.startsWith("20.") ? ["ALLOWED"] : [denied])].join(" | ").slice(0, 120)}"`);
    expect(await text("report")).toBe('the string "no key"');
    await sb.call(call("viaImport"), { v: [] });
    await new Promise((r) => setTimeout(r, 100));
    expect(await text("importStatus")).toBe(`the string "${denied}"`);
    expect(await text("caller")).toBe('the string "null"');
    expect(await text("callSites")).toMatch(/^the string "(function,)?(undefined,?)+"$/);
  });
});

describe("sandbox child between calls", () => {
  it("the student's timers and promises run between calls, as in any Node process", async () => {
    const sb = sandboxWith({
      [F]: `
let timers = 0;
let promises = 0;
export function later() { setTimeout(() => { timers++; }, 20); Promise.resolve().then(() => { promises++; }); return 0; }
export function counts() { return timers * 10 + promises; }
`,
    });
    expect(await sb.call(call("later"), { v: [] })).toMatchObject({ ok: true, outputs: { v: 0 } });
    await new Promise((r) => setTimeout(r, 200)); // the child waits for the next request meanwhile
    expect(await sb.call(call("counts"), { v: [] })).toMatchObject({ ok: true, outputs: { v: 11 } });
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

/** A student module that reports what it sees of its own module: strict mode, import.meta, top-level this. */
const MODULE_MEANING = `
import { nothingHere } from "../tensor.js";
const topThis = String(this);
export function strict() { try { undeclared = 1; return "sloppy"; } catch (e) { return (e as Error).name; } }
export function metaUrl() { return import.meta.url.slice(-40); }
export function metaFile() { return import.meta.filename.slice(-40); }
export function metaDirOfFile() { return import.meta.filename === \`\${import.meta.dirname}/relu.js\` && import.meta.url === "file://" + import.meta.filename ? "same file" : "another file"; }
export function top() { return topThis; }
export function usesMissing() { return nothingHere(); }
export function fine() { return "fine"; }
`;

describe("sandbox child: student files keep an ES module's meaning (they are loaded as CommonJS)", () => {
  const sb = sandboxWith({ [F]: MODULE_MEANING });
  const text = async (fn: string): Promise<string> => {
    const r = await sb.call(call(fn), { v: [] });
    return r.ok ? String((readOutput(r.outputs.v) as { kind: string; desc?: string }).desc ?? r.outputs.v) : `${r.kind}: ${r.message}`;
  };

  it("strict mode, import.meta of the file itself, no top-level this", async () => {
    expect(await text("strict")).toBe('the string "ReferenceError"');
    expect(await text("metaUrl")).toMatch(/\/s\/src\/layers\/relu\.js"$/);
    expect(await text("metaFile")).toMatch(/\/s\/src\/layers\/relu\.js"$/);
    expect(await text("metaDirOfFile")).toBe('the string "same file"');
    expect(await text("top")).toBe('the string "undefined"');
  });

  it("a name the other file does not export fails the function that uses it, when it runs; the file's other functions work", async () => {
    expect(await text("usesMissing")).toMatch(/^call: usesMissing threw TypeError: .*nothingHere.* is not a function$/);
    expect(await text("fine")).toBe('the string "fine"');
  });

  it("top-level await is refused at compile time with a message that says what to do", () => {
    expect(compileTs("const x = await Promise.resolve(1);\nexport const y = x;", F)).toEqual({
      ok: false,
      error: `${F}:1:11: top-level await is not supported by the grader (it loads every file as CommonJS): move the await into a function`,
    });
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
