/**
 * The student kit's dist/ kept up to date with the student's own files: before any `nnkit` command
 * runs (check, submit, train, …), each file the assignment hands in whose source changed since it
 * was built is compiled again into dist/ with esbuild (TypeScript → the same ES module, with a
 * source map), so nothing runs a stale build. Outside a student kit (its package.json says
 * `"nnkit": { "assignment": …, "studentKit": true }`, as the release writes it) nothing is done. A file that does not compile keeps its previous build, and the
 * problem is returned with file, line and column.
 *
 * A file is stale when its source's SHA-256 differs from the one recorded at its last rebuild
 * (dist/.student-build.json), or, never rebuilt here, when the source is newer than its build.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";

const STAMPS = join("dist", ".student-build.json");

/** What a refresh did: the files compiled again, and those that could not be (one line each). */
export interface Refresh {
  rebuilt: string[];
  problems: string[];
}

/** The kit root at or above `from` (the first folder with a package.json) and its assignment's files, when it is a student kit. */
export function studentKit(from: string): { root: string; files: string[] } | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      const { assignment, studentKit: isKit } = (JSON.parse(readFileSync(pkg, "utf8")) as { nnkit?: { assignment?: unknown; studentKit?: unknown } }).nnkit ?? {};
      const manifest = join(dir, "assignments", String(assignment), "manifest.json");
      if (typeof assignment !== "string" || isKit !== true || !existsSync(manifest)) return undefined;
      const files = (JSON.parse(readFileSync(manifest, "utf8")) as { files?: unknown }).files;
      return Array.isArray(files) ? { root: dir, files: files.filter((f): f is string => typeof f === "string" && f.endsWith(".ts")) } : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function readStamps(root: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(join(root, STAMPS), "utf8")) as Record<string, string>;
  } catch {
    return {};
  }
}

/** "src/layers/linear.ts:12:5: Expected ";" but found "x"" from esbuild's failure, else its message. */
function compileProblem(file: string, e: unknown): string {
  const first = (e as { errors?: { text: string; location?: { line: number; column: number } | null }[] }).errors?.[0];
  if (!first) return `${file}: ${e instanceof Error ? e.message : String(e)}`;
  return `${file}${first.location ? `:${first.location.line}:${first.location.column + 1}` : ""}: ${first.text}`;
}

/** Compile again into `root`/dist every stale file of `files` (paths from `root`, e.g. src/layers/linear.ts). */
export async function refreshBuild(root: string, files: readonly string[]): Promise<Refresh> {
  const stamps = readStamps(root);
  const sources = new Map<string, string>();
  for (const file of files) {
    const src = join(root, file);
    const out = join(root, "dist", file.replace(/\.ts$/, ".js"));
    if (!existsSync(src)) continue;
    const text = readFileSync(src, "utf8");
    const hash = createHash("sha256").update(text).digest("hex");
    const stale = stamps[file] !== undefined ? stamps[file] !== hash : !existsSync(out) || statSync(src).mtimeMs > statSync(out).mtimeMs;
    if (stale) sources.set(file, text);
  }
  const result: Refresh = { rebuilt: [], problems: [] };
  if (sources.size === 0) return result; // the usual case: esbuild is not even loaded
  const { transform } = await import("esbuild");
  for (const [file, text] of sources) {
    const out = join(root, "dist", file.replace(/\.ts$/, ".js"));
    try {
      const r = await transform(text, { loader: "ts", format: "esm", target: "node20", sourcemap: "external", sourcefile: relative(dirname(out), join(root, file)).split("\\").join("/") });
      mkdirSync(dirname(out), { recursive: true });
      writeAtomic(`${out}.map`, r.map);
      writeAtomic(out, `${r.code}//# sourceMappingURL=${basename(out)}.map\n`);
      stamps[file] = createHash("sha256").update(text).digest("hex");
      result.rebuilt.push(file);
    } catch (e) {
      result.problems.push(compileProblem(file, e));
    }
  }
  writeAtomic(join(root, STAMPS), `${JSON.stringify(stamps, null, 2)}\n`);
  return result;
}
