/**
 * Building what a sandbox child may read: a "base" (the kit's src/ with every solution region
 * stripped, compiled to JavaScript, plus the child runner) built once per grading run, and one
 * folder per submission = a copy of the base with the student's compiled files on top.
 * Student TypeScript is compiled here, in the trusted process, with esbuild's transform (syntax
 * only, no type check: a type error alone never costs points).
 *
 * Everything in a sandbox is CommonJS: a child that loads no ES module never starts Node's ES
 * module loader (about 10 ms of CPU per child, a tenth of a submission's cost). The files keep the
 * meaning they have as ES modules: strict mode, `import.meta.url`, `import.meta.filename` and
 * `import.meta.dirname` are the file's own, and imports are evaluated first, in order. What differs:
 * top-level await is refused with a message that says so, and importing a name the other file does
 * not export fails the functions that use it, when they run, instead of the whole file at its import.
 */
import { chmodSync, chownSync, existsSync, linkSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { inStudentKit, studentKitText } from "../kit.js";
import { stripSolutions } from "../strip.js";
import { compileTs, type Compiled } from "./compile.js";
import { removeTree } from "./remove.js";

// Compiling lives in compile.ts; the callers that build sandboxes find it here too.
export { compileTs, compileTsAsync, type Compiled } from "./compile.js";

/** All files under `dir` (relative paths with "/"), sorted. */
export function listFiles(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, r));
    else if (entry.isFile()) out.push(r);
  }
  return out;
}

/** The child runner in every sandbox folder (see child.ts). */
export const CHILD_SCRIPT = "child.cjs";

/** The child runner bundled with its codec into one CommonJS file (from child.ts in the sources, child.js when built). */
function childBundle(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const entry = ["child.ts", "child.js"].map((name) => join(here, name)).find((p) => existsSync(p));
  if (!entry) throw new Error(`sandbox: the child runner (child.ts or child.js) is missing next to ${here}`);
  const out = buildSync({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", target: "node20", write: false, logLevel: "silent" });
  return out.outputFiles[0].text;
}

/**
 * Build the sandbox base in `outDir` from `kitRoot/src` as the student kit holds it (../kit.ts):
 * every .ts file stripped of its solution regions and compiled, plus package.json ({"type":"commonjs"}) and the child runner. Contains no solution.
 * Returns the problems of files left out (unbalanced markers, syntax errors).
 */
export function buildSandboxBase(kitRoot: string, outDir: string): string[] {
  const src = join(kitRoot, "src");
  const skipped: string[] = [];
  for (const rel of listFiles(src)) {
    if (!rel.endsWith(".ts") || rel.endsWith(".d.ts") || rel.endsWith(".test.ts") || !inStudentKit(`src/${rel}`)) continue;
    // A file that cannot be stripped or compiled is left out (never copied unstripped); importing
    // it from a submission then fails with "cannot find module", which names it.
    let compiled: Compiled;
    try {
      compiled = compileTs(stripSolutions(studentKitText(kitRoot, `src/${rel}`), `src/${rel}`).text, `src/${rel}`);
    } catch (e) {
      compiled = { ok: false, error: (e as Error).message };
    }
    if (!compiled.ok) {
      skipped.push(compiled.error);
      continue;
    }
    const target = join(outDir, "src", rel.replace(/\.ts$/, ".js"));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, compiled.code);
  }
  writeFileSync(join(outDir, "package.json"), '{ "type": "commonjs" }\n');
  writeFileSync(join(outDir, CHILD_SCRIPT), childBundle());
  return skipped;
}

/** The files of a base and its folders (parents first), listed once per base. */
const listings = new Map<string, { files: string[]; dirs: string[] }>();
export function baseListing(base: string): { files: string[]; dirs: string[] } {
  let l = listings.get(base);
  if (!l) {
    const files = listFiles(base);
    const dirs = new Set<string>();
    for (const f of files) for (let d = dirname(f); d !== "." && !dirs.has(d); d = dirname(d)) dirs.add(d);
    listings.set(base, (l = { files, dirs: [...dirs].sort() }));
  }
  return l;
}

/** Where one submission's sandbox lives: `root` (readable by the child) and `tmp` (writable). */
export interface SandboxDir {
  root: string;
  tmp: string;
}

/** Numeric uid/gid the child runs as when the grader is root (nobody). */
export const SANDBOX_UID = 65534;

/**
 * Create `parent/name` as a copy of `base` with the compiled student files (`files`: manifest
 * path → JavaScript) written over it. When running as root the temp folder is given to nobody.
 */
export function createSandboxDir(base: string, parent: string, name: string, files: ReadonlyMap<string, string>): SandboxDir {
  const root = join(parent, name);
  // Hard links, not copies: the child can read but never write them (permission model), and a
  // link costs far less than a copy for the ~100 files of the kit.
  const { files: linked, dirs } = baseListing(base);
  mkdirSync(root, { recursive: true });
  for (const d of dirs) mkdirSync(join(root, d));
  for (const rel of linked) linkSync(join(base, rel), join(root, rel));
  for (const [file, code] of files) writeStudentFile(root, file, code);
  chmodSync(root, 0o755);
  return { root, tmp: freshTmp(root) };
}

/** Write one compiled student file (manifest path, e.g. src/layers/relu.ts) into the sandbox `root`, in place of the base's. */
export function writeStudentFile(root: string, file: string, code: string): void {
  const target = join(root, jsPath(file));
  if (relative(root, target).startsWith("..")) throw new Error(`sandbox: ${file} is outside the sandbox`);
  mkdirSync(dirname(target), { recursive: true });
  rmSync(target, { force: true }); // replace the link to the base, never write through it
  writeFileSync(target, code);
}

/** Where a student file (manifest path) lives in a sandbox: its .ts compiled to .js. */
export function jsPath(file: string): string {
  return file.replace(/\.ts$/, ".js");
}

/** An empty temp folder `root/tmp` (removed first if there), given to nobody when running as root; throws when it cannot be emptied. */
export function freshTmp(root: string): string {
  const tmp = join(root, "tmp");
  if (!removeTree(tmp)) throw new Error(`sandbox: ${tmp} could not be emptied`);
  mkdirSync(tmp);
  if (process.getuid?.() === 0) chownSync(tmp, SANDBOX_UID, SANDBOX_UID);
  return tmp;
}
