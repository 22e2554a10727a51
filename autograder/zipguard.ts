/**
 * Reading untrusted archives safely. The limits hold per submission, across every level of its
 * archives together (a zip holding tarballs holding zips): one Budget counts the entries listed
 * and every byte inflated or unpacked, and the first entry or byte past a limit refuses the
 * submission, before the rest is read. Entry names are read with backslashes as folder separators
 * (Windows PowerShell's Compress-Archive writes them) and refused when absolute or climbing out
 * (`..`); symlink entries are skipped, never followed. Sizes in headers can lie: bytes are
 * counted while inflating.
 */
import { bufferSource, listZip, readEntry, storedSource, ZipRejected, type ByteSource, type ZipEntry } from "./zipread.js";

export { ZipRejected } from "./zipread.js";

export interface ZipLimits {
  /** Largest archive inside a submission, bytes (a student's zip in a class download, a zip in a zip). */
  archiveBytes: number;
  /** Most entries (files and folders) of one submission, every archive level together. */
  entries: number;
  /** Largest file the grader reads (a .ts file, metadata), bytes. */
  entryBytes: number;
  /** Most bytes inflated or unpacked for one submission, every archive level together. */
  totalBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  archiveBytes: 200 << 20,
  entries: 50_000,
  entryBytes: 2 << 20,
  totalBytes: 300 << 20,
};

/** "300 MiB", or "64 KiB" below a mebibyte. */
function mib(n: number): string {
  return n >= 1 << 20 ? `${Math.floor(n / (1 << 20))} MiB` : `${Math.floor(n / 1024)} KiB`;
}

/** What one submission may still unpack: entries and bytes left, shared by all its archives. */
export class Budget {
  private entries = 0;
  private bytes = 0;
  constructor(readonly limits: ZipLimits = DEFAULT_ZIP_LIMITS) {}

  /** Entries still allowed. */
  entriesLeft(): number {
    return this.limits.entries - this.entries;
  }

  /** Count `n` more entries; throws ZipRejected past the limit. */
  countEntries(n: number): void {
    if (n > this.entriesLeft()) throw new ZipRejected(this.tooManyEntries(n));
    this.entries += n;
  }

  /** The message for `more` entries than are left. */
  tooManyEntries(more: number): string {
    return `the submission has ${this.entries + more} entries in all its archives together (at most ${this.limits.entries})`;
  }

  /** Count `n` more bytes unpacked; throws ZipRejected past the limit. */
  countBytes(n: number): void {
    this.bytes += n;
    if (this.bytes > this.limits.totalBytes) throw new ZipRejected(`the submission unpacks to more than ${mib(this.limits.totalBytes)} in all its archives together`);
  }
}

/** Why an entry name is unsafe (after backslashes became "/"), or undefined when it is fine. */
export function unsafeName(name: string): string | undefined {
  const path = name.replace(/\\/g, "/");
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "is an absolute path";
  if (path.split("/").some((seg) => seg === "..")) return "climbs out of the archive (..)";
  if (path.includes("\0")) return "contains a NUL byte";
  return undefined;
}

/** An entry name as a relative "/"-separated path; throws ZipRejected for an unsafe one. */
export function entryPath(name: string): string {
  const bad = unsafeName(name);
  if (bad) throw new ZipRejected(`entry ${JSON.stringify(name.slice(0, 200))} ${bad}`);
  return name.replace(/\\/g, "/").replace(/^(\.\/)+/, "").replace(/\/+$/, "");
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
 * entries left out (links). Entries and bytes count against `budget` (by default a fresh one for
 * `limits`). Rejects with ZipRejected for a refused archive.
 */
export type ArchiveReader = (
  buf: Buffer,
  want: (path: string) => boolean,
  limits?: ZipLimits,
  skipped?: string[],
  others?: ArchiveEntry[],
  budget?: Budget,
) => Promise<ZipFile[]>;

/** A zip member: its safe path and its central directory entry. */
export interface ZipMember {
  path: string;
  entry: ZipEntry;
}

/**
 * The files of the zip in `src` (folders left out, symlinks into `skipped`), sorted by path; the
 * entry count is checked against `maxEntries` before the directory is read, then counted in
 * `budget`, which also counts the directory's bytes.
 */
export function zipMembers(src: ByteSource, maxEntries: number, tooMany: (n: number) => string, skipped: string[], budget?: Budget): ZipMember[] {
  const entries = listZip(src, maxEntries, tooMany, (n) => budget?.countBytes(n));
  budget?.countEntries(entries.length);
  const out: ZipMember[] = [];
  for (const entry of entries) {
    const path = entryPath(entry.name);
    if (entry.dir || path === "") continue;
    if (entry.symlink) skipped.push(`${path} (a symbolic link)`);
    else out.push({ path, entry });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A member's bytes, at most `cap` (refused beyond), counted in `budget`. */
export function readMember(src: ByteSource, m: ZipMember, cap: number, budget: Budget): Promise<Buffer> {
  return readEntry(src, m.entry, cap, (n) => budget.countBytes(n), () => `entry ${m.path} inflates to more than ${cap >> 10} KiB`);
}

/**
 * A member that is itself an archive, as a source: a stored one is read in place (no copy, so no
 * size limit: its own entries are what counts), a compressed one is inflated (at most `cap`).
 */
export async function memberSource(src: ByteSource, m: ZipMember, cap: number, budget: Budget): Promise<ByteSource> {
  return storedSource(src, m.entry) ?? bufferSource(await readMember(src, m, cap, budget));
}

/** True for names the grader opens as archives: zips and tarballs. */
export function isArchiveName(name: string): boolean {
  return /\.(zip|tar|tgz|tar\.gz)$/i.test(name);
}

/** The most bytes read for a file at `path`: an archive's limit for archives, a file's for the rest. */
export function capFor(path: string, limits: ZipLimits): number {
  return isArchiveName(path) ? limits.archiveBytes : limits.entryBytes;
}

/** Throws ZipRejected when the archive itself is larger than allowed. */
export function refuseOversized(size: number, limits: ZipLimits): void {
  if (size > limits.archiveBytes) throw new ZipRejected(`the archive is larger than ${limits.archiveBytes >> 20} MiB`);
}

/** An ArchiveReader for zips. */
export const readZip: ArchiveReader = async (buf, want, limits = DEFAULT_ZIP_LIMITS, skipped = [], others = [], budget = new Budget(limits)) => {
  refuseOversized(buf.length, limits);
  const src = bufferSource(buf);
  const members = zipMembers(src, budget.entriesLeft(), (n) => budget.tooManyEntries(n), skipped, budget);
  const out: ZipFile[] = [];
  for (const m of members) {
    if (!want(m.path)) others.push({ path: m.path, size: m.entry.size });
    else out.push({ path: m.path, data: await readMember(src, m, capFor(m.path, limits), budget) });
  }
  return out;
};
