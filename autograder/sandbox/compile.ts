/**
 * Compiling one student TypeScript file to a CommonJS module with an ES module's meaning (see
 * build.ts), in the trusted process, with esbuild's transform (syntax only, no type check).
 *
 * The asynchronous transform runs in esbuild's service, one Go process shared by the whole run.
 * A source file can crash it (nesting a few hundred thousand levels deep overflows its stack), and
 * every compile after that would fail with "The service is no longer running". So a failure that
 * is not a syntax error of the file is the compiler's: the file is compiled once more, alone, in a
 * fresh service, while no other compile starts; if that fails too, the result says it is the
 * compiler's fault (`fault`), never the student's. The service is restarted after it, so the
 * other submissions are compiled normally.
 */
import { stop, transform, transformSync, type TransformFailure, type TransformOptions } from "esbuild";

/**
 * Result of compiling one student file: JavaScript, or the first syntax error with its location;
 * with `fault`, the compiler itself failed on it (a fault of the grader, not of the file).
 */
export type Compiled = { ok: true; code: string } | { ok: false; error: string; fault?: true };

/** The name a compiled file's `import.meta` stands for (set up by its first line). */
const META = "__nnkitImportMeta";
const TS_TO_CJS: TransformOptions = {
  loader: "ts",
  format: "cjs",
  target: "node20",
  // The banner comes first, so "use strict" is the directive of the whole file.
  banner: `"use strict"; const ${META} = { get url() { return require("node:url").pathToFileURL(__filename).href; }, filename: __filename, dirname: __dirname };`,
  define: { "import.meta": META },
};

/** Compile TypeScript `source` (named `file` in messages) to a CommonJS module with an ES module's meaning (see build.ts). */
export function compileTs(source: string, file: string): Compiled {
  try {
    return { ok: true, code: transformSync(source, { ...TS_TO_CJS, sourcefile: file }).code };
  } catch (e) {
    return compileError(e, file) ?? { ok: false, error: `${file}: ${(e as Error).message}`, fault: true };
  }
}

/** Compiles retried alone in a fresh service, one after the other (see the module comment). */
let retries: Promise<unknown> = Promise.resolve();
/** Retries queued or running: while there are any, no compile starts in the shared service. */
let retrying = 0;

/** compileTs without blocking: the grader's other submissions go on while esbuild works. */
export async function compileTsAsync(source: string, file: string): Promise<Compiled> {
  while (retrying > 0) await retries;
  // A student's file carries its source map, so an error it throws is placed in its own lines (the child runs with --enable-source-maps).
  const options: TransformOptions = { ...TS_TO_CJS, sourcefile: file, sourcemap: "inline" };
  try {
    return { ok: true, code: (await transformInService(source, options)).code };
  } catch (e) {
    const failed = compileError(e, file);
    if (failed) return failed;
  }
  retrying++;
  const retry = retries.then(() => compileAlone(source, options, file));
  retries = retry.then(() => undefined, () => undefined).finally(() => retrying--);
  return retry;
}

/** Compile in a fresh service with nothing else running in it; restart the service again if it failed. */
async function compileAlone(source: string, options: TransformOptions, file: string): Promise<Compiled> {
  await stop();
  try {
    return { ok: true, code: (await transformInService(source, options)).code };
  } catch (e) {
    const failed = compileError(e, file);
    if (failed) return failed;
    await stop();
    return { ok: false, error: `the TypeScript compiler (esbuild) failed on ${file}, twice, the second time alone in a fresh service: ${firstLine((e as Error).message)}`, fault: true };
  }
}

function firstLine(text: string): string {
  return text.split("\n")[0].slice(0, 300);
}

/** What esbuild's service starts with, unless set already: GOGC, its collector (see below). */
const SERVICE_ENV: Record<string, string> = { GOGC: "400" };

/**
 * esbuild's transform. Its service is a Go program started by the first call after the run starts
 * (or after `stop`), with this process's environment: at Go's default (GOGC=100) its collector runs
 * each time its small heap doubles, which for a grading run's thousands of small transforms is
 * over a third of its CPU (7 files of a submission: 8.3 ms of the service's CPU, 5.1 ms with
 * GOGC=400). So each call sets SERVICE_ENV while it may start the service.
 */
function transformInService(source: string, options: TransformOptions): ReturnType<typeof transform> {
  const set = Object.keys(SERVICE_ENV).filter((name) => process.env[name] === undefined);
  for (const name of set) process.env[name] = SERVICE_ENV[name];
  try {
    return transform(source, options); // starts the service, synchronously, when none is running
  } finally {
    for (const name of set) delete process.env[name];
  }
}

/**
 * The first syntax error of a failed compilation, with its location; undefined when the failure
 * is not the file's (no syntax error reported: the service stopped, or esbuild panicked).
 */
function compileError(e: unknown, file: string): Compiled | undefined {
  const errors = (e as Partial<TransformFailure>).errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const first = errors[0];
  if (/^panic/.test(first.text)) return undefined;
  const where = first.location ? `${file}:${first.location.line}:${first.location.column + 1}` : file;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
  const text = /^Top-level await is currently not supported/.test(first.text)
    ? "top-level await is not supported by the grader (it loads every file as CommonJS): move the await into a function"
    : first.text;
  return { ok: false, error: `${where}: ${text}${more}` };
}
