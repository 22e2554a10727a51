/**
 * The assignment manifest (assignments/<name>/manifest.json): which files students hand in and
 * which functions live in them, which arguments a function may change, the vitest files (public and
 * hidden) with the points of each test, the comparison threshold, the sandbox limits and the late
 * policy. Also: finding the kit's root folder from wherever this module runs.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "./errors.js";

/** One graded test: its id (describe names and test name joined by dots), a display name and its points. */
export interface TestEntry {
  id: string;
  name: string;
  points: number;
}

/** A late submission loses `percentPerDay` of its score per day late (a day started counts), at most `maxPercent`. */
export interface LatePolicy {
  percentPerDay: number;
  maxPercent: number;
}

export interface Manifest {
  assignment: string;
  title: string;
  /** The handout, a path from the kit root. */
  handout: string;
  /** Paths (relative to the kit root) of the files students edit and submit. */
  files: string[];
  /** File → the functions students write in it. */
  functions: Record<string, string[]>;
  /** Function → the arguments (1-based) it may change in place (e.g. an update rule's parameters). */
  mutates: Record<string, number[]>;
  /** The vitest files, paths from the kit root: the public ones ship with the kit, the hidden ones never. */
  testFiles: { public: string[]; hidden: string[] };
  /** Test id → points; the order is the gradebook's. */
  points: Record<string, number>;
  /** The points the tests must add up to, when stated. */
  total?: number;
  /** The tests in `points` order, with display names. */
  tests: TestEntry[];
  tolerance: number;
  limits: { callTimeoutSeconds: number; memoryMb: number; submissionSeconds: number };
  late?: LatePolicy;
  /** Lecture notebooks (in notebooks/) the kit ships, outputs cleared, to run on the student's own code. */
  notebooks: string[];
  /** How long the assignment typically takes, in hours [fewest, most] (the instructor's figure; the untouched kit's first check says it). */
  typicalHours?: [number, number];
}

/** The kit root: the nearest folder above this module holding package.json and assignments/. */
export function kitRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "assignments"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the nnkit kit (a folder with package.json and assignments/) above ${from}`);
    dir = up;
  }
}

/** "batchNormForward.train.out" → "batchNormForward train: out". */
export function testName(id: string): string {
  const parts = id.split(".");
  return parts.length < 2 ? id : `${parts.slice(0, -1).join(" ")}: ${parts[parts.length - 1]}`;
}

/** The function a test id belongs to ("linearBackward.dW" → "linearBackward"). */
export function functionOf(testId: string): string {
  return testId.split(".")[0];
}

/** The names of the assignments under `root` (folders of assignments/ with a manifest.json). */
export function assignmentNames(root: string): string[] {
  const dir = join(root, "assignments");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => existsSync(join(dir, n, "manifest.json")))
    .sort();
}

type Raw = Partial<Omit<Manifest, "tests">> & { tests?: unknown };

function isRelative(f: unknown): f is string {
  return typeof f === "string" && f !== "" && !f.split(/[\\/]/).includes("..") && !f.startsWith("/");
}

/** Check the parsed manifest `m`; `fail` throws with the manifest's path and what is wrong. */
function validate(m: Raw, fail: (what: string) => never): asserts m is Omit<Manifest, "tests"> {
  if (typeof m.assignment !== "string" || typeof m.title !== "string" || !isRelative(m.handout)) fail("needs assignment, title and handout (a path from the kit root)");
  if (!Array.isArray(m.files) || m.files.length === 0 || !m.files.every(isRelative)) fail("files must be a non-empty list of relative paths");
  if (!m.functions || typeof m.functions !== "object") fail("functions must map each file to its functions");
  for (const [file, fns] of Object.entries(m.functions)) {
    if (!m.files.includes(file)) fail(`functions names ${file}, which is not in files`);
    if (!Array.isArray(fns) || !fns.every((f) => typeof f === "string" && /^[A-Za-z_$][\w$]*$/.test(f))) fail(`functions of ${file} must be a list of function names`);
  }
  const tf = m.testFiles;
  if (!tf || !Array.isArray(tf.public) || !Array.isArray(tf.hidden) || ![...tf.public, ...tf.hidden].every(isRelative)) fail('testFiles must be { "public": [...], "hidden": [...] }, paths from the kit root');
  if (!m.points || typeof m.points !== "object" || Object.keys(m.points).length === 0) fail("points must map each test id to its points");
  for (const [id, p] of Object.entries(m.points)) if (typeof p !== "number" || !(p > 0)) fail(`points of ${id} must be a positive number`);
  if (m.total !== undefined && Object.values(m.points).reduce((s, p) => s + p, 0) !== m.total) {
    fail(`the points add up to ${Object.values(m.points).reduce((s, p) => s + p, 0)}, but total says ${m.total}: change the points or the total`);
  }
  if (!(typeof m.tolerance === "number" && m.tolerance > 0)) fail("tolerance must be a positive number");
  const l = m.limits;
  if (!l || !(l.callTimeoutSeconds > 0) || !(l.memoryMb > 0) || !(l.submissionSeconds > 0)) fail("limits needs callTimeoutSeconds, memoryMb and submissionSeconds, each positive");
  if (m.late !== undefined && !(m.late.percentPerDay >= 0 && m.late.maxPercent >= 0 && m.late.maxPercent <= 100)) fail("late needs percentPerDay ≥ 0 and maxPercent between 0 and 100");
  if (m.notebooks !== undefined && !(Array.isArray(m.notebooks) && m.notebooks.every((n) => typeof n === "string" && /^[\w.-]+\.ipynb$/.test(n)))) fail("notebooks must list notebook file names in notebooks/");
  const h = m.typicalHours;
  if (h !== undefined && !(Array.isArray(h) && h.length === 2 && h.every((x) => typeof x === "number" && x > 0) && h[0] <= h[1])) fail("typicalHours must be [fewest, most] hours, e.g. [8, 12]");
  const fns = new Set(Object.values(m.functions).flat());
  for (const [fn, args] of Object.entries(m.mutates ?? {})) {
    if (!fns.has(fn)) fail(`mutates names ${fn}, which functions does not list`);
    if (!Array.isArray(args) || !args.every((a) => Number.isInteger(a) && a >= 1)) fail(`mutates of ${fn} must list argument numbers (1 for the first)`);
  }
}

/**
 * The assignment a command works on when none is named: package.json's `nnkit.assignment` (a
 * student kit names its own), else the only assignment of the kit; several and none named is an
 * InputError that lists them.
 */
export function defaultAssignment(root: string): string {
  const pkgFile = join(root, "package.json");
  const named = existsSync(pkgFile) ? (JSON.parse(readFileSync(pkgFile, "utf8")) as { nnkit?: { assignment?: unknown } }).nnkit?.assignment : undefined;
  if (typeof named === "string") return named;
  const all = assignmentNames(root);
  if (all.length === 1) return all[0];
  throw new InputError(all.length === 0 ? `${root} holds no assignment (no assignments/<name>/manifest.json)` : `this kit has ${all.join(", ")}: say which with --assignment`);
}

/** Read and check assignments/<assignment>/manifest.json under `root` (default: defaultAssignment); errors (InputError) name the file and the field. */
export function loadManifest(root: string, assignment = defaultAssignment(root)): Manifest {
  if (!/^[a-z0-9_-]+$/i.test(assignment)) throw new InputError(`unknown assignment "${assignment}" (expected a name like a6)`);
  const path = join(root, "assignments", assignment, "manifest.json");
  if (!existsSync(path)) {
    const known = assignmentNames(root);
    throw new InputError(`unknown assignment "${assignment}": ${path} does not exist${known.length > 0 ? ` (this kit has ${known.join(", ")})` : ""}`);
  }
  let m: Raw;
  try {
    m = JSON.parse(readFileSync(path, "utf8")) as Raw;
  } catch (e) {
    throw new InputError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  validate(m, (what) => {
    throw new InputError(`${path}: ${what}`);
  });
  const tests = Object.entries(m.points).map(([id, points]) => ({ id, name: testName(id), points }));
  return { ...m, mutates: m.mutates ?? {}, notebooks: m.notebooks ?? [], tests };
}

/** Total points of the manifest's tests. */
export function totalPoints(m: Manifest): number {
  return m.tests.reduce((s, t) => s + t.points, 0);
}

/** Function name → its file, from the manifest's functions. */
export function functionFiles(m: Manifest): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, fns] of Object.entries(m.functions)) for (const fn of fns) out.set(fn, file);
  return out;
}
