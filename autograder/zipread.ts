/**
 * The zip format, read from a random-access source (a Buffer, or a file read through its
 * descriptor so that a class download of any size is never loaded whole): the end-of-central-
 * directory record (zip64 too), the central directory, and each entry's local header, whose name
 * must be the central directory's name (a zip whose two lists disagree unzips to other files than
 * a reader of either list would grade). Entry data is inflated in chunks with a cap on the output
 * and checked against the size and CRC-32 the central directory declares.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createInflateRaw, crc32 } from "node:zlib";

/** A refused archive: the message says why, for the gradebook. */
export class ZipRejected extends Error {}

/** Bytes that can be read at any offset: `read(offset, length)` returns exactly that range. */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Buffer;
}

/** A ByteSource over a Buffer (no copy). */
export function bufferSource(buf: Buffer): ByteSource {
  return { size: buf.length, read: (offset, length) => buf.subarray(offset, offset + length) };
}

/** A ByteSource over part of another (`offset`, `size` bytes): a stored entry read in place. */
export function sliceSource(src: ByteSource, offset: number, size: number): ByteSource {
  return { size, read: (at, length) => src.read(offset + at, Math.min(length, size - at)) };
}

/** A ByteSource over a file that is opened for each read (nothing to close). */
export function pathSource(path: string, size: number): ByteSource {
  return {
    size,
    read(offset, length) {
      const src = fileSource(path);
      try {
        return src.read(offset, length);
      } finally {
        src.close();
      }
    },
  };
}

/** A ByteSource over a file, read through its descriptor; `close()` releases it. */
export function fileSource(path: string): ByteSource & { close(): void } {
  const fd = openSync(path, "r");
  const size = fstatSync(fd).size;
  return {
    size,
    read(offset, length) {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      let got = 0;
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      return buf.subarray(0, got);
    },
    close: () => closeSync(fd),
  };
}

/** One entry of a zip's central directory. */
export interface ZipEntry {
  /** The name as stored, decoded (UTF-8, else Latin-1); backslashes not yet turned into "/". */
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  /** Where the entry's data begins (after its local header). */
  dataOffset: number;
  dir: boolean;
  symlink: boolean;
  encrypted: boolean;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipRejected("the archive declares an impossible size or offset");
  return Number(v);
}

/** Where the central directory is and how many entries it declares (zip64 records when present). */
function findDirectory(src: ByteSource): { count: number; offset: number; size: number } {
  const tailLength = Math.min(src.size, 22 + 0xffff + 20);
  const tail = src.read(src.size - tailLength, tailLength);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipRejected("not a zip archive (no end-of-central-directory record)");
  let count = tail.readUInt16LE(at + 10);
  let size = tail.readUInt32LE(at + 12);
  let offset = tail.readUInt32LE(at + 16);
  if (at >= 20 && tail.readUInt32LE(at - 20) === ZIP64_LOCATOR) {
    const recordAt = u64(tail, at - 20 + 8);
    const record = src.read(recordAt, 56);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipRejected("the zip64 end-of-central-directory record is missing or damaged");
    count = u64(record, 32);
    size = u64(record, 40);
    offset = u64(record, 48);
  } else if (count === 0xffff || offset === 0xffffffff) {
    throw new ZipRejected("a zip64 archive without its zip64 record (damaged)");
  }
  if (offset + size > src.size) throw new ZipRejected("the central directory lies outside the archive (truncated or damaged)");
  return { count, offset, size };
}

/** The zip64 extra field's values for the classic fields that hold their 0xFFFFFFFF marker. */
function zip64Extra(extra: Buffer, need: { size: boolean; csize: boolean; offset: boolean }): { size?: number; csize?: number; offset?: number } {
  for (let i = 0; i + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(i);
    const len = extra.readUInt16LE(i + 2);
    if (id === 0x0001) {
      const out: { size?: number; csize?: number; offset?: number } = {};
      let p = i + 4;
      const take = (): number | undefined => (p + 8 <= i + 4 + len && p + 8 <= extra.length ? ((p += 8), u64(extra, p - 8)) : undefined);
      if (need.size) out.size = take();
      if (need.csize) out.csize = take();
      if (need.offset) out.offset = take();
      return out;
    }
    i += 4 + len;
  }
  return {};
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
function decodeName(raw: Buffer): string {
  try {
    return utf8.decode(raw);
  } catch {
    return raw.toString("latin1");
  }
}

/** Check an entry's local header against its central record; returns where its data begins. */
function localDataOffset(src: ByteSource, at: number, rawName: Buffer, shown: string): number {
  const head = src.read(at, 30);
  if (head.length < 30 || head.readUInt32LE(0) !== LOCAL) throw new ZipRejected(`entry ${JSON.stringify(shown)} has no local header where the central directory says (damaged archive)`);
  const nameLen = head.readUInt16LE(26);
  const localName = src.read(at + 30, nameLen);
  if (!localName.equals(rawName)) {
    throw new ZipRejected(`entry ${JSON.stringify(shown)} is named ${JSON.stringify(decodeName(localName).slice(0, 200))} in its local header: the archive's two lists of files disagree, so unzipping it may give other files than the ones graded; zip the files again`);
  }
  return at + 30 + nameLen + head.readUInt16LE(28);
}

/**
 * The entries of the zip in `src` (at most `maxEntries`, checked before the directory is read;
 * `charge(n)` is told the directory's size before it is read, and may throw to refuse it);
 * throws ZipRejected for an archive that is not a zip, is damaged or has more entries.
 */
export function listZip(src: ByteSource, maxEntries: number, tooMany: (n: number) => string, charge: (n: number) => void = () => undefined): ZipEntry[] {
  const dir = findDirectory(src);
  if (dir.count > maxEntries) throw new ZipRejected(tooMany(dir.count));
  charge(dir.size);
  const cd = src.read(dir.offset, dir.size);
  const out: ZipEntry[] = [];
  let p = 0;
  for (let k = 0; k < dir.count; k++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw new ZipRejected("the central directory is damaged");
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const rawName = cd.subarray(p + 46, p + 46 + nameLen);
    const extra = cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    let csize = cd.readUInt32LE(p + 20);
    let size = cd.readUInt32LE(p + 24);
    let local = cd.readUInt32LE(p + 42);
    const z = zip64Extra(extra, { size: size === 0xffffffff, csize: csize === 0xffffffff, offset: local === 0xffffffff });
    size = z.size ?? size;
    csize = z.csize ?? csize;
    local = z.offset ?? local;
    const name = decodeName(rawName);
    const host = cd.readUInt16LE(p + 4) >> 8;
    const mode = host === 3 ? cd.readUInt32LE(p + 38) >>> 16 : 0;
    const dataOffset = localDataOffset(src, local, rawName, name);
    if (dataOffset + csize > src.size) throw new ZipRejected(`entry ${JSON.stringify(name.slice(0, 200))} lies outside the archive (truncated or damaged)`);
    out.push({
      name,
      method: cd.readUInt16LE(p + 10),
      compressedSize: csize,
      size,
      crc: cd.readUInt32LE(p + 16),
      dataOffset,
      dir: /[/\\]$/.test(name),
      symlink: (mode & 0o170000) === 0o120000,
      encrypted: (cd.readUInt16LE(p + 8) & 1) === 1,
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  if (out.length > maxEntries) throw new ZipRejected(tooMany(out.length));
  return out;
}

/** Why an entry cannot be read at all (encrypted, a method other than stored/deflate), or undefined. */
export function unreadable(entry: ZipEntry): string | undefined {
  if (entry.encrypted) return "is encrypted";
  if (entry.method !== 0 && entry.method !== 8) return `is compressed with method ${entry.method}, which the grader does not read (zip it again with the usual settings)`;
  return undefined;
}

/** A stored (uncompressed) entry's bytes in place, without reading them. */
export function storedSource(src: ByteSource, entry: ZipEntry): ByteSource | undefined {
  return entry.method === 0 && entry.compressedSize === entry.size ? sliceSource(src, entry.dataOffset, entry.size) : undefined;
}

const CHUNK = 1 << 20;

/**
 * An entry's data, inflated in 1 MiB steps: `charge(n)` is called for every n bytes produced
 * (it throws to stop); more than `cap` bytes refuses with `tooBig()`. The result must have the
 * declared size and CRC-32.
 */
export async function readEntry(src: ByteSource, entry: ZipEntry, cap: number, charge: (n: number) => void, tooBig: () => string): Promise<Buffer> {
  const shown = JSON.stringify(entry.name.slice(0, 200));
  const why = unreadable(entry);
  if (why) throw new ZipRejected(`entry ${shown} ${why}`);
  if (entry.size > cap) throw new ZipRejected(tooBig());
  const chunks: Buffer[] = [];
  let n = 0;
  const keep = (chunk: Buffer): void => {
    n += chunk.length;
    if (n > cap) throw new ZipRejected(tooBig());
    charge(chunk.length);
    chunks.push(chunk);
  };
  function* compressed(): Generator<Buffer> {
    for (let at = 0; at < entry.compressedSize; at += CHUNK) yield src.read(entry.dataOffset + at, Math.min(CHUNK, entry.compressedSize - at));
  }
  if (entry.method === 0) {
    for (const chunk of compressed()) keep(chunk);
  } else {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        try {
          keep(chunk);
          done();
        } catch (e) {
          done(e as Error);
        }
      },
    });
    try {
      await pipeline(Readable.from(compressed()), createInflateRaw(), sink);
    } catch (e) {
      if (e instanceof ZipRejected) throw e;
      throw new ZipRejected(`entry ${shown} cannot be inflated: ${(e as Error).message}`);
    }
  }
  const data = Buffer.concat(chunks);
  if (data.length !== entry.size || crc32(data) !== entry.crc) throw new ZipRejected(`entry ${shown} is damaged (its size or checksum is not what the archive declares)`);
  return data;
}
