/**
 * A small zip writer for test fixtures that jszip cannot make: names with backslashes (Windows
 * PowerShell), a local header that names another file than the central directory, zip64 records,
 * and entries of many zero bytes written as holes of a sparse file (a 1 GiB download that costs
 * neither disk nor time). A zip is built as parts: Buffers and runs of zeros.
 */
import { closeSync, ftruncateSync, openSync, writeSync } from "node:fs";
import { crc32, deflateRawSync } from "node:zlib";

/** A piece of a file: bytes, or a run of zero bytes. */
export type Part = Buffer | { zeros: number };

export interface RawEntry {
  name: string;
  /** Content: bytes (deflated unless `stored`), or parts (always stored). */
  data: Buffer | Part[];
  stored?: boolean;
  /** The name its local header gives, when it should differ from the central directory's. */
  localName?: string;
  /** "Version made by" host: 3 = Unix (the default), 0 = MS-DOS/Windows. */
  host?: number;
}

const ZERO = Buffer.alloc(16 << 20);

function partsSize(parts: readonly Part[]): number {
  return parts.reduce((n, p) => n + (Buffer.isBuffer(p) ? p.length : p.zeros), 0);
}

function partsCrc(parts: readonly Part[]): number {
  let crc = 0;
  for (const p of parts) {
    if (Buffer.isBuffer(p)) crc = crc32(p, crc);
    else for (let left = p.zeros; left > 0; left -= ZERO.length) crc = crc32(ZERO.subarray(0, Math.min(left, ZERO.length)), crc);
  }
  return crc;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

/** A zip of `entries` as parts; `zip64` writes zip64 records and 0xFFFF/0xFFFFFFFF in the classic ones. */
export function zipParts(entries: readonly RawEntry[], opts: { zip64?: boolean } = {}): Part[] {
  const out: Part[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw: Part[] = Buffer.isBuffer(e.data) ? [e.data] : e.data;
    const stored = e.stored === true || !Buffer.isBuffer(e.data);
    const body: Part[] = stored ? raw : [deflateRawSync(e.data as Buffer)];
    const size = partsSize(raw);
    const csize = partsSize(body);
    const crc = partsCrc(raw);
    const name = Buffer.from(e.name, "utf8");
    const localName = Buffer.from(e.localName ?? e.name, "utf8");
    const z64 = opts.zip64 === true;
    const extra = z64 ? Buffer.concat([u16(1), u16(24), u64(size), u64(csize), u64(offset)]) : Buffer.alloc(0);
    const method = stored ? 0 : 8;
    const common = [u16(z64 ? 45 : 20), u16(0x800), u16(method), u16(0), u16(0x21), u32(crc), u32(z64 ? 0xffffffff : csize), u32(z64 ? 0xffffffff : size)];
    const localExtra = z64 ? Buffer.concat([u16(1), u16(16), u64(size), u64(csize)]) : Buffer.alloc(0);
    const local = Buffer.concat([u32(0x04034b50), ...common, u16(localName.length), u16(localExtra.length), localName, localExtra]);
    out.push(local, ...body);
    const madeBy = ((e.host ?? 3) << 8) | 20;
    const attrs = (e.host ?? 3) === 3 ? (0o100644 << 16) >>> 0 : 0x20;
    central.push(Buffer.concat([u32(0x02014b50), u16(madeBy), ...common, u16(name.length), u16(extra.length), u16(0), u16(0), u16(0), u32(attrs), u32(z64 ? 0xffffffff : offset), name, extra]));
    offset += local.length + csize;
  }
  const cd = Buffer.concat(central);
  out.push(cd);
  const n = entries.length;
  if (opts.zip64) {
    const record = Buffer.concat([u32(0x06064b50), u64(44), u16(45), u16(45), u32(0), u32(0), u64(n), u64(n), u64(cd.length), u64(offset)]);
    const locator = Buffer.concat([u32(0x07064b50), u32(0), u64(offset + cd.length), u32(1)]);
    out.push(record, locator, Buffer.concat([u32(0x06054b50), u16(0xffff), u16(0xffff), u16(0xffff), u16(0xffff), u32(0xffffffff), u32(0xffffffff), u16(0)]));
  } else {
    out.push(Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(n), u16(n), u32(cd.length), u32(offset), u16(0)]));
  }
  return out;
}

/** A zip of `entries` as one Buffer (for small zips). */
export function zipBuffer(entries: readonly RawEntry[], opts: { zip64?: boolean } = {}): Buffer {
  return Buffer.concat(zipParts(entries, opts).map((p) => (Buffer.isBuffer(p) ? p : Buffer.alloc(p.zeros))));
}

/** Write parts to `path`, runs of zeros as holes (a sparse file). Returns the file's size. */
export function writeParts(path: string, parts: readonly Part[]): number {
  const fd = openSync(path, "w");
  let at = 0;
  try {
    for (const p of parts) {
      if (Buffer.isBuffer(p)) at += writeSync(fd, p, 0, p.length, at);
      else at += p.zeros;
    }
    ftruncateSync(fd, at);
  } finally {
    closeSync(fd);
  }
  return at;
}
