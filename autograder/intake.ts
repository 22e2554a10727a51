/**
 * Finding the submissions in a TA's INPUT: one submission (zip, tarball or folder), a folder of
 * them, or a platform's bulk download:
 * - Canvas `submissions.zip`: `lastnamefirstname[_late]_<userId>_<attachmentId>_<file>`, `-N` before
 *   the extension for a resubmitted file. Every entry of one user id is one submission (the download
 *   holds only each student's latest attempt; a student who uploads seven files has seven
 *   attachment ids); `_late` on any of them marks the submission late.
 * - Moodle "download all": `<Full Name>_<participantId>_assignsubmission_file_<file>`, flat or as
 *   one folder per student; blind marking names them `Participant_<participantId>_…`.
 * - Gradescope's export: `submission_metadata.yml` and one folder per submission.
 * Every student found becomes exactly one Submission, also when nothing of theirs can be graded (a
 * PDF, an image, an empty file, an archive that cannot be read): then `error` says why.
 */
import { lstatSync, readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { InputError } from "./errors.js";
import type { Manifest } from "./manifest.js";
import type { Submission } from "./runner.js";
import { isTarball, readTar } from "./targuard.js";
import { DEFAULT_ZIP_LIMITS, ZipRejected, readZip, type ArchiveEntry, type ZipLimits } from "./zipguard.js";

export { InputError } from "./errors.js";

/** A file of the input, path relative to the input with "/"; `data` only for files the grader reads. */
interface VFile {
  path: string;
  size: number;
  data?: Buffer;
}

const MAX_DEPTH = 12;
const MAX_FILES = 20000;
const MAX_FILE_BYTES = 50 << 20;
const SKIP_DIRS = new Set(["node_modules", ".git", "__MACOSX", "dist"]);
/** How deep archives may nest below the input (a bulk zip holding a student's zip holding a zip). */
const MAX_ARCHIVE_NESTING = 3;
const GRADESCOPE_METADATA = "submission_metadata.yml";

const CANVAS = /^([^_\s]+?)(?:_(late))?_(\d+)_(\d+)_(.+)$/i;
const MOODLE = /^(.+?)_(\d+)_assignsubmission_[a-z]+_(.*)$/;

/** Why a submission could not be graded, in a few words for the run's count line. */
export const NOT_GRADED = {
  noFiles: "uploaded no file of the assignment",
  empty: "uploaded only empty files",
  archive: "uploaded an archive that cannot be read",
} as const;

function isArchive(name: string): boolean {
  return /\.zip$/i.test(name) || isTarball(name);
}

/** Files whose content the grader reads: archives, TypeScript, the submit metadata, Gradescope's export metadata. */
function wanted(path: string): boolean {
  const base = basename(path);
  return isArchive(base) || /\.ts$/.test(base) || base === "metadata.json" || base === GRADESCOPE_METADATA;
}

/** Hidden files and macOS resource forks never belong to a submission. */
function ignored(name: string): boolean {
  return name.startsWith(".") || name === "Thumbs.db";
}

/** Read a folder's files (content of the wanted ones; no symlinks; capped count, size and depth). */
function readFolder(dir: string, notes: string[], rel = "", depth = 0, out: VFile[] = []): VFile[] {
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
      if (!SKIP_DIRS.has(name)) readFolder(dir, notes, r, depth + 1, out);
    } else if (st.isFile()) {
      if (!wanted(r)) out.push({ path: r, size: st.size });
      else if (st.size > MAX_FILE_BYTES) notes.push(`${r}: larger than ${MAX_FILE_BYTES >> 20} MiB, skipped`);
      else out.push({ path: r, size: st.size, data: readFileSync(join(dir, r)) });
      if (out.length > MAX_FILES) throw new InputError(`${dir} holds more than ${MAX_FILES} files`);
    }
  }
  return out;
}

/** Entries of an archive as VFiles (unwanted ones by name and size only). */
async function readArchive(name: string, buf: Buffer, limits: ZipLimits, skipped: string[]): Promise<VFile[]> {
  const others: ArchiveEntry[] = [];
  const read = /\.zip$/i.test(name) ? await readZip(buf, wanted, limits, skipped, others) : await readTar(buf, wanted, limits, skipped, others);
  const files: VFile[] = read.map((f) => ({ path: f.path, size: f.data.length, data: f.data }));
  for (const o of others) files.push({ path: o.path, size: o.size });
  return files.filter((f) => !f.path.split("/").some(ignored)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `name-3.zip` → `name.zip` (a Canvas resubmission suffix removed). */
function stripResub(name: string): string {
  return name.replace(/-(\d+)(\.[^.]+)$/, "$2");
}

function resubNumber(name: string): number {
  const m = /-(\d+)(\.[^.]+)$/.exec(name);
  return m ? Number(m[1]) : 0;
}

function looksLikeOneSubmission(files: VFile[], manifest: Manifest): boolean {
  const bases = new Set(manifest.files.map((f) => basename(f)));
  const segs = (f: VFile): string[] => f.path.split("/");
  const direct = (f: VFile, skip: number): boolean => {
    const s = segs(f).slice(skip);
    return s[0] === "src" || (s.length === 1 && (s[0] === "metadata.json" || bases.has(s[0])));
  };
  if (files.some((f) => direct(f, 0))) return true;
  const roots = new Set(files.map((f) => segs(f)[0]));
  const root = [...roots][0];
  return roots.size === 1 && files.every((f) => segs(f).length > 1) && files.some((f) => direct(f, 1)) && !CANVAS.test(root) && !MOODLE.test(root);
}

function safeId(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "").slice(0, 80) || "submission";
}

function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** A student's pieces before reading: who it is, and their files (paths as the student named them). */
interface Unit {
  key: string;
  id: string;
  student: string;
  name: string;
  email?: string;
  late: boolean;
  /** The upload's entries in the input (file or folder names), for the gradebook. */
  entries: string[];
  pieces: VFile[];
  notes: string[];
}

function sourceOf(entries: readonly string[]): string {
  const shown = entries.slice(0, 3).join(", ");
  return entries.length > 3 ? `${shown} (+${entries.length - 3} more)` : shown;
}

/** Group the top-level entries of a bulk download into one unit per student. */
function groupUnits(files: VFile[]): { units: Unit[]; platform: string } {
  const byTop = new Map<string, VFile[]>();
  for (const f of files) {
    const top = f.path.split("/")[0];
    byTop.set(top, [...(byTop.get(top) ?? []), f]);
  }
  const tops = [...byTop.keys()].sort();
  const canvas = tops.filter((t) => CANVAS.test(t)).length;
  const moodle = tops.filter((t) => MOODLE.test(t)).length;
  const platform = moodle > 0 && moodle >= canvas ? "moodle" : canvas > 0 ? "canvas" : "folder";
  const units = new Map<string, Unit>();
  const add = (key: string, make: () => Omit<Unit, "pieces" | "entries">, top: string, pieces: VFile[], late = false): void => {
    let unit = units.get(key);
    if (!unit) units.set(key, (unit = { ...make(), entries: [], pieces: [] }));
    unit.entries.push(top);
    unit.pieces.push(...pieces);
    unit.late ||= late;
  };
  for (const top of tops) {
    const pieces = byTop.get(top)!;
    const c = platform === "canvas" ? CANVAS.exec(top) : null;
    const m = platform === "moodle" ? MOODLE.exec(top) : null;
    if (c) {
      const [, name, late, userId, attachmentId, original] = c;
      const renamed = pieces.map((p) => ({ ...p, path: p.path === top ? original : `${original}/${p.path.slice(top.length + 1)}`, attachment: Number(attachmentId), shown: p.path }));
      add(`canvas:${userId}`, () => ({ key: `canvas:${userId}`, id: safeId(`${name}_${userId}`), student: userId, name, late: false, notes: [] }), top, renamed, Boolean(late));
    } else if (m) {
      const [, fullName, participant, file] = m;
      const blind = fullName === "Participant";
      const renamed = pieces.map((p) => ({ ...p, path: p.path === top ? file || "file" : p.path.slice(top.length + 1) }));
      add(`moodle:${participant}`, () => ({ key: `moodle:${participant}`, id: safeId(blind ? `Participant_${participant}` : `${fullName}_${participant}`), student: participant, name: blind ? "" : fullName, late: false, notes: [] }), top, renamed);
    } else {
      const key = top.replace(/\.(zip|tar|tgz|tar\.gz)$/i, "");
      add(`folder:${top}`, () => ({ key: `folder:${top}`, id: safeId(key), student: key, name: "", late: false, notes: [] }), top, pieces);
    }
  }
  return { units: [...units.values()], platform };
}

/** Gradescope's export: `submission_metadata.yml` (folder name → submitters) and one folder per submission. */
function gradescopeUnits(files: VFile[], metadata: Buffer): Unit[] {
  let meta: Record<string, unknown> = {};
  try {
    const parsed: unknown = parseYaml(metadata.toString("utf8"), { logLevel: "silent", uniqueKeys: false });
    if (parsed !== null && typeof parsed === "object") meta = parsed as Record<string, unknown>;
  } catch (e) {
    throw new InputError(`${GRADESCOPE_METADATA} cannot be read (${(e as Error).message.split("\n")[0]}): export the submissions from Gradescope again`);
  }
  const byTop = new Map<string, VFile[]>();
  for (const f of files) {
    const [top, ...rest] = f.path.split("/");
    if (f.path === GRADESCOPE_METADATA) continue;
    const pieces = byTop.get(top) ?? [];
    pieces.push({ ...f, path: rest.length > 0 ? rest.join("/") : top });
    byTop.set(top, pieces);
  }
  return [...byTop.keys()].sort().map((top) => {
    const entry = meta[top] as Record<string, unknown> | undefined;
    const listed = entry?.[":submitters"];
    const submitters = Array.isArray(listed) ? (listed as Record<string, unknown>[]) : [];
    const field = (s: Record<string, unknown> | undefined, k: string): string => (s && (typeof s[k] === "string" || typeof s[k] === "number") ? String(s[k]) : "");
    const first = submitters[0];
    const student = field(first, ":sid") || field(first, ":email") || top;
    const name = submitters.map((s) => field(s, ":name")).filter(Boolean).join(", ");
    const notes = entry ? [] : [`${top} is not listed in ${GRADESCOPE_METADATA}: the folder name stands for the student`];
    return { key: `gradescope:${top}`, id: safeId(name ? `${name}_${student}` : top), student, name, email: field(first, ":email") || undefined, late: false, entries: [top], pieces: byTop.get(top)!, notes };
  });
}

/** A piece of a Canvas upload: its attachment id and its name in the download. */
type Piece = VFile & { attachment?: number; shown?: string };

/** Latest version of each file name among a unit's pieces (Canvas `-N` suffixes, then the newest attachment). */
function latestPieces(pieces: Piece[], notes: string[]): VFile[] {
  const best = new Map<string, Piece>();
  const shown = (p: Piece): string => p.shown ?? p.path;
  for (const p of [...pieces].sort(byPath)) {
    const key = stripResub(p.path);
    const cur = best.get(key);
    const newer = !cur || resubNumber(p.path) > resubNumber(cur.path) || (resubNumber(p.path) === resubNumber(cur.path) && (p.attachment ?? 0) > (cur.attachment ?? 0));
    if (newer) {
      if (cur) notes.push(`${shown(cur)} replaced by the newer ${shown(p)}`);
      best.set(key, p);
    } else if (cur) {
      notes.push(`${shown(p)} replaced by the newer ${shown(cur)}`);
    }
  }
  return [...best.values()].map((p) => ({ path: stripResub(p.path), size: p.size, data: p.data }));
}

/** "the zip was refused: …" / "the tarball was refused: …" for the gradebook. */
function refused(name: string, e: ZipRejected): string {
  return `the ${/\.zip$/i.test(name) ? "zip" : "tarball"} was refused: ${e.message}`;
}

/** Open archives among `files` (up to MAX_ARCHIVE_NESTING deep) so every file is a plain file. */
async function expandArchives(files: VFile[], limits: ZipLimits, notes: string[], depth = 1): Promise<VFile[]> {
  const out: VFile[] = [];
  for (const f of files) {
    if (!isArchive(f.path) || !f.data || f.size === 0) {
      out.push(f);
      continue;
    }
    if (depth > MAX_ARCHIVE_NESTING) {
      notes.push(`${f.path}: archives nested more than ${MAX_ARCHIVE_NESTING} deep are not opened`);
      continue;
    }
    const skipped: string[] = [];
    let inner: VFile[];
    try {
      inner = await readArchive(f.path, f.data, limits, skipped);
    } catch (e) {
      if (e instanceof ZipRejected) throw new ZipRejected(refused(f.path, e));
      throw e;
    }
    for (const s of skipped) notes.push(`${f.path}: skipped ${s}`);
    const prefix = f.path.replace(/\.(zip|tar|tgz|tar\.gz)$/i, "");
    out.push(...(await expandArchives(inner.map((x) => ({ ...x, path: `${prefix}/${x.path}` })), limits, notes, depth + 1)));
  }
  return out;
}

/** What a file that is not part of the assignment is, for the feedback: "report.pdf (a PDF document)". */
export function describeUpload(path: string, size: number): string {
  const base = basename(path);
  const what = size === 0
    ? "an empty file"
    : /\.pdf$/i.test(base) ? "a PDF document"
    : /\.(png|jpe?g|gif|heic|webp|bmp|tiff?|svg)$/i.test(base) ? "an image"
    : /\.(rar|7z|xz|bz2|gz|zst)$/i.test(base) ? "an archive format the grader does not open (upload a .zip, as npm run submit makes)"
    : /\.html?$/i.test(base) ? "a web page or text entry"
    : /\.(docx?|odt|rtf|txt|md|pages)$/i.test(base) ? "a document"
    : /\.ipynb$/i.test(base) ? "a notebook"
    : /\.(js|mjs|cjs)$/i.test(base) ? "JavaScript (the assignment's files are TypeScript .ts files)"
    : "not a file of the assignment";
  return `${path} (${what})`;
}

/** Pick each manifest file among the unit's files: by path suffix, else by file name. */
export function locateFiles(files: readonly { path: string; data?: Buffer }[], manifest: Manifest, notes: string[]): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const usable = files.filter((f) => f.data && !f.path.split("/").some((s) => SKIP_DIRS.has(s)));
  for (const target of manifest.files) {
    const bySuffix = usable.filter((f) => f.path === target || f.path.endsWith(`/${target}`));
    const byName = usable.filter((f) => basename(f.path) === basename(target) || basename(f.path).endsWith(`_${basename(target)}`));
    const pool = bySuffix.length > 0 ? bySuffix : byName;
    if (pool.length === 0) continue;
    const pick = [...pool].sort((a, b) => a.path.length - b.path.length || (a.path < b.path ? -1 : 1))[0];
    if (pool.length > 1) notes.push(`${target}: ${pool.length} candidates, took ${pick.path}`);
    found.set(target, pick.data!);
  }
  return found;
}

/** Turn a unit into a Submission (reading nested archives); anything that cannot be graded becomes `error`. */
async function toSubmission(unit: Unit, manifest: Manifest, limits: ZipLimits): Promise<Submission> {
  const notes = [...unit.notes];
  const base = { id: unit.id, student: unit.student, name: unit.name, source: sourceOf(unit.entries), late: unit.late, ...(unit.email ? { email: unit.email } : {}), notes };
  const expected = manifest.files.map((f) => basename(f)).join(", ");
  let files: VFile[];
  try {
    files = await expandArchives(latestPieces(unit.pieces, notes), limits, notes);
  } catch (e) {
    if (!(e instanceof ZipRejected)) throw e;
    return { ...base, files: new Map(), error: e.message, category: NOT_GRADED.archive };
  }
  const found = locateFiles(files.filter((f) => f.size > 0), manifest, notes);
  const usedNames = new Set(manifest.files.map((f) => basename(f)));
  const emptyOnes = files.filter((f) => f.size === 0 && usedNames.has(basename(f.path)));
  for (const f of emptyOnes) notes.push(`${f.path} is empty`);
  const extra = files.filter((f) => !f.data && f.size > 0).map((f) => describeUpload(f.path, f.size));
  if (found.size === 0) {
    const all = files.map((f) => describeUpload(f.path, f.size));
    if (files.length > 0 && files.every((f) => f.size === 0)) {
      return { ...base, files: found, error: `every file of the upload is empty: ${all.join(", ")}`, category: NOT_GRADED.empty };
    }
    const held = all.length > 0 ? `; the upload holds ${all.slice(0, 5).join(", ")}${all.length > 5 ? ` and ${all.length - 5} more` : ""}` : "";
    return { ...base, files: found, error: `none of the assignment's files (${expected}) were found${held}`, category: NOT_GRADED.noFiles };
  }
  if (extra.length > 0) notes.push(`not graded (not files of the assignment): ${extra.slice(0, 5).join(", ")}${extra.length > 5 ? ` and ${extra.length - 5} more` : ""}`);
  return { ...base, files: found };
}

/** Options for reading INPUT. */
export interface IntakeOptions {
  zipLimits?: ZipLimits;
  /** Treat INPUT as one student's submission whatever its layout (Gradescope's submission folder). */
  single?: boolean;
}

/** Where the submissions came from: decides which gradebook files an LMS can import. */
export type Platform = "canvas" | "moodle" | "gradescope" | "folder" | "single";

/** Strip folders that wrap the whole download (a bulk zip unpacked into a folder of its own). */
function unwrap(files: VFile[], manifest: Manifest): VFile[] {
  for (let k = 0; k < 3; k++) {
    const tops = new Set(files.map((f) => f.path.split("/")[0]));
    const [top] = [...tops];
    if (tops.size !== 1 || !files.every((f) => f.path.includes("/")) || CANVAS.test(top) || MOODLE.test(top) || looksLikeOneSubmission(files, manifest)) return files;
    files = files.map((f) => ({ ...f, path: f.path.slice(top.length + 1) }));
  }
  return files;
}

/** All submissions in `input` (an archive or a folder), sorted by id; ungradable ones carry `error`. */
export async function findSubmissions(input: string, manifest: Manifest, opts: IntakeOptions = {}): Promise<{ submissions: Submission[]; platform: Platform }> {
  const limits = opts.zipLimits ?? DEFAULT_ZIP_LIMITS;
  let st;
  try {
    st = lstatSync(input);
  } catch {
    throw new InputError(`INPUT ${input} does not exist`);
  }
  const notes: string[] = [];
  let files: VFile[];
  const label = basename(input);
  const stem = label.replace(/\.(zip|tar|tgz|tar\.gz)$/i, "");
  if (st.isDirectory()) {
    files = readFolder(input, notes);
  } else if (st.isFile() && isArchive(input)) {
    const bulkLimits = { ...limits, entryBytes: Math.max(limits.entryBytes, 50 << 20) };
    try {
      files = await readArchive(label, readFileSync(input), bulkLimits, notes);
    } catch (e) {
      if (!(e instanceof ZipRejected)) throw e;
      const sub: Submission = { id: safeId(stem), student: stem, name: "", source: label, late: false, files: new Map(), error: refused(label, e), category: NOT_GRADED.archive, notes: [] };
      return { submissions: [sub], platform: "single" };
    }
  } else {
    throw new InputError(`INPUT ${input} must be a folder, a .zip or a tarball (.tar, .tar.gz, .tgz)`);
  }
  if (opts.single || looksLikeOneSubmission(files, manifest)) {
    const unit: Unit = { key: label, id: safeId(stem), student: stem, name: "", late: false, entries: [label], pieces: files, notes };
    return { submissions: [await toSubmission(unit, manifest, limits)], platform: "single" };
  }
  files = unwrap(files, manifest);
  const metadata = files.find((f) => f.path === GRADESCOPE_METADATA);
  const grouped = metadata?.data ? { units: gradescopeUnits(files, metadata.data), platform: "gradescope" as const } : groupUnits(files);
  const used = new Set<string>();
  const submissions: Submission[] = [];
  for (const unit of grouped.units.sort((a, b) => (a.key < b.key ? -1 : 1))) {
    let id = unit.id;
    for (let k = 2; used.has(id); k++) id = `${unit.id}-${k}`;
    used.add(id);
    submissions.push(await toSubmission({ ...unit, id }, manifest, limits));
  }
  submissions.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { submissions, platform: grouped.platform as Platform };
}
