/**
 * The TypeScript type errors of the student's files, for `nnkit check` to report without costing
 * points (the grader compiles without type-checking, as check and the kit's commands do; but
 * `npm run build` stops at a type error). The files are checked with the kit's tsconfig.json;
 * only errors in the student's own files are reported, with file, line and column. The result is
 * kept per content (SHA-256 of the files) in dist/.student-typecheck.json, so an unchanged set of
 * files is not checked twice; files that still only throw "not implemented yet" are not checked.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const CACHE = join("dist", ".student-typecheck.json");

/** SHA-256 of the files' paths and contents together. */
function contentKey(root: string, files: readonly string[]): string {
  const h = createHash("sha256");
  for (const f of files) h.update(`${f}\0`).update(existsSync(join(root, f)) ? readFileSync(join(root, f)) : "");
  return h.digest("hex");
}

/** "src/layers/linear.ts:12:5 TS2322: Type 'string' is not assignable to type 'number'." for each type error in `files` (paths from `root`). */
export async function typeErrors(root: string, files: readonly string[]): Promise<string[]> {
  const ts = (await import("typescript")).default;
  const config = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  const options = { ...(config?.options ?? { strict: true }), noEmit: true, incremental: false };
  const program = ts.createProgram(files.map((f) => join(root, f)), options);
  const mine = new Set(files);
  const out: string[] = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    if (!d.file || d.start === undefined) continue;
    const file = relative(root, d.file.fileName).split("\\").join("/");
    if (!mine.has(file)) continue;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    out.push(`${file}:${line + 1}:${character + 1} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
  }
  return out;
}

/**
 * The type errors of the student's `files` under `root`, from the cache when these contents were
 * checked before; none (not checked) while `untouched` (every function still a stub).
 */
export async function studentTypeErrors(root: string, files: readonly string[], untouched: boolean): Promise<string[]> {
  if (untouched) return [];
  const key = contentKey(root, files);
  const cacheFile = join(root, CACHE);
  try {
    const cached = JSON.parse(readFileSync(cacheFile, "utf8")) as { key?: string; errors?: string[] };
    if (cached.key === key && Array.isArray(cached.errors)) return cached.errors;
  } catch {
    // no cache yet: check below
  }
  const errors = await typeErrors(root, files);
  if (existsSync(join(root, "dist"))) {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ key, errors })}\n`);
    renameSync(tmp, cacheFile);
  }
  return errors;
}
