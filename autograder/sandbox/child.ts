/**
 * The sandbox child: the only process that ever runs a student's code.
 *
 * It is started by `SandboxProcess` with Node's permission model (read only its sandbox folder,
 * write only its temp folder, no child processes, no workers), and, as root, in its own network,
 * pid and mount namespaces as an unprivileged user. It reads request frames on fd 4 and writes
 * response frames on fd 3 (codec.ts: a 4-byte little-endian length, then the message), each one
 * after the child's frame key (see below). It knows nothing
 * about tests or scores: it receives inputs, calls the student's function and sends back plain
 * data. Whatever it sends, the trusted grader only compares it with the reference.
 *
 * Student code runs in this process and may replace any global (Object.is, Array.prototype.push,
 * Promise.prototype.then, a setter on Array.prototype[0] …). So everything this file does after the
 * first student module loads uses only functions captured below, before that: indexed loops (no
 * iterators), own properties defined with the captured Object.defineProperty (no setters run), the
 * typed-array getters of %TypedArray%.prototype (not a lying `length` or a fake Float64Array), and
 * no await on a call's path (student functions are called synchronously; a Promise or thenable
 * result is reported as such, never awaited).
 *
 * It is bundled with codec.ts, child-guards.ts and child-inputs.ts, its only imports, into one CommonJS file in
 * every sandbox, where the kit and the student's files are CommonJS too (see build.ts): a child
 * that loads no ES module never starts Node's ES module loader, which cost every child about 10 ms
 * of CPU. Its own start is part of every submission's cost, so it loads as little of Node as it
 * can: Node's modules come from process.getBuiltinModule (an import of node:fs would build its ES
 * module facade, calling every lazy getter of fs and so loading its file streams), node:v8 only to
 * close its heap readers (child-guards.ts; it loads the heap snapshot utilities and Node's
 * streams: 5 to 8 ms of CPU under the child's tier-up flags, the price of a frame key that student
 * code cannot read), and requests are read from an fd of their own with fs.readSync or fs.read
 * rather than through process.stdin.
 */
import {
  apply, defineProperty, ErrorCtor, F32, F64, I32, isArray, objectKeys, put, typedArrayName, typedLength, typedSubarray,
} from "./intrinsics.js";
import { decodeMessage, encodeFrame, FRAME_HEAD, REQUEST_FD, RESPONSE_FD } from "./codec.js";
import { guardOutput, takeFrameKey } from "./child-guards.js";
import { changedInputs, copyOf, floatCopy, trackKept, type Given } from "./child-inputs.js";

const { read, readSync, writeSync } = process.getBuiltinModule("node:fs");
const { join } = process.getBuiltinModule("node:path");
const { createRequire } = process.getBuiltinModule("node:module");

// ---- intrinsics, captured before any student code runs (with those of intrinsics.ts) ----------
const NumberOf = Number;
const StringOf = String;
const stringSlice = String.prototype.slice;
const stringSplit = String.prototype.split;
const stringLastIndexOf = String.prototype.lastIndexOf;
const bufferConcat = Buffer.concat;
const bufferAlloc = Buffer.alloc;
const readU32 = Buffer.prototype.readUInt32LE;
const write = writeSync;
const readFd = read;
const readNow = readSync;
const schedule = setImmediate;
const activeResources = process.getActiveResourcesInfo;
const joinPath = join;
const exit = process.exit;

// The frame key (the grader believes only frames after it) and node:v8's heap readers closed.
const FRAME_KEY = takeFrameKey();

function slice(s: string, n: number): string {
  return apply(stringSlice, s, [0, n]) as string;
}
function isThenable(v: unknown): boolean {
  return v !== null && (typeof v === "object" || typeof v === "function") && typeof (v as { then?: unknown }).then === "function";
}

// No signals to other processes: the permission model does not cover process.kill, and without
// uid separation (grader not root) student code could otherwise kill the grader. process.binding
// is already closed by the permission model, so the originals cannot be fetched again.
const noKill = (): never => {
  throw new ErrorCtor("process.kill is not available in the grading sandbox");
};
for (const name of ["kill", "_kill"]) defineProperty(process, name, { value: noKill, writable: false, configurable: false });
// A Promise that a student function returned and that later rejects must not end the process.
process.on("unhandledRejection", () => undefined);

// The output budget, per request (the grader calls a function dozens of times: a budget per child
// was spent by an honest debugging print in every call). Past it, the grader is told the current
// request failed with phase "output" (it then ends this process).
/** The id of the request being handled (the one a flood of output is charged to). */
let current = -1;
const countFromZero = guardOutput(NumberOf(process.env.NNKIT_OUTPUT_BYTES ?? 1 << 20), () => send({ id: current, ok: false, phase: "output", error: "printed too much" }));

/** Request `id` starts: what it prints is counted from zero. */
function begin(id: number): void {
  current = id;
  countFromZero();
}

const root = process.env.NNKIT_SANDBOX_ROOT ?? process.cwd();
/** Loads the sandbox's CommonJS files (the kit's and the student's) by absolute path. */
const requireFile = createRequire(joinPath(root, "package.json"));
const MAX_DIMS = 16;

/** A value on the wire (see autograder/sandbox/wire.ts for the trusted side's view). */
type Wire = unknown;
interface CallSpec {
  file: string;
  fn: string;
  args: Wire[];
}
type Request =
  | { type: "load"; id: number; file: string; js: string }
  | { type: "call"; id: number; call: CallSpec; outputs: Record<string, (string | number)[]>; keep?: (string | number)[] };

interface TensorCtor {
  new (data: Float32Array | Float64Array, shape: number[]): { shape: number[]; data: Float32Array | Float64Array };
}
let TensorClass: TensorCtor | undefined;
const modules: Record<string, Record<string, unknown>> = {};
/** The whole result of the last call made with `keep` (a forward pass whose cache a backward pass gets). */
let kept: unknown;

/** Write the frame of `payload` after the frame key (synchronously: no student code runs in between). */
function send(payload: unknown): void {
  const frame = encodeFrame(payload, FRAME_KEY);
  const n = typedLength(frame);
  let off = 0;
  while (off < n) off += write(RESPONSE_FD, frame, off, n - off);
}

/**
 * Where in the student's own files error `e` was thrown: " (at src/layers/relu.ts:12:5)", from the
 * first frame of its stack in a file the child imported for the student (their source maps give
 * their own lines), or "" when none is there or the stack cannot be read.
 */
function locationOf(e: unknown, loading?: string): string {
  try {
    if (!(e instanceof ErrorCtor)) return "";
    const lines = apply(stringSplit, StringOf(e.stack), ["\n"]) as string[];
    const files = objectKeys(modules);
    if (loading !== undefined) put(files, files.length, loading);
    for (let i = 1; i < lines.length && i < 50; i++) {
      for (let f = 0; f < files.length; f++) {
        const at = apply(stringLastIndexOf, lines[i], [`/${files[f]}:`]) as number;
        if (at < 0) continue;
        const rest = apply(stringSlice, lines[i], [at + 1]) as string;
        const end = apply(stringLastIndexOf, rest, [")"]) as number;
        return ` (at ${slice(end < 0 ? rest : (apply(stringSlice, rest, [0, end]) as string), 300)})`;
      }
    }
  } catch {
    /* a stack that cannot be read: no location */
  }
  return "";
}

/** A short, safe description of a thrown value (student code may throw anything). */
function describeError(e: unknown): string {
  try {
    if (e instanceof ErrorCtor) return slice(`${StringOf(e.name)}: ${StringOf(e.message)}`, 2000);
    return slice(`threw a non-Error value: ${StringOf(e)}`, 2000);
  } catch {
    return "threw a value that cannot be printed";
  }
}

/** A failure of one request: the phase tells the grader what went wrong. */
class PhaseError extends ErrorCtor {
  constructor(
    readonly phase: "import" | "missing" | "call" | "promise" | "kept",
    message: string,
  ) {
    super(message);
  }
}

/** Turn wire values into live values: tensors become the sandbox's own Tensor instances (recorded in `given`). */
function decode(v: Wire, where: string, given: Given[]): unknown {
  if (isArray(v)) {
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) put(out, i, decode(v[i], where === "" ? `argument ${i + 1}` : `${where}[${i}]`, given));
    return out;
  }
  const plain = typedArrayName(v);
  if (plain === "Int32Array" || plain === "Float64Array") {
    // labels, or a plain float array (an update rule's parameter and state): a fresh copy, tracked like a tensor's data
    const [data, copy] = plain === "Int32Array" ? copyOf(I32, v as Int32Array) : copyOf(F64, v as Float64Array);
    put(given, given.length, { where, data, copy, shape: [], shapeCopy: new F64(0) });
    return data;
  }
  if (v === null || typeof v !== "object" || typedArrayName(v) !== undefined) return v;
  const o = v as Record<string, unknown>;
  if (o.$t === "tensor") {
    const [data, copy] = o.dtype === "float32" ? copyOf(F32, o.data as Float64Array) : copyOf(F64, o.data as Float64Array);
    const tensor = new TensorClass!(data, o.shape as number[]);
    const shape = tensor.shape;
    const shapeCopy = new F64(shape.length);
    for (let i = 0; i < shape.length; i++) shapeCopy[i] = shape[i];
    put(given, given.length, { where, tensor, data, copy, shape, shapeCopy });
    return tensor;
  }
  if (o.$t === "kept") {
    const value = pick(kept, o.pick as (string | number)[]);
    trackKept(value, where, given, 0);
    return value;
  }
  const out: Record<string, unknown> = {};
  const keys = objectKeys(o);
  for (let i = 0; i < keys.length; i++) put(out, keys[i], decode(o[keys[i]], `${where}.${keys[i]}`, given));
  return out;
}

/** The value at `path` (from its element `from` on) inside `value`. */
function pick(value: unknown, path: (string | number)[], from = 0): unknown {
  let v = value;
  for (let i = from; i < path.length; i++) {
    if (v === null || (typeof v !== "object" && typeof v !== "function")) return undefined;
    v = (v as Record<string | number, unknown>)[path[i]];
  }
  return v;
}

function studentFunction(call: CallSpec): (...a: unknown[]) => unknown {
  const mod = modules[call.file];
  if (!mod) throw new PhaseError("import", `${call.file} was not imported`);
  const f = mod[call.fn];
  if (typeof f !== "function") throw new PhaseError("missing", `${call.file} does not export a function ${call.fn}`);
  return f as (...a: unknown[]) => unknown;
}

/** Plain-data copy of one output: tensors become { $t, shape, dtype, data }, plain float arrays { $t: "array", dtype, data }, with fresh Float64Arrays. */
function encodeOutput(v: unknown): unknown {
  try {
    if (typeof v === "number") return v;
    if (v !== null && typeof v === "object") {
      if (isThenable(v)) return { $t: "other", desc: "a Promise" };
      const plain = typedArrayName(v);
      if (plain === "Float64Array" || plain === "Float32Array") {
        const data = floatCopy(v as Float64Array);
        if (data === undefined) return { $t: "other", desc: `a ${plain} with an impossible number of elements` };
        return { $t: "array", dtype: plain === "Float32Array" ? "float32" : "float64", data };
      }
      const t = v as { shape?: unknown; data?: unknown };
      const shape = t.shape;
      const src = t.data;
      const kind = typedArrayName(src);
      if (isArray(shape) && (kind === "Float64Array" || kind === "Float32Array")) {
        const data = floatCopy(src as Float64Array);
        if (data === undefined) return { $t: "other", desc: "a Tensor with an impossible number of elements" };
        const dims = NumberOf(shape.length);
        if (!(dims >= 0 && dims <= MAX_DIMS)) return { $t: "other", desc: "a Tensor with an impossible number of dimensions" };
        const dimsOut = new F64(dims);
        for (let i = 0; i < dims; i++) dimsOut[i] = NumberOf(shape[i]);
        return { $t: "tensor", shape: dimsOut, dtype: kind === "Float32Array" ? "float32" : "float64", data };
      }
      if (isArray(v)) return { $t: "other", desc: `an array of length ${NumberOf(v.length)}` };
      const ctor = (v as { constructor?: { name?: unknown } }).constructor;
      const name = ctor && typeof ctor.name === "string" && ctor.name !== "" ? slice(ctor.name, 60) : "object";
      return { $t: "other", desc: `a ${name} that is not a Tensor` };
    }
    if (typeof v === "string") return { $t: "other", desc: `the string "${slice(v, 120)}"` };
    return { $t: "other", desc: v === undefined ? "undefined" : `a ${typeof v}` };
  } catch (e) {
    return { $t: "other", desc: `a value that cannot be read (${describeError(e)})` };
  }
}

/** One call: decode the arguments, call synchronously, check the result and the inputs, encode the outputs. */
function callOnce(req: Extract<Request, { type: "call" }>): Record<string, unknown> {
  const f = studentFunction(req.call);
  const given: Given[] = [];
  const args = decode(req.call.args, "", given) as unknown[];
  let result: unknown;
  try {
    result = apply(f, undefined, args);
  } catch (e) {
    throw new PhaseError("call", `${req.call.fn} threw ${describeError(e)}${locationOf(e)}`);
  }
  let thenable: boolean;
  try {
    thenable = isThenable(result);
  } catch (e) {
    throw new PhaseError("call", `${req.call.fn} returned a value that cannot be read (${describeError(e)})`);
  }
  if (thenable) throw new PhaseError("promise", `${req.call.fn} returned a Promise`);
  const outputs: Record<string, unknown> = {};
  const names = objectKeys(req.outputs);
  for (let i = 0; i < names.length; i++) {
    // a path starting with "$args" reads an argument after the call (a parameter the function updated in place)
    const path = req.outputs[names[i]];
    put(outputs, names[i], encodeOutput(path.length > 0 && path[0] === "$args" ? pick(args, path, 1) : pick(result, path)));
  }
  const response: Record<string, unknown> = { id: req.id, ok: true, outputs, changed: changedInputs(given) };
  if (req.keep) {
    kept = result;
    let present: boolean;
    try {
      const c = pick(result, req.keep);
      present = c !== undefined && c !== null;
    } catch {
      present = false;
    }
    put(response, "kept", present);
  }
  return response;
}

function load(req: Extract<Request, { type: "load" }>): void {
  begin(req.id);
  try {
    if (!modules[req.file]) {
      const mod = requireFile(joinPath(root, req.js)) as Record<string, unknown>;
      put(modules, req.file, mod);
    }
    send({ id: req.id, ok: true });
  } catch (e) {
    send({ id: req.id, ok: false, phase: "import", error: `importing ${req.file} failed: ${describeError(e)}${locationOf(e, req.file)}` });
  }
}

function handle(req: Extract<Request, { type: "call" }>): void {
  begin(req.id);
  let response: unknown;
  try {
    response = callOnce(req);
  } catch (e) {
    const phase = e instanceof PhaseError ? e.phase : "call";
    response = { id: req.id, ok: false, phase, error: e instanceof PhaseError ? e.message : describeError(e) };
  }
  send(response);
}

// Requests: frames read from fd 4. The grader sends one request and waits for its answer, so a
// request is handled as soon as it is complete. The end of the input (the grader is done) ends the
// process.
let pending: Buffer = apply(bufferAlloc, Buffer, [0]) as Buffer;
const chunk: Buffer = apply(bufferAlloc, Buffer, [1 << 16]) as Buffer;

/** Handle the complete requests received, then read more. */
function serve(): void {
  while (typedLength(pending) >= FRAME_HEAD) {
    const len = apply(readU32, pending, [0]) as number;
    if (typedLength(pending) < FRAME_HEAD + len) break;
    const req = decodeMessage(apply(typedSubarray, pending, [FRAME_HEAD, FRAME_HEAD + len]) as Buffer) as Request;
    pending = apply(typedSubarray, pending, [FRAME_HEAD + len]) as Buffer;
    if (req.type === "load") load(req);
    else handle(req);
  }
  schedule(readRequest);
}

/**
 * Read the next bytes of input, once the call's promises have settled and its immediates run.
 * When nothing of the student's is pending (no timer, immediate, stream, socket or file
 * operation) the event loop could only wait for the grader, so the read waits on this thread
 * (one wake-up); otherwise it goes to Node's thread pool, so the student's callbacks still run
 * while the child waits, as they always did.
 */
function readRequest(): void {
  if ((apply(activeResources, process, []) as string[]).length === 0) {
    let n: number;
    try {
      n = readNow(REQUEST_FD, chunk, 0, typedLength(chunk), null);
    } catch {
      readFd(REQUEST_FD, chunk, 0, typedLength(chunk), null, onRequestBytes);
      return;
    }
    onRequestBytes(null, n);
  } else {
    readFd(REQUEST_FD, chunk, 0, typedLength(chunk), null, onRequestBytes);
  }
}

function onRequestBytes(err: unknown, n: number): void {
  if (err || !(n > 0)) exit(0);
  pending = apply(bufferConcat, Buffer, [[pending, apply(typedSubarray, chunk, [0, n])]]) as Buffer;
  serve();
}

// The kit's Tensor class is loaded before any student module, then the grader is told "ready".
const tensorModule = process.env.NNKIT_TENSOR_MODULE ?? "src/tensor.js";
try {
  TensorClass = (requireFile(joinPath(root, tensorModule)) as { Tensor: TensorCtor }).Tensor;
} catch (e) {
  process.stderr.write(`the sandbox could not load the kit's Tensor (${tensorModule}): ${describeError(e)}\n`);
  exit(1);
}
send({ ready: true });
serve();
