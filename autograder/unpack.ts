/**
 * The files of a TA's input, listed without reading them, and a submission's files unpacked on
 * demand: a folder's files are read, and a class download's entries inflated, only when the
 * student they belong to is read, so a download of any size is read in bounded memory. Archives
 * inside a submission are opened up to MAX_ARCHIVE_NESTING deep, every level counted in the
 * submission's one Budget.
 */
import { lstatSync, readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { isTarball, readTar } from "./targuard.js";
import { Budget, ZipRejected, capFor, isArchiveName, memberSource, readMember, refuseOversized, zipMembers, type ArchiveEntry, type ZipLimits } from "./zipguard.js";
import { bufferSource, pathSource, type ByteSource } from "./zipread.js";

/** A file of the input or of an archive in it, path with "/"; `open` only for files the grader reads. */
export interface VFile {
  path: string;
  /** Its size (declared by the archive, or on disk). */
  size: number;
  /** Its bytes (an archive's in place when it is stored), counted in `budget`; throws ZipRejected when too large. */
  open?: (budget: Budget) => Promise<ByteSource>;
  /** Order among one student's uploads: a larger rank is a later upload (Canvas attachment id, `-N` resubmission). */
  rank?: number;
  /** Its name in the download, for notes. */
  shown?: string;
}

/** A submission's file after unpacking: `data` for the files the grader reads. */
export interface Loaded {
  path: string;
  size: number;
  data?: Buffer;
  rank: number;
  shown: string;
}

const MAX_DEPTH = 12;
/** Most files of a whole input (a class download or folder); each submission has its own, smaller limit. */
export const MAX_INPUT_FILES = 1_000_000;
const SKIP_DIRS = new Set(["node_modules", ".git", "__macosx", "dist"]);
/** How deep archives may nest inside one submission (a student's zip holding a zip holding a zip). */
const MAX_ARCHIVE_NESTING = 3;
export const GRADESCOPE_METADATA = "submission_metadata.yml";

/** True for folders that never hold a submission's own files (node_modules, .git, dist, __MACOSX), whatever their case. */
export function skippedDir(name: string): boolean {
  return SKIP_DIRS.has(name.toLowerCase());
}

/** Files whose content the grader reads: archives, TypeScript, the submit metadata, Gradescope's export metadata; nothing in node_modules, .git, dist. */
export function wanted(path: string): boolean {
  if (path.split("/").slice(0, -1).some(skippedDir)) return false;
  const base = basename(path);
  return isArchiveName(base) || /\.ts$/i.test(base) || base.toLowerCase() === "metadata.json" || base === GRADESCOPE_METADATA;
}

/** Hidden files and macOS resource forks never belong to a submission. */
export function ignored(name: string): boolean {
  return name.startsWith(".") || name === "Thumbs.db";
}

/** Read a file of a folder when it is opened: a zip in place, any other file at most its cap, counted in the budget. */
function fileOpener(full: string, path: string, size: number, limits: ZipLimits): (budget: Budget) => Promise<ByteSource> {
  return async (budget) => {
    if (/\.zip$/i.test(path)) return pathSource(full, size);
    const cap = capFor(path, limits);
    if (size > cap) throw new ZipRejected(`${path} is larger than ${cap >> 10} KiB, the most the grader reads of one file`);
    budget.countBytes(size);
    return bufferSource(readFileSync(full));
  };
}

/** A folder's files (no symlinks; capped count and depth), read only when opened. */
export function readFolder(dir: string, limits: ZipLimits, notes: string[], rel = "", depth = 0, out: VFile[] = []): VFile[] {
  if (depth > MAX_DEPTH) {
    notes.push(`${rel}: folders nested deeper than ${MAX_DEPTH} levels were skipped`);
    return out;
  }
  for (const name of readdirSync(join(dir, rel)).sort()) {
    if (ignored(name)) continue;
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(join(dir, r));
    if (st.isSymbolicLink()) {
      notes.push(`${r}: a symbolic link, skipped`);
    } else if (st.isDirectory()) {
      if (!skippedDir(name)) readFolder(dir, limits, notes, r, depth + 1, out);
    } else if (st.isFile()) {
      out.push({ path: r, size: st.size, ...(wanted(r) ? { open: fileOpener(join(dir, r), r, st.size, limits) } : {}) });
      if (out.length > MAX_INPUT_FILES) throw new ZipRejected(`${dir} holds more than ${MAX_INPUT_FILES} files`);
    }
  }
  return out;
}

/** The files of the zip in `src`, each inflated only when opened (archives stored in place are not copied). */
export function zipFiles(src: ByteSource, limits: ZipLimits, maxEntries: number, tooMany: (n: number) => string, skipped: string[], budget?: Budget): VFile[] {
  return zipMembers(src, maxEntries, tooMany, skipped, budget).map((m) => ({
    path: m.path,
    size: m.entry.size,
    ...(wanted(m.path)
      ? { open: async (b: Budget) => (isArchiveName(m.path) ? memberSource(src, m, limits.archiveBytes, b) : bufferSource(await readMember(src, m, limits.entryBytes, b))) }
      : {}),
  }));
}

/** A refusal already worded for the gradebook ("the zip was refused: …"), not to be worded again. */
class Refused extends ZipRejected {}

/** True for an archive's refusal; false for a loose file refused (too large) or a submission past a limit outside any archive. */
export function isRefusal(e: Error): boolean {
  return e instanceof Refused;
}

/** "the zip was refused: …" / "the tarball was refused: …" for the gradebook. */
export function refused(name: string, e: Error): ZipRejected {
  if (e instanceof Refused) return e;
  return new Refused(`the ${/\.zip$/i.test(name) ? "zip" : "tarball"} was refused: ${e.message}`);
}

/** The files of archive `f` (opened, listed, tarballs unpacked), counted in `budget`. */
async function archiveFiles(f: VFile, limits: ZipLimits, budget: Budget, skipped: string[]): Promise<VFile[]> {
  const src = await f.open!(budget);
  if (!isTarball(f.path)) return zipFiles(src, limits, budget.entriesLeft(), (n) => budget.tooManyEntries(n), skipped, budget);
  const others: ArchiveEntry[] = [];
  refuseOversized(src.size, limits);
  const read = await readTar(src.read(0, src.size), wanted, limits, skipped, others, budget);
  const files: VFile[] = read.map((x) => ({ path: x.path, size: x.data.length, open: async () => bufferSource(x.data) }));
  return [...files, ...others];
}

/**
 * Every file of a submission with the archives among them opened (at most MAX_ARCHIVE_NESTING
 * deep) and the files the grader reads loaded; throws ZipRejected (worded for the gradebook) when
 * an archive or a file is refused or the submission passes a limit of `budget`.
 */
export async function unpack(files: VFile[], limits: ZipLimits, budget: Budget, notes: string[], inside?: string, depth = 1): Promise<Loaded[]> {
  const out: Loaded[] = [];
  for (const f of files) {
    if (f.path.split("/").some(ignored)) continue;
    const base = { path: f.path, size: f.size, rank: f.rank ?? 0, shown: f.shown ?? f.path };
    if (!f.open || f.size === 0) {
      out.push(base);
    } else if (!isArchiveName(f.path)) {
      let src: ByteSource;
      try {
        src = await f.open(budget);
      } catch (e) {
        if (!(e instanceof ZipRejected)) throw e;
        throw inside ? refused(inside, e) : e;
      }
      out.push({ ...base, data: Buffer.from(src.read(0, src.size)) });
    } else if (depth > MAX_ARCHIVE_NESTING) {
      notes.push(`${f.path}: archives nested more than ${MAX_ARCHIVE_NESTING} deep are not opened`);
    } else {
      const skipped: string[] = [];
      let inner: VFile[];
      try {
        inner = await archiveFiles(f, limits, budget, skipped);
      } catch (e) {
        if (!(e instanceof ZipRejected)) throw e;
        throw refused(f.path, e);
      }
      for (const s of skipped) notes.push(`${f.path}: skipped ${s}`);
      const prefix = f.path.replace(/\.(zip|tar|tgz|tar\.gz)$/i, "");
      const nested = inner.map((x) => ({ ...x, path: `${prefix}/${x.path}`, rank: f.rank, shown: `${f.shown ?? f.path}: ${x.path}` }));
      out.push(...(await unpack(nested, limits, budget, notes, f.path, depth + 1)));
    }
  }
  return out;
}
