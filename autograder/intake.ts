/**
 * Finding the submissions in a TA's INPUT: one submission (zip or folder), a folder of them, a
 * Canvas `submissions.zip` (`lastnamefirstname[_late]_<userId>_<submissionId>_<file>`, `-N` before
 * the extension for resubmissions: the latest is kept) or a Moodle "download all"
 * (`<Full Name>_<participantId>_assignsubmission_file_<file>`, flat or as folders). Every
 * submission found becomes one entry, also the unreadable ones (with the reason).
 */
import { lstatSync, readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import type { Manifest } from "./manifest.js";
import type { Submission } from "./runner.js";
import { DEFAULT_ZIP_LIMITS, ZipRejected, readZip, type ZipLimits } from "./zipguard.js";

/** A problem with INPUT itself (exit code 2). */
export class InputError extends Error {}

/** A file of the input, path relative to the input with "/". */
interface VFile {
  path: string;
  data: Buffer;
}

const MAX_DEPTH = 12;
const MAX_FILES = 20000;
const MAX_FILE_BYTES = 50 << 20;
const SKIP_DIRS = new Set(["node_modules", ".git", "__MACOSX", "dist"]);
/** How deep zips may nest below the input (a bulk zip holding a student's zip holding a zip). */
const MAX_ZIP_NESTING = 3;

const CANVAS = /^([^_\s]+?)(?:_(late))?_(\d+)_(\d+)_(.+)$/i;
const MOODLE = /^(.+?)_(\d+)_assignsubmission_[a-z]+_(.*)$/;

function relevant(path: string, manifest: Manifest): boolean {
  const base = basename(path);
  if (path.split("/").some((seg) => SKIP_DIRS.has(seg))) return false;
  return base.endsWith(".zip") || base === "metadata.json" || manifest.files.some((f) => base === basename(f) || base.endsWith(`_${basename(f)}`) || stripResub(base) === basename(f)) || /\.ts$/.test(base);
}

/** Read a folder's relevant files (no symlinks, capped count, size and depth). */
function readFolder(dir: string, manifest: Manifest, notes: string[], rel = "", depth = 0, out: VFile[] = []): VFile[] {
  if (depth > MAX_DEPTH) {
    notes.push(`${rel}: folders nested deeper than ${MAX_DEPTH} levels were skipped`);
    return out;
  }
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(join(dir, r));
    if (st.isSymbolicLink()) {
      notes.push(`${r}: a symbolic link, skipped`);
    } else if (st.isDirectory()) {
      if (!SKIP_DIRS.has(name)) readFolder(dir, manifest, notes, r, depth + 1, out);
    } else if (st.isFile() && relevant(r, manifest)) {
      if (st.size > MAX_FILE_BYTES) notes.push(`${r}: larger than ${MAX_FILE_BYTES >> 20} MiB, skipped`);
      else out.push({ path: r, data: readFileSync(join(dir, r)) });
      if (out.length > MAX_FILES) throw new InputError(`${dir} holds more than ${MAX_FILES} files`);
    }
  }
  return out;
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
  const top = (f: VFile): string[] => f.path.split("/");
  const direct = (f: VFile, skip: number): boolean => {
    const segs = top(f).slice(skip);
    return segs[0] === "src" || (segs.length === 1 && (segs[0] === "metadata.json" || bases.has(segs[0])));
  };
  if (files.some((f) => direct(f, 0))) return true;
  const roots = new Set(files.map((f) => top(f)[0]));
  return roots.size === 1 && files.every((f) => top(f).length > 1) && files.some((f) => direct(f, 1)) && !CANVAS.test([...roots][0]) && !MOODLE.test([...roots][0]);
}

function safeId(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "").slice(0, 80) || "submission";
}

/** A student's pieces before reading: name parts from the platform, and their files. */
interface Unit {
  key: string;
  student: string;
  name: string;
  source: string;
  pieces: VFile[];
  notes: string[];
}

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
  const units = new Map<string, Unit & { submissionId: number }>();
  for (const top of tops) {
    const pieces = byTop.get(top)!;
    let key = top.replace(/\.zip$/i, "");
    let student = key;
    let name = "";
    let submissionId = 0;
    let late: string[] = [];
    let piecesHere = pieces;
    if (platform === "canvas" && CANVAS.test(top)) {
      const m = CANVAS.exec(top)!;
      student = m[3];
      name = m[1];
      key = `canvas:${m[3]}`;
      submissionId = Number(m[4]);
      if (m[2]) late = ["submitted late (the platform marked the file _late)"];
      const original = m[5];
      piecesHere = pieces.map((p) => ({ path: p.path === top ? original : p.path, data: p.data }));
    } else if (platform === "moodle" && MOODLE.test(top)) {
      const m = MOODLE.exec(top)!;
      student = m[2];
      name = m[1];
      key = `moodle:${m[2]}`;
      piecesHere = pieces.map((p) => ({ path: p.path === top ? m[3] || "file" : p.path.slice(top.length + 1), data: p.data }));
    }
    const unit = units.get(key);
    if (!unit || submissionId > unit.submissionId) {
      const dropped = unit ? [`an older submission (${unit.submissionId}) was ignored`] : [];
      units.set(key, { key, student, name, source: top, pieces: piecesHere, notes: [...late, ...dropped], submissionId });
    } else if (submissionId === unit.submissionId) {
      unit.pieces.push(...piecesHere);
      unit.source = `${unit.source}, ${top}`;
    } else {
      unit.notes.push(`an older submission (${submissionId}) was ignored`);
    }
  }
  return { units: [...units.values()], platform };
}

/** Latest version of each file name among a unit's pieces (Canvas `-N` suffixes). */
function latestPieces(pieces: VFile[], notes: string[]): VFile[] {
  const best = new Map<string, VFile>();
  for (const p of pieces) {
    const key = stripResub(p.path);
    const cur = best.get(key);
    if (!cur || resubNumber(p.path) > resubNumber(cur.path)) {
      if (cur) notes.push(`${cur.path} replaced by the resubmission ${p.path}`);
      best.set(key, p);
    }
  }
  return [...best.values()].map((p) => ({ path: stripResub(p.path), data: p.data }));
}

/** Open zips among `files` (up to MAX_ZIP_NESTING deep) so every file is a plain file. */
async function expandZips(files: VFile[], manifest: Manifest, limits: ZipLimits, notes: string[], depth = 1): Promise<VFile[]> {
  const out: VFile[] = [];
  for (const f of files) {
    if (!f.path.toLowerCase().endsWith(".zip")) {
      out.push(f);
      continue;
    }
    if (depth > MAX_ZIP_NESTING) {
      notes.push(`${f.path}: zips nested more than ${MAX_ZIP_NESTING} deep are not opened`);
      continue;
    }
    const skipped: string[] = [];
    const inner = await readZip(f.data, (p) => relevant(p, manifest), limits, skipped);
    for (const s of skipped) notes.push(`${f.path}: skipped ${s}`);
    const prefix = f.path.replace(/\.zip$/i, "");
    out.push(...(await expandZips(inner.map((x) => ({ path: `${prefix}/${x.path}`, data: x.data })), manifest, limits, notes, depth + 1)));
  }
  return out;
}

/** Pick each manifest file among the unit's files: by path suffix, else by file name. */
export function locateFiles(files: VFile[], manifest: Manifest, notes: string[]): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const usable = files.filter((f) => !f.path.split("/").some((s) => SKIP_DIRS.has(s)));
  for (const target of manifest.files) {
    const bySuffix = usable.filter((f) => f.path === target || f.path.endsWith(`/${target}`));
    const byName = usable.filter((f) => basename(f.path) === basename(target) || basename(f.path).endsWith(`_${basename(target)}`));
    const pool = bySuffix.length > 0 ? bySuffix : byName;
    if (pool.length === 0) continue;
    const pick = [...pool].sort((a, b) => a.path.length - b.path.length || (a.path < b.path ? -1 : 1))[0];
    if (pool.length > 1) notes.push(`${target}: ${pool.length} candidates, took ${pick.path}`);
    found.set(target, pick.data);
  }
  return found;
}

/** Turn a unit into a Submission (reading nested zips; a refused zip becomes the error). */
async function toSubmission(unit: Unit, id: string, manifest: Manifest, limits: ZipLimits): Promise<Submission> {
  const notes = [...unit.notes];
  const base = { id, student: unit.student, name: unit.name, source: unit.source, notes };
  try {
    const files = await expandZips(latestPieces(unit.pieces, notes), manifest, limits, notes);
    const found = locateFiles(files, manifest, notes);
    if (found.size === 0) {
      return { ...base, files: found, error: `none of the assignment's files (${manifest.files.map((f) => basename(f)).join(", ")}) were found` };
    }
    return { ...base, files: found };
  } catch (e) {
    if (e instanceof ZipRejected) return { ...base, files: new Map(), error: `the zip was refused: ${e.message}` };
    throw e;
  }
}

/** Options for reading INPUT. */
export interface IntakeOptions {
  zipLimits?: ZipLimits;
  /** Treat INPUT as one student's submission whatever its layout (Gradescope's submission folder). */
  single?: boolean;
}

/** All submissions in `input` (a zip or a folder), sorted by id; unreadable ones carry `error`. */
export async function findSubmissions(input: string, manifest: Manifest, opts: IntakeOptions = {}): Promise<{ submissions: Submission[]; platform: string }> {
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
  if (st.isDirectory()) {
    files = readFolder(input, manifest, notes);
  } else if (st.isFile() && input.toLowerCase().endsWith(".zip")) {
    const bulkLimits = { ...limits, entryBytes: Math.max(limits.entryBytes, 50 << 20) };
    try {
      files = await readZip(readFileSync(input), (p) => relevant(p, manifest), bulkLimits, notes);
    } catch (e) {
      if (e instanceof ZipRejected) {
        const sub: Submission = { id: safeId(label.replace(/\.zip$/i, "")), student: label.replace(/\.zip$/i, ""), name: "", source: label, files: new Map(), error: `the zip was refused: ${e.message}`, notes: [] };
        return { submissions: [sub], platform: "single" };
      }
      throw e;
    }
  } else {
    throw new InputError(`INPUT ${input} must be a .zip file or a folder`);
  }
  if (opts.single || looksLikeOneSubmission(files, manifest)) {
    const unit: Unit = { key: label, student: label.replace(/\.zip$/i, ""), name: "", source: label, pieces: files, notes };
    return { submissions: [await toSubmission(unit, safeId(unit.student), manifest, limits)], platform: "single" };
  }
  const { units, platform } = groupUnits(files);
  const used = new Set<string>();
  const submissions: Submission[] = [];
  for (const unit of units.sort((a, b) => (a.key < b.key ? -1 : 1))) {
    let id = safeId(unit.name ? `${unit.name}_${unit.student}` : unit.student);
    for (let k = 2; used.has(id); k++) id = `${safeId(unit.student)}-${k}`;
    used.add(id);
    submissions.push(await toSubmission(unit, id, manifest, limits));
  }
  submissions.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { submissions, platform };
}
