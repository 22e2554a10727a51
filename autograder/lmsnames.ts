/**
 * Who a file of a class download belongs to, read from the names the platforms give them.
 * - Canvas (canvas-lms lib/content_zipper.rb, `get_filename`, `add_upload_submission`,
 *   `add_text_or_url`): `<name>[_LATE]_<userId>_<attachmentId>_<file>` for uploads and
 *   `<name>[_LATE]_<userId>_text.html` / `_link.html` for text and URL entries. The name is the
 *   sortable name lower-cased with everything but letters, digits and underscores removed (so it
 *   may keep underscores: `de_la_cruzjuan`); for a group assignment it is the group's name and the
 *   id is the user who stands for the group; with anonymous grading the name is left out and the
 *   id is `anon_<anonymousId>`. Every attachment of one id belongs to the student's latest attempt.
 * - Moodle (mod/assign/classes/downloader.php): `<Full Name>_<participantId>_assignsubmission_<type>`
 *   then `/<path>` (one folder per student, Moodle 4.1 and later), `_/<path>` (older folders) or
 *   `_<file>` (flat); underscores in names become spaces; blind marking names every student
 *   `Participant`; team submissions use the group's name and id.
 * - Gradescope's export: `submission_metadata.yml` and one folder per submission.
 */
import { parse as parseYaml } from "yaml";
import { GRADESCOPE_METADATA, type VFile } from "./unpack.js";

/** A student's pieces before unpacking: who it is, and their files (paths as the student named them). */
export interface Unit {
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

/** Who a Canvas download entry belongs to. */
interface CanvasName {
  name: string;
  late: boolean;
  student: string;
  /** Upload order (the attachment id; 0 for a text or URL entry). */
  rank: number;
  file: string;
}

const CANVAS_ANON_UPLOAD = /^(?:(late)_)?(anon_[A-Za-z0-9]+)_(\d+)_(.+)$/i;
const CANVAS_UPLOAD = /^(.+?)(?:_(late))?_(\d+)_(\d+)_(.+)$/i;
const CANVAS_ANON_TEXT = /^(?:(late)_)?(anon_[A-Za-z0-9]+)_((?:text|link)\.html)$/i;
const CANVAS_TEXT = /^(.+?)(?:_(late))?_(\d+)_((?:text|link)\.html)$/i;
const MOODLE = /^(.+?)_(\d+)_assignsubmission_([a-z]+)(?:_(.*))?$/;

/** A Canvas download entry's owner, or undefined when the name is not one Canvas gives. */
export function canvasName(top: string): CanvasName | undefined {
  let m = CANVAS_ANON_UPLOAD.exec(top);
  if (m) return { name: "", late: Boolean(m[1]), student: m[2], rank: Number(m[3]), file: m[4] };
  m = CANVAS_UPLOAD.exec(top);
  if (m) return { name: m[1], late: Boolean(m[2]), student: m[3], rank: Number(m[4]), file: m[5] };
  m = CANVAS_ANON_TEXT.exec(top);
  if (m) return { name: "", late: Boolean(m[1]), student: m[2], rank: 0, file: m[3] };
  m = CANVAS_TEXT.exec(top);
  if (m) return { name: m[1], late: Boolean(m[2]), student: m[3], rank: 0, file: m[4] };
  return undefined;
}

/** A Moodle download entry's owner, or undefined. `file` is what follows the type ("" for a folder). */
export function moodleName(top: string): { name: string; student: string; file: string } | undefined {
  const m = MOODLE.exec(top);
  return m ? { name: m[1], student: m[2], file: m[4] ?? "" } : undefined;
}

/** True when `top` is named the way a Canvas or Moodle download names a student's entry. */
export function isPlatformName(top: string): boolean {
  return canvasName(top) !== undefined || moodleName(top) !== undefined;
}

/** A filesystem-safe id. */
export function safeId(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "").slice(0, 80) || "submission";
}

/** The `-N` a file name carries before its extension (a file uploaded again under the same name), or 0. */
function resubNumber(name: string): number {
  const m = /-(\d+)(\.[^./]+)$/.exec(name);
  return m ? Number(m[1]) : 0;
}

/** `name-3.ts` → `name.ts` for loose files (a file uploaded again keeps its meaning); archives keep their name. */
function stripResub(name: string): string {
  return /\.ts$/i.test(name) ? name.replace(/-(\d+)(\.[^./]+)$/, "$2") : name;
}

/** Group the top-level entries of a bulk download into one unit per student. */
export function groupUnits(files: VFile[]): { units: Unit[]; platform: "canvas" | "moodle" | "folder" } {
  const byTop = new Map<string, VFile[]>();
  for (const f of files) {
    const top = f.path.split("/")[0];
    byTop.set(top, [...(byTop.get(top) ?? []), f]);
  }
  const tops = [...byTop.keys()].sort();
  const canvas = tops.filter((t) => canvasName(t)).length;
  const moodle = tops.filter((t) => moodleName(t)).length;
  const platform = moodle > 0 && moodle >= canvas ? "moodle" : canvas > 0 ? "canvas" : "folder";
  const units = new Map<string, Unit>();
  const add = (key: string, make: () => Omit<Unit, "pieces" | "entries" | "key">, top: string, pieces: VFile[], late = false): void => {
    let unit = units.get(key);
    if (!unit) units.set(key, (unit = { key, ...make(), entries: [], pieces: [] }));
    unit.entries.push(top);
    unit.pieces.push(...pieces);
    unit.late ||= late;
  };
  const inside = (p: VFile, top: string, file: string): string => (p.path === top ? file || "file" : `${file ? `${file}/` : ""}${p.path.slice(top.length + 1)}`);
  for (const top of tops) {
    const pieces = byTop.get(top)!;
    const c = platform === "canvas" ? canvasName(top) : undefined;
    const m = platform === "moodle" ? moodleName(top) : undefined;
    if (c) {
      const renamed = pieces.map((p) => ({ ...p, path: stripResub(inside(p, top, c.file)), rank: c.rank * 1000 + resubNumber(c.file), shown: p.path }));
      add(`canvas:${c.student}`, () => ({ id: safeId(c.name ? `${c.name}_${c.student}` : c.student), student: c.student, name: c.name, late: false, notes: [] }), top, renamed, c.late);
    } else if (m) {
      const blind = m.name === "Participant";
      const renamed = pieces.map((p) => ({ ...p, path: stripResub(p.path === top ? m.file || "file" : p.path.slice(top.length + 1)), rank: resubNumber(p.path), shown: p.path }));
      add(`moodle:${m.student}`, () => ({ id: safeId(blind ? `Participant_${m.student}` : `${m.name}_${m.student}`), student: m.student, name: blind ? "" : m.name, late: false, notes: [] }), top, renamed);
    } else {
      const key = top.replace(/\.(zip|tar|tgz|tar\.gz)$/i, "");
      const renamed = pieces.map((p) => ({ ...p, path: stripResub(p.path), rank: resubNumber(p.path), shown: p.path }));
      add(`folder:${top}`, () => ({ id: safeId(key), student: key, name: "", late: false, notes: [] }), top, renamed);
    }
  }
  return { units: [...units.values()], platform };
}

/** Gradescope's export: `submission_metadata.yml` (folder name → submitters) and one folder per submission. */
export function gradescopeUnits(files: VFile[], metadata: Buffer): Unit[] | string {
  let meta: Record<string, unknown> = {};
  try {
    const parsed: unknown = parseYaml(metadata.toString("utf8"), { logLevel: "silent", uniqueKeys: false });
    if (parsed !== null && typeof parsed === "object") meta = parsed as Record<string, unknown>;
  } catch (e) {
    return `${GRADESCOPE_METADATA} cannot be read (${(e as Error).message.split("\n")[0]}): export the submissions from Gradescope again`;
  }
  const byTop = new Map<string, VFile[]>();
  for (const f of files) {
    const [top, ...rest] = f.path.split("/");
    if (f.path === GRADESCOPE_METADATA) continue;
    const pieces = byTop.get(top) ?? [];
    pieces.push({ ...f, path: rest.length > 0 ? rest.join("/") : top, shown: f.path });
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
