/**
 * The bytes of one message between the grader and its sandbox child (both directions), in place of
 * node:v8's serializer: loading node:v8 in the child costs a few milliseconds of every child's
 * start, as it brings in Node's whole streams stack. A message is a tree of undefined, null,
 * booleans, numbers (any double, -0 and NaN included), strings, arrays, plain objects (own
 * enumerable string keys), Float64Arrays and Int32Arrays; anything else is refused.
 *
 * The child bundles this file, and student code runs in the child after it has loaded: so it calls
 * only built-ins captured before any student module (here and in intrinsics.ts), with `apply`. `decodeMessage` reads untrusted bytes: every length is checked against
 * the bytes left and nesting is bounded, so malformed input throws a `CodecError`, never more.
 */

import {
  apply, BufferCtor, DV, ErrorCtor, F64, I32, isArray, ObjectProto, getPrototypeOf, objectKeys, put, typedArrayName, typedLength, typedMemory, typedSet, typedSubarray, U8,
} from "./intrinsics.js";

const bufferFrom = Buffer.from as (buffer: ArrayBuffer, offset: number, length: number) => Buffer;
const bufferAlloc = Buffer.alloc;
const bufferWrite = Buffer.prototype.write;
const bufferToString = Buffer.prototype.toString;
// DataView methods, for `apply`.
const setU32 = DataView.prototype.setUint32;
const setF64 = DataView.prototype.setFloat64;
const getU32 = DataView.prototype.getUint32;
const getF64 = DataView.prototype.getFloat64;

/** A message that cannot be encoded (a value outside the format) or decoded (malformed bytes). */
export class CodecError extends ErrorCtor {}

const UNDEFINED = 0;
const NULL = 1;
const FALSE = 2;
const TRUE = 3;
const NUMBER = 4;
const STRING = 5;
const ARRAY = 6;
const OBJECT = 7;
const FLOAT64 = 8;
const INT32 = 9;
/** Bytes before a frame's message: its length. */
export const FRAME_HEAD = 4;
/** The child's fds for response frames (it writes them) and request frames (it reads them). */
export const RESPONSE_FD = 3;
export const REQUEST_FD = 4;
/** Deepest nesting accepted (messages are a few levels deep). */
const MAX_DEPTH = 64;

/** The bytes of one typed array, as a Uint8Array over the same memory. */
function bytesOf(v: unknown): Uint8Array {
  const [buffer, offset, length] = typedMemory(v);
  return new U8(buffer, offset, length);
}

/** A growable byte buffer written front to back (a Buffer of its own memory, so strings are written into it directly). */
class Writer {
  size = 256;
  buf: Buffer = apply(bufferAlloc, BufferCtor, [this.size]) as Buffer;
  view: DataView = new DV(typedMemory(this.buf)[0]);
  at = 0;

  room(n: number): void {
    if (this.at + n <= this.size) return;
    let size = this.size * 2;
    while (size < this.at + n) size *= 2;
    const next = apply(bufferAlloc, BufferCtor, [size]) as Buffer;
    apply(typedSet, next, [apply(typedSubarray, this.buf, [0, this.at])]);
    this.size = size;
    this.buf = next;
    this.view = new DV(typedMemory(next)[0]);
  }
}

function writeTag(w: Writer, tag: number): void {
  w.room(1);
  w.buf[w.at++] = tag;
}

function writeU32(w: Writer, n: number): void {
  w.room(4);
  apply(setU32, w.view, [w.at, n, true]);
  w.at += 4;
}

function writeString(w: Writer, s: string): void {
  const most = 3 * s.length; // UTF-8 takes at most 3 bytes per UTF-16 unit
  w.room(4 + most);
  const n = apply(bufferWrite, w.buf, [s, w.at + 4, most, "utf8"]) as number;
  apply(setU32, w.view, [w.at, n, true]);
  w.at += 4 + n;
}

function writeBytes(w: Writer, bytes: Uint8Array): void {
  const n = typedLength(bytes);
  w.room(n);
  apply(typedSet, w.buf, [bytes, w.at]);
  w.at += n;
}

function writeValue(w: Writer, v: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new CodecError("message nested too deeply");
  if (v === undefined) return writeTag(w, UNDEFINED);
  if (v === null) return writeTag(w, NULL);
  if (v === false) return writeTag(w, FALSE);
  if (v === true) return writeTag(w, TRUE);
  if (typeof v === "number") {
    writeTag(w, NUMBER);
    w.room(8);
    apply(setF64, w.view, [w.at, v, true]);
    w.at += 8;
    return;
  }
  if (typeof v === "string") {
    writeTag(w, STRING);
    return writeString(w, v);
  }
  if (typeof v !== "object") throw new CodecError(`cannot encode a ${typeof v}`);
  const kind = typedArrayName(v);
  if (kind === "Float64Array" || kind === "Int32Array") {
    writeTag(w, kind === "Float64Array" ? FLOAT64 : INT32);
    writeU32(w, typedLength(v));
    return writeBytes(w, bytesOf(v));
  }
  if (kind !== undefined) throw new CodecError(`cannot encode a ${kind}`);
  if (isArray(v)) {
    writeTag(w, ARRAY);
    const n = v.length;
    writeU32(w, n);
    for (let i = 0; i < n; i++) writeValue(w, v[i], depth + 1);
    return;
  }
  const proto = getPrototypeOf(v) as unknown;
  if (proto !== ObjectProto && proto !== null) throw new CodecError("cannot encode an object that is not a plain object");
  const o = v as Record<string, unknown>;
  const names = objectKeys(o);
  writeTag(w, OBJECT);
  writeU32(w, names.length);
  for (let i = 0; i < names.length; i++) {
    writeString(w, names[i]);
    writeValue(w, o[names[i]], depth + 1);
  }
}

/**
 * One frame on the wire: `head` if given (the child's frame key), the byte length of the message
 * (4 bytes, little-endian), then the bytes of `value` (see the module comment for what it may
 * hold); throws CodecError for anything else. One buffer, so the child writes a frame in one go.
 */
export function encodeFrame(value: unknown, head?: Uint8Array): Uint8Array {
  const w = new Writer();
  const start = head === undefined ? 0 : typedLength(head);
  w.at = start + FRAME_HEAD;
  writeValue(w, value, 0);
  if (head !== undefined) apply(typedSet, w.buf, [head, 0]);
  apply(setU32, w.view, [start, w.at - start - FRAME_HEAD, true]);
  return apply(typedSubarray, w.buf, [0, w.at]) as Uint8Array;
}

/** A cursor over the bytes being decoded (`length` of them; `text` views them as a Buffer, for strings). */
interface Reader {
  bytes: Uint8Array;
  text: Buffer;
  length: number;
  view: DataView;
  at: number;
}

function need(r: Reader, n: number): void {
  if (!(n >= 0 && r.at + n <= r.length)) throw new CodecError("message truncated");
}

function readU32(r: Reader): number {
  need(r, 4);
  const n = apply(getU32, r.view, [r.at, true]) as number;
  r.at += 4;
  return n;
}

function readString(r: Reader): string {
  const n = readU32(r);
  need(r, n);
  const s = apply(bufferToString, r.text, ["utf8", r.at, r.at + n]) as string;
  r.at += n;
  return s;
}

function readValue(r: Reader, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new CodecError("message nested too deeply");
  need(r, 1);
  const tag = r.bytes[r.at++];
  switch (tag) {
    case UNDEFINED:
      return undefined;
    case NULL:
      return null;
    case FALSE:
      return false;
    case TRUE:
      return true;
    case NUMBER: {
      need(r, 8);
      const v = apply(getF64, r.view, [r.at, true]) as number;
      r.at += 8;
      return v;
    }
    case STRING:
      return readString(r);
    case ARRAY: {
      const n = readU32(r);
      need(r, n); // every element takes at least one byte
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) put(out, i, readValue(r, depth + 1));
      return out;
    }
    case OBJECT: {
      const n = readU32(r);
      need(r, 5 * n); // a key's length and a value's tag at least
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const key = readString(r);
        const value = readValue(r, depth + 1);
        put(out, key, value);
      }
      return out;
    }
    case FLOAT64:
    case INT32: {
      const n = readU32(r);
      const width = tag === FLOAT64 ? 8 : 4;
      need(r, n * width);
      const out = tag === FLOAT64 ? new F64(n) : new I32(n);
      apply(typedSet, bytesOf(out), [apply(typedSubarray, r.bytes, [r.at, r.at + n * width])]);
      r.at += n * width;
      return out;
    }
    default:
      throw new CodecError(`unknown tag ${tag}`);
  }
}

/** The value encoded in `bytes` (a frame's message: exactly one value, nothing after it); throws CodecError when malformed. */
export function decodeMessage(bytes: Uint8Array): unknown {
  const [buffer, offset, length] = typedMemory(bytes);
  const text = apply(bufferFrom, BufferCtor, [buffer, offset, length]) as Buffer;
  const r: Reader = { bytes, text, length, view: new DV(buffer, offset, length), at: 0 };
  const v = readValue(r, 0);
  if (r.at !== length) throw new CodecError("bytes left after the message");
  return v;
}
