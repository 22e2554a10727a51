/**
 * The assignment manifest (assignments/<name>/manifest.json): which files students edit, which
 * functions live in them, the hidden tests with their points, the comparison threshold and the
 * sandbox limits. Also: finding the kit's root folder from wherever this module runs.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One graded test: id `<spec id>.<output>`, a display name and its points. */
export interface TestEntry {
  id: string;
  name: string;
  points: number;
}

export interface Manifest {
  assignment: string;
  title: string;
  handout: string;
  /** Paths (relative to the kit root) of the files students edit and submit. */
  files: string[];
  /** File → the functions students write in it. */
  functions: Record<string, string[]>;
  publicTests: string;
  tolerance: number;
  limits: { callTimeoutSeconds: number; memoryMb: number; submissionSeconds: number };
  tests: TestEntry[];
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

/** Read and check assignments/<assignment>/manifest.json under `root`; errors name the field. */
export function loadManifest(root: string, assignment = "a6"): Manifest {
  if (!/^[a-z0-9_-]+$/i.test(assignment)) throw new Error(`unknown assignment "${assignment}" (expected a name like a6)`);
  const path = join(root, "assignments", assignment, "manifest.json");
  if (!existsSync(path)) throw new Error(`unknown assignment "${assignment}": ${path} does not exist`);
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  const fail = (what: string): never => {
    throw new Error(`${path}: ${what}`);
  };
  if (!Array.isArray(m.files) || m.files.some((f) => typeof f !== "string" || f.includes("..") || f.startsWith("/"))) fail("files must be relative paths");
  if (!Array.isArray(m.tests) || m.tests.length === 0) fail("tests must be a non-empty list");
  const ids = new Set<string>();
  for (const t of m.tests) {
    if (typeof t.id !== "string" || typeof t.name !== "string" || typeof t.points !== "number" || !(t.points > 0)) {
      fail(`test ${JSON.stringify(t)} needs id, name and positive points`);
    }
    if (ids.has(t.id)) fail(`test id ${t.id} appears twice`);
    ids.add(t.id);
  }
  if (!(m.tolerance > 0)) fail("tolerance must be a positive number");
  return m;
}

/** Total points of the manifest's tests. */
export function totalPoints(m: Manifest): number {
  return m.tests.reduce((s, t) => s + t.points, 0);
}
