/**
 * Finding the submissions in a TA's INPUT: one submission (zip, tarball or folder), a folder of
 * them, or a platform's bulk download (Canvas, Moodle, Gradescope: see lmsnames.ts for the names
 * each platform gives). Every student found becomes exactly one Submission, also when nothing of
 * theirs can be graded (a PDF, an image, an empty file, an archive that cannot be read): then
 * `error` says why. A class download is listed, not loaded: each student's files are read and
 * unpacked when that student is reached, within limits that hold per submission (unpack.ts).
 */
import { lstatSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { InputError } from "./errors.js";
import type { Manifest } from "./manifest.js";
import type { Submission } from "./runner.js";
import { gradescopeUnits, groupUnits, isPlatformName, safeId, type Unit } from "./lmsnames.js";
import { isTarball, readTar } from "./targuard.js";
import { GRADESCOPE_METADATA, MAX_INPUT_FILES, isRefusal, readFolder, refused, skippedDir, unpack, wanted, zipFiles, type Loaded, type VFile } from "./unpack.js";
import { Budget, DEFAULT_ZIP_LIMITS, ZipRejected, isArchiveName, type ArchiveEntry, type ZipLimits } from "./zipguard.js";
import { bufferSource, fileSource } from "./zipread.js";

export { InputError } from "./errors.js";

/** Why a submission could not be graded, in a few words for the run's count line. */
export const NOT_GRADED = {
  noFiles: "uploaded no file of the assignment",
  empty: "uploaded only empty files",
  archive: "uploaded an archive that cannot be read",
  tooLarge: "uploaded a file larger than the grader reads",
} as const;

function looksLikeOneSubmission(files: VFile[], manifest: Manifest): boolean {
  const bases = new Set(manifest.files.map((f) => basename(f).toLowerCase()));
  const segs = (f: VFile): string[] => f.path.toLowerCase().split("/");
  const direct = (f: VFile, skip: number): boolean => {
    const s = segs(f).slice(skip);
    return s[0] === "src" || (s.length === 1 && (s[0] === "metadata.json" || bases.has(s[0])));
  };
  if (files.some((f) => direct(f, 0))) return true;
  const roots = new Set(files.map((f) => f.path.split("/")[0]));
  const root = [...roots][0];
  return roots.size === 1 && files.every((f) => segs(f).length > 1) && files.some((f) => direct(f, 1)) && !isPlatformName(root);
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

/** A file found for a manifest path: its path in the upload, its bytes, and its upload order. */
type Candidate = { path: string; data?: Buffer; rank?: number; shown?: string };

/**
 * Pick each manifest file among the unit's files: by path suffix, else by file name, ignoring
 * upper/lower case (a note says so); among several, the latest upload, then the exact case, then
 * the shortest path.
 */
export function locateFiles(files: readonly Candidate[], manifest: Manifest, notes: string[]): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const usable = files.filter((f) => f.data && !f.path.split("/").some(skippedDir));
  for (const target of manifest.files) {
    const t = target.toLowerCase();
    const name = basename(t);
    const bySuffix = usable.filter((f) => f.path.toLowerCase() === t || f.path.toLowerCase().endsWith(`/${t}`));
    const byName = usable.filter((f) => basename(f.path).toLowerCase() === name || basename(f.path).toLowerCase().endsWith(`_${name}`));
    const pool = bySuffix.length > 0 ? bySuffix : byName;
    if (pool.length === 0) continue;
    const exact = (f: Candidate): number => (f.path === target || f.path.endsWith(`/${target}`) || (bySuffix.length === 0 && basename(f.path) === basename(target)) ? 0 : 1);
    const pick = [...pool].sort((a, b) => (b.rank ?? 0) - (a.rank ?? 0) || exact(a) - exact(b) || a.path.length - b.path.length || (a.path < b.path ? -1 : 1))[0];
    const shown = (f: Candidate): string => f.shown ?? f.path;
    if (pool.length > 1) notes.push(`${target}: ${pool.length} candidates (${pool.map(shown).sort().slice(0, 4).join(", ")}), took ${shown(pick)}${(pick.rank ?? 0) > Math.min(...pool.map((f) => f.rank ?? 0)) ? " (the latest upload)" : ""}`);
    if (exact(pick) === 1 && !basename(pick.path).toLowerCase().endsWith(`_${name}`)) notes.push(`${target}: took ${shown(pick)}, whose name differs in upper/lower case (name it ${target})`);
    found.set(target, pick.data!);
  }
  return found;
}

/** Turn a unit into a Submission (unpacking its archives); anything that cannot be graded becomes `error`. */
async function toSubmission(unit: Unit, manifest: Manifest, limits: ZipLimits): Promise<Submission> {
  const notes = [...unit.notes];
  const base: Omit<Submission, "files"> = { id: unit.id, student: unit.student, name: unit.name, source: sourceOf(unit.entries), late: unit.late, ...(unit.email ? { email: unit.email } : {}), notes };
  const expected = manifest.files.map((f) => basename(f)).join(", ");
  let files: Loaded[];
  try {
    const budget = new Budget(limits);
    budget.countEntries(unit.pieces.length);
    files = await unpack(unit.pieces, limits, budget, notes);
  } catch (e) {
    if (!(e instanceof ZipRejected)) throw e;
    return { ...base, files: new Map(), error: e.message, category: isRefusal(e) ? NOT_GRADED.archive : NOT_GRADED.tooLarge };
  }
  const named = base.name === "" ? submittedName(files) : undefined;
  if (named) base.name = named;
  const submittedFor = submittedField(files, "assignment");
  if (submittedFor !== undefined) base.submittedFor = submittedFor;
  const found = locateFiles(files.filter((f) => f.size > 0), manifest, notes);
  const usedNames = new Set(manifest.files.map((f) => basename(f).toLowerCase()));
  const emptyOnes = files.filter((f) => f.size === 0 && usedNames.has(basename(f.path).toLowerCase()));
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

/** Field `field` (a string) of the upload's metadata.json (the outermost one), trimmed, control characters dropped, at most 100 characters; undefined when there is none. */
function submittedField(files: readonly Loaded[], field: string): string | undefined {
  const metas = files.filter((f) => f.data && basename(f.path).toLowerCase() === "metadata.json");
  const meta = metas.sort((a, b) => a.path.split("/").length - b.path.split("/").length)[0];
  if (!meta?.data) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(meta.data.toString("utf8"));
  } catch {
    return undefined;
  }
  const value = parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>)[field] : undefined;
  if (typeof value !== "string") return undefined;
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, " ").trim().slice(0, 100);
  return clean === "" ? undefined : clean;
}

/**
 * The name `nnkit submit --name` wrote into the upload's metadata.json (the outermost one), if any:
 * trimmed, control characters dropped, at most 100 characters. Used only when the platform gives no name.
 */
export function submittedName(files: readonly Loaded[]): string | undefined {
  return submittedField(files, "name");
}

function sourceOf(entries: readonly string[]): string {
  const shown = entries.slice(0, 3).join(", ");
  return entries.length > 3 ? `${shown} (+${entries.length - 3} more)` : shown;
}

/** Options for reading INPUT. */
export interface IntakeOptions {
  /** Limits of one submission (every archive level of it together). */
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
    if (tops.size !== 1 || !files.every((f) => f.path.includes("/")) || isPlatformName(top) || looksLikeOneSubmission(files, manifest)) return files;
    files = files.map((f) => ({ ...f, path: f.path.slice(top.length + 1) }));
  }
  return files;
}

const DOWNLOAD_LIMITS = (limits: ZipLimits): ZipLimits => ({ ...limits, entries: MAX_INPUT_FILES, totalBytes: Number.MAX_SAFE_INTEGER, archiveBytes: Number.MAX_SAFE_INTEGER });

/** The files of INPUT, listed (a zip's entries are read when opened, from `close`'s open file). */
async function listInput(input: string, limits: ZipLimits, notes: string[]): Promise<{ files: VFile[]; close: () => void }> {
  if (lstatSync(input).isDirectory()) return { files: readFolder(input, limits, notes), close: () => undefined };
  if (isTarball(input)) {
    const others: ArchiveEntry[] = [];
    const read = await readTar(readFileSync(input), wanted, { ...DOWNLOAD_LIMITS(limits), entryBytes: limits.entryBytes }, notes, others, new Budget(DOWNLOAD_LIMITS(limits)));
    return { files: [...read.map((x) => ({ path: x.path, size: x.data.length, open: async () => bufferSource(x.data) })), ...others], close: () => undefined };
  }
  const src = fileSource(input);
  try {
    return { files: zipFiles(src, limits, MAX_INPUT_FILES, (n) => `the download has ${n} entries (at most ${MAX_INPUT_FILES})`, notes), close: () => src.close() };
  } catch (e) {
    src.close();
    throw e;
  }
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
  if (!st.isDirectory() && !(st.isFile() && isArchiveName(input))) throw new InputError(`INPUT ${input} must be a folder, a .zip or a tarball (.tar, .tar.gz, .tgz)`);
  const notes: string[] = [];
  const label = basename(input);
  const stem = label.replace(/\.(zip|tar|tgz|tar\.gz)$/i, "");
  let listed: { files: VFile[]; close: () => void };
  try {
    listed = await listInput(input, limits, notes);
  } catch (e) {
    if (!(e instanceof ZipRejected)) throw e;
    if (st.isDirectory()) throw new InputError(e.message);
    const sub: Submission = { id: safeId(stem), student: stem, name: "", source: label, late: false, files: new Map(), error: refused(label, e).message, category: NOT_GRADED.archive, notes: [] };
    return { submissions: [sub], platform: "single" };
  }
  try {
    return await submissionsOf(listed.files, { label, stem, notes, single: opts.single === true }, manifest, limits);
  } finally {
    listed.close();
  }
}

/** The submissions among INPUT's listed files. */
async function submissionsOf(listed: VFile[], input: { label: string; stem: string; notes: string[]; single: boolean }, manifest: Manifest, limits: ZipLimits): Promise<{ submissions: Submission[]; platform: Platform }> {
  if (input.single || looksLikeOneSubmission(listed, manifest)) {
    const unit: Unit = { key: input.label, id: safeId(input.stem), student: input.stem, name: "", late: false, entries: [input.label], pieces: listed, notes: input.notes };
    return { submissions: [await toSubmission(unit, manifest, limits)], platform: "single" };
  }
  const files = unwrap(listed, manifest);
  const metadata = files.find((f) => f.path === GRADESCOPE_METADATA);
  let grouped: { units: Unit[]; platform: Platform };
  if (metadata?.open) {
    const src = await metadata.open(new Budget(limits));
    const units = gradescopeUnits(files, src.read(0, src.size));
    if (typeof units === "string") throw new InputError(units);
    grouped = { units, platform: "gradescope" };
  } else {
    grouped = groupUnits(files);
  }
  const used = new Set<string>();
  const submissions: Submission[] = [];
  for (const unit of grouped.units.sort((a, b) => (a.key < b.key ? -1 : 1))) {
    let id = unit.id;
    for (let k = 2; used.has(id); k++) id = `${unit.id}-${k}`;
    used.add(id);
    submissions.push(await toSubmission({ ...unit, id }, manifest, limits));
  }
  submissions.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { submissions, platform: grouped.platform };
}
