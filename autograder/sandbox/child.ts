/**
 * The sandbox child: the only process that ever runs a student's code.
 *
 * It is started by `SandboxProcess` with Node's permission model (read only its sandbox folder,
 * write only its temp folder, no child processes, no workers), and, as root, without network and
 * as an unprivileged user. It reads request frames on stdin and writes response frames on fd 3
 * (4-byte little-endian length + v8-serialised payload). It knows nothing about tests or scores:
 * it receives inputs, calls the student's function and sends back plain data. Whatever it sends,
 * the trusted grader only compares it with the reference.
 *
 * This file is self-contained (no imports outside node:) because it is compiled on its own into
 * every sandbox.
 */
import { writeSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { serialize, deserialize } from "node:v8";

/** A value on the wire (see autograder/sandbox/wire.ts for the trusted side's view). */
type Wire = unknown;
interface CallSpec {
  file: string;
  fn: string;
  args: Wire[];
}
type Request =
  | { type: "load"; id: number; file: string }
  | { type: "call"; id: number; call: CallSpec; outputs: Record<string, (string | number)[]> };

const root = process.env.NNKIT_SANDBOX_ROOT ?? process.cwd();

// No signals to other processes: the permission model does not cover process.kill, and without
// uid separation (grader not root) student code could otherwise kill the grader. process.binding
// is already closed by the permission model, so the originals cannot be fetched again.
const noKill = (): never => {
  throw new Error("process.kill is not available in the grading sandbox");
};
for (const name of ["kill", "_kill"]) Object.defineProperty(process, name, { value: noKill, writable: false, configurable: false });
// Builtins captured before any student code runs (student code may patch the globals).
const F64 = Float64Array;
const F32 = Float32Array;
const isArray = Array.isArray;
const MAX_ELEMENTS = 1e7;

/** Element-by-element copy into a new array of type `T` (no patched statics involved). */
function copyInto(T: typeof F64 | typeof F32, src: ArrayLike<number>): Float64Array | Float32Array {
  const n = Math.min(Number(src.length), MAX_ELEMENTS);
  const out = new T(n);
  for (let i = 0; i < n; i++) out[i] = Number(src[i]);
  return out;
}
const RESPONSE_FD = 3;

interface TensorCtor {
  new (data: Float32Array | Float64Array, shape: number[]): { shape: number[]; data: Float32Array | Float64Array };
}
let TensorClass: TensorCtor | undefined;
const modules = new Map<string, Record<string, unknown>>();

function send(payload: unknown): void {
  const body = serialize(payload);
  const head = Buffer.alloc(4);
  head.writeUInt32LE(body.length, 0);
  const frame = Buffer.concat([head, body]);
  let off = 0;
  while (off < frame.length) off += writeSync(RESPONSE_FD, frame, off, frame.length - off);
}

/** A short, safe description of a thrown value (student code may throw anything). */
function describeError(e: unknown): string {
  try {
    if (e instanceof Error) return `${e.name}: ${e.message}`.slice(0, 2000);
    return `threw a non-Error value: ${String(e)}`.slice(0, 2000);
  } catch {
    return "threw a value that cannot be printed";
  }
}

async function tensorClass(): Promise<TensorCtor> {
  if (!TensorClass) {
    const mod = (await import(pathToFileURL(join(root, "src", "tensor.js")).href)) as { Tensor: TensorCtor };
    TensorClass = mod.Tensor;
  }
  return TensorClass;
}

async function loadModule(file: string): Promise<Record<string, unknown>> {
  const known = modules.get(file);
  if (known) return known;
  const js = file.replace(/\.ts$/, ".js");
  const mod = (await import(pathToFileURL(join(root, js)).href)) as Record<string, unknown>;
  modules.set(file, mod);
  return mod;
}

class PhaseError extends Error {
  constructor(
    readonly phase: "import" | "missing" | "call",
    message: string,
    readonly fn: string,
  ) {
    super(message);
  }
}

const notes: string[] = [];

/** Turn wire values into live values: tensors become the sandbox's own Tensor instances. */
async function decode(v: Wire): Promise<unknown> {
  if (isArray(v)) return Promise.all(v.map(decode));
  if (v === null || typeof v !== "object" || ArrayBuffer.isView(v)) return v;
  const o = v as Record<string, unknown>;
  if (o.$t === "tensor") {
    const T = await tensorClass();
    const data = copyInto(o.dtype === "float32" ? F32 : F64, o.data as Float64Array);
    return new T(data, [...(o.shape as number[])]);
  }
  if (o.$t === "call") {
    try {
      const result = await invoke(o.call as CallSpec);
      return pick(result, o.pick as (string | number)[]);
    } catch (e) {
      if (o.fallback === undefined) throw e;
      notes.push(`${String(o.note ?? "a nested call failed")}: ${e instanceof PhaseError ? e.message : describeError(e)}`);
      return decode(o.fallback);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = await decode(x);
  return out;
}

function pick(value: unknown, path: (string | number)[]): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || (typeof v !== "object" && typeof v !== "function")) return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

async function invoke(call: CallSpec): Promise<unknown> {
  let mod: Record<string, unknown>;
  try {
    mod = await loadModule(call.file);
  } catch (e) {
    throw new PhaseError("import", `importing ${call.file} failed: ${describeError(e)}`, call.fn);
  }
  const f = mod[call.fn];
  if (typeof f !== "function") {
    throw new PhaseError("missing", `${call.file} does not export a function ${call.fn}`, call.fn);
  }
  const args = (await decode(call.args)) as unknown[];
  const before = snapshot(args);
  let result: unknown;
  try {
    result = await (f as (...a: unknown[]) => unknown)(...args);
  } catch (e) {
    throw new PhaseError("call", `${call.fn} threw ${describeError(e)}`, call.fn);
  }
  for (const [where, copy, t] of before) {
    const now = t.data;
    let changed = now.length !== copy.length;
    for (let i = 0; !changed && i < copy.length; i++) changed = !Object.is(now[i], copy[i]);
    if (changed) {
      notes.push(`mutated: ${call.fn} changed its input ${where}`);
    }
  }
  return result;
}

type Snap = [string, Float64Array, { data: Float32Array | Float64Array }];
/** Copies of every tensor in the arguments (top level and one level into objects) to detect mutation. */
function snapshot(args: unknown[]): Snap[] {
  const out: Snap[] = [];
  const visit = (v: unknown, where: string, depth: number): void => {
    if (TensorClass && v instanceof TensorClass) {
      out.push([where, copyInto(F64, v.data) as Float64Array, v]);
    } else if (depth < 1 && v !== null && typeof v === "object" && !ArrayBuffer.isView(v)) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) visit(x, `${where}.${k}`, depth + 1);
    }
  };
  args.forEach((a, i) => visit(a, `argument ${i + 1}`, 0));
  return out;
}

/** Plain-data copy of one output: tensors become { $t, shape, dtype, data: Float64Array }. */
function encodeOutput(v: unknown): unknown {
  try {
    if (typeof v === "number") return v;
    if (v !== null && typeof v === "object") {
      const t = v as { shape?: unknown; data?: unknown; dtype?: unknown };
      if (isArray(t.shape) && (t.data instanceof F64 || t.data instanceof F32)) {
        const src = t.data;
        const n = Number(src.length);
        if (!(n >= 0 && n <= MAX_ELEMENTS)) return { $t: "other", desc: "a Tensor with an impossible number of elements" };
        const data = new F64(n);
        for (let i = 0; i < n; i++) data[i] = Number(src[i]);
        const shape: number[] = [];
        for (let i = 0; i < Math.min(Number(t.shape.length), 16); i++) shape.push(Number(t.shape[i]));
        return { $t: "tensor", shape, dtype: src instanceof F32 ? "float32" : "float64", data };
      }
      const name = (v as object).constructor?.name ?? "object";
      return { $t: "other", desc: isArray(v) ? `an array of length ${v.length}` : `a ${name} that is not a Tensor` };
    }
    if (typeof v === "string") return { $t: "other", desc: `the string ${JSON.stringify(v.slice(0, 120))}` };
    return { $t: "other", desc: v === undefined ? "undefined" : `a ${typeof v}` };
  } catch (e) {
    return { $t: "other", desc: `a value that cannot be read (${describeError(e)})` };
  }
}

async function handle(req: Request): Promise<void> {
  notes.length = 0;
  if (req.type === "load") {
    try {
      await tensorClass();
      await loadModule(req.file);
      send({ id: req.id, ok: true });
    } catch (e) {
      send({ id: req.id, ok: false, phase: "import", error: `importing ${req.file} failed: ${describeError(e)}` });
    }
    return;
  }
  try {
    await tensorClass();
    const result = await invoke(req.call);
    const outputs: Record<string, unknown> = {};
    for (const [name, path] of Object.entries(req.outputs)) outputs[name] = encodeOutput(pick(result, path));
    send({ id: req.id, ok: true, outputs, notes: [...notes] });
  } catch (e) {
    const phase = e instanceof PhaseError ? e.phase : "call";
    send({ id: req.id, ok: false, phase, error: e instanceof PhaseError ? e.message : describeError(e), notes: [...notes] });
  }
}

// Frame reader on stdin; requests are handled one at a time in arrival order.
let pending = Buffer.alloc(0);
let chain: Promise<void> = Promise.resolve();
process.stdin.on("data", (chunk: Buffer) => {
  pending = Buffer.concat([pending, chunk]);
  while (pending.length >= 4) {
    const len = pending.readUInt32LE(0);
    if (pending.length < 4 + len) break;
    const req = deserialize(pending.subarray(4, 4 + len)) as Request;
    pending = pending.subarray(4 + len);
    chain = chain.then(() => handle(req));
  }
});
process.stdin.on("end", () => process.exit(0));
send({ ready: true });
