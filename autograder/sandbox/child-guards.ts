/**
 * What the sandbox child sets up before any student code runs, beside its request loop (child.ts):
 * the frame key taken out of the environment and out of reach, and the per-call output budget.
 * Like child.ts, it calls only built-ins captured before student code (here and in intrinsics.ts).
 */
import { apply, defineProperty, ErrorCtor, getOwnPropertyDescriptor, typedArrayName, typedMemory, U8 } from "./intrinsics.js";

const StringOf = String;
const stringSlice = String.prototype.slice;
const parseHex = Number.parseInt;
const byteLengthOf = Buffer.byteLength;
/** node:v8's functions that read or dump the heap, or switch on V8 flags (natives syntax can read any object). */
const HEAP_READERS = ["getHeapSnapshot", "writeHeapSnapshot", "setHeapSnapshotNearHeapLimit", "setFlagsFromString", "queryObjects"];

/**
 * The 16-byte frame key the grader gave this child (hex in NNKIT_FRAME_KEY), removed from the
 * environment. Student code can write to any fd, fd 3 included, so the grader believes a frame only
 * when the key comes before it: the key must stay where student code cannot read it, so this also
 * replaces node:v8's heap readers (on the module's one exports object, so require,
 * process.getBuiltinModule and import all get the replacements; the inspector is closed by the
 * permission model; the child is strict code, so no stack trace or .caller hands out its functions).
 */
export function takeFrameKey(): Uint8Array {
  const key = new U8(16);
  const hex = StringOf(process.env.NNKIT_FRAME_KEY ?? "");
  delete process.env.NNKIT_FRAME_KEY;
  for (let i = 0; i < 16; i++) key[i] = parseHex(apply(stringSlice, hex, [2 * i, 2 * i + 2]) as string, 16);
  const v8 = process.getBuiltinModule("node:v8") as unknown as Record<string, unknown>;
  const denied = (): never => {
    throw new ErrorCtor("reading the V8 heap or setting V8 flags is not available in the grading sandbox");
  };
  for (const name of HEAP_READERS) if (name in v8) defineProperty(v8, name, { value: denied, writable: false, configurable: false });
  return key;
}

/** Bytes a chunk given to a stream's write() will print (0 for what write() itself rejects). */
function chunkBytes(chunk: unknown): number {
  if (typeof chunk === "string") return apply(byteLengthOf, Buffer, [chunk]) as number;
  return typedArrayName(chunk) !== undefined ? typedMemory(chunk)[2] : 0;
}

/**
 * The output budget: at most `limit` bytes through process.stdout and process.stderr per request
 * (a load or a call, with what the student's timers print after it until the next one); past it
 * nothing more is printed and `onFlood` is called once. It is counted here so that the call which
 * goes over it is always the same one: the grader also counts what reaches it (the backstop for
 * output that bypasses the streams), but a call that floods the pipes may return before the grader
 * has read a megabyte, or run the child out of memory first, depending on timing. The streams stay
 * lazy: they are wrapped when first used. Returns the function that starts a request's count.
 */
export function guardOutput(limit: number, onFlood: () => void): () => void {
  let printed = 0;
  let flooded = false;
  const guard = (stream: { write: (...a: unknown[]) => boolean }): void => {
    const original = stream.write;
    // The arguments are passed on as they came (no spread: a student may replace the array iterator).
    const write = function (this: unknown, chunk: unknown): boolean {
      if (flooded) return true;
      printed += chunkBytes(chunk);
      if (printed > limit) {
        flooded = true;
        onFlood();
        return true;
      }
      return apply(original, stream, arguments) as boolean;
    };
    defineProperty(stream, "write", { value: write, writable: false, configurable: false });
  };
  for (const name of ["stdout", "stderr"]) {
    const lazy = getOwnPropertyDescriptor(process, name)?.get;
    if (!lazy) continue;
    let stream: { write: (...a: unknown[]) => boolean } | undefined;
    defineProperty(process, name, {
      get() {
        if (!stream) {
          stream = apply(lazy, process, []) as { write: (...a: unknown[]) => boolean };
          guard(stream);
        }
        return stream;
      },
      enumerable: true,
      configurable: false,
    });
  }
  return () => {
    printed = 0;
  };
}
