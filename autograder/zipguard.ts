/**
 * Reading untrusted zip files safely. Before jszip parses anything, the archive size and the entry
 * count in its end-of-central-directory record are capped. Entry names that are absolute, contain
 * a backslash or a `..` segment are rejected (jszip normalises `../` away, so its
 * `unsafeOriginalName` is what is checked); symlink entries are skipped. Uncompressed bytes are
 * counted while inflating, per entry and in total (the sizes in the header can lie).
 */
import JSZip from "jszip";

export interface ZipLimits {
  /** Largest archive accepted, bytes. */
  archiveBytes: number;
  /** Most entries (files and folders). */
  entries: number;
  /** Largest uncompressed entry, bytes. */
  entryBytes: number;
  /** Most uncompressed bytes read from one archive. */
  totalBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  archiveBytes: 200 << 20,
  entries: 5000,
  entryBytes: 2 << 20,
  totalBytes: 300 << 20,
};

/** A refused archive: the message says why, for the gradebook. */
export class ZipRejected extends Error {}

/** Entry count from the end-of-central-directory record, or undefined if there is none. */
export function declaredEntryCount(buf: Buffer): number | undefined {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) return buf.readUInt16LE(i + 10);
  }
  return undefined;
}

/** Why an entry name is unsafe, or undefined when it is fine. */
export function unsafeName(name: string): string | undefined {
  if (name.includes("\\")) return "contains a backslash";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "is an absolute path";
  if (name.split("/").some((seg) => seg === "..")) return "climbs out of the archive (..)";
  if (name.includes("\0")) return "contains a NUL byte";
  return undefined;
}

/** One file read from an archive. */
export interface ZipFile {
  path: string;
  data: Buffer;
}

/** A file of an archive that was not read: its name and the size its header declares. */
export interface ArchiveEntry {
  path: string;
  size: number;
}

/**
 * Reading one archive (a zip, a tarball): the files of `buf` for which `want(path)` is true; the
 * others are not unpacked (`others` collects their names and declared sizes); `skipped` collects
 * entries left out (links). Rejects with ZipRejected for a refused archive.
 */
export type ArchiveReader = (
  buf: Buffer,
  want: (path: string) => boolean,
  limits?: ZipLimits,
  skipped?: string[],
  others?: ArchiveEntry[],
) => Promise<ZipFile[]>;

/** Throws ZipRejected when the archive itself is larger than allowed. */
export function refuseOversized(buf: Buffer, limits: ZipLimits): void {
  if (buf.length > limits.archiveBytes) throw new ZipRejected(`the archive is larger than ${limits.archiveBytes >> 20} MiB`);
}

/** An ArchiveReader for zips (symlink entries skipped; jszip parses, after the checks above). */
export const readZip: ArchiveReader = async (buf, want, limits = DEFAULT_ZIP_LIMITS, skipped = [], others = []) => {
  refuseOversized(buf, limits);
  const declared = declaredEntryCount(buf);
  if (declared === undefined) throw new ZipRejected("not a zip archive (no end-of-central-directory record)");
  if (declared > limits.entries) throw new ZipRejected(`the archive has ${declared} entries (at most ${limits.entries})`);
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(buf, { checkCRC32: false, createFolders: false });
  } catch (e) {
    throw new ZipRejected(`the archive cannot be read: ${(e as Error).message}`);
  }
  const entries = Object.values(zip.files);
  if (entries.length > limits.entries) throw new ZipRejected(`the archive has ${entries.length} entries (at most ${limits.entries})`);
  let total = 0;
  const out: ZipFile[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const original = (entry as JSZip.JSZipObject & { unsafeOriginalName?: string }).unsafeOriginalName ?? entry.name;
    const bad = unsafeName(original);
    if (bad) throw new ZipRejected(`entry ${JSON.stringify(original.slice(0, 200))} ${bad}`);
    if (entry.dir) continue;
    const mode = typeof entry.unixPermissions === "number" ? entry.unixPermissions : 0;
    if ((mode & 0o170000) === 0o120000) {
      skipped.push(`${entry.name} (a symbolic link)`);
      continue;
    }
    if (!want(entry.name)) {
      // jszip keeps the header's size on the entry's compressed data (not in its typings)
      const size = (entry as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize;
      others.push({ path: entry.name, size: typeof size === "number" && size >= 0 ? size : 1 });
      continue;
    }
    const data = await inflateCapped(entry, limits.entryBytes, limits.totalBytes - total);
    total += data.length;
    out.push({ path: entry.name, data });
  }
  return out;
};

interface InflateStream {
  on(event: "data", cb: (chunk: Uint8Array) => void): InflateStream;
  on(event: "error", cb: (e: Error) => void): InflateStream;
  on(event: "end", cb: () => void): InflateStream;
  pause(): InflateStream;
  resume(): InflateStream;
}

function inflateCapped(entry: JSZip.JSZipObject, entryCap: number, totalLeft: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let n = 0;
    let done = false;
    // internalStream is jszip's streaming API (not in its typings): it lets us stop mid-inflate.
    const stream = (entry as unknown as { internalStream(type: "uint8array"): InflateStream }).internalStream("uint8array");
    stream
      .on("data", (chunk: Uint8Array) => {
        if (done) return;
        n += chunk.length;
        if (n > entryCap || n > totalLeft) {
          done = true;
          stream.pause();
          reject(
            new ZipRejected(
              n > entryCap
                ? `entry ${entry.name} inflates to more than ${entryCap >> 10} KiB`
                : "the archive inflates to more than the total size allowed",
            ),
          );
          return;
        }
        chunks.push(chunk);
      })
      .on("error", (e: Error) => {
        if (!done) {
          done = true;
          reject(new ZipRejected(`entry ${entry.name} cannot be inflated: ${e.message}`));
        }
      })
      .on("end", () => {
        if (!done) {
          done = true;
          resolve(Buffer.concat(chunks));
        }
      })
      .resume();
  });
}
