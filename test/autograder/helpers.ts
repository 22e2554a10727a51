/** Shared set-up of the autograder tests: temporary folders, a sandbox around one student module. */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { buildSandboxBase, compileTs, createSandboxDir } from "../../autograder/sandbox/build.js";
import type { Isolation } from "../../autograder/sandbox/isolation.js";
import { SandboxProcess, type SandboxLimits } from "../../autograder/sandbox/process.js";

export const ROOT = join(import.meta.dirname, "..", "..");

const created: string[] = [];
const sandboxes: SandboxProcess[] = [];
// One file-level hook (registered when a test file imports this module): also covers folders and
// sandboxes made inside a test body, where hooks cannot be registered.
afterAll(async () => {
  for (const sb of sandboxes) await sb.close();
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder removed after the test file (world-traversable, like the grader's). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `nnkit-test-${prefix}-`));
  chmodSync(dir, 0o711);
  created.push(dir);
  return dir;
}

let base: string | undefined;
/** One sandbox base (stripped kit + child) per test file; every kit file must be in it (none left out for a syntax the sandbox does not load). */
export function sandboxBase(): string {
  if (!base) {
    const dir = tempDir("base");
    const problems = buildSandboxBase(ROOT, join(dir, "base"));
    if (problems.length > 0) throw new Error(`the sandbox base left out kit files: ${problems.join("; ")}`);
    base = join(dir, "base");
  }
  return base;
}

export const FAST_LIMITS: SandboxLimits = { callTimeoutMs: 1500, memoryMb: 128, outputBytes: 64 << 10, responseBytes: 8 << 20 };

/** A sandbox child holding `files` (manifest path → TypeScript source). */
export function sandboxWith(files: Record<string, string>, limits: SandboxLimits = FAST_LIMITS, isolation?: Isolation): SandboxProcess {
  const compiled = new Map<string, string>();
  for (const [file, source] of Object.entries(files)) {
    const c = compileTs(source, file);
    if (!c.ok) throw new Error(c.error);
    compiled.set(file, c.code);
  }
  const dir = createSandboxDir(sandboxBase(), tempDir("sb"), "s", compiled);
  const sb = new SandboxProcess(dir, limits, isolation);
  sandboxes.push(sb);
  return sb;
}

/** The kit's reference files of the assignment (manifest path → content). */
export function referenceFiles(files: readonly string[]): Map<string, Buffer> {
  return new Map(files.map((f) => [f, readFileSync(join(ROOT, f))]));
}

/**
 * `files` with the export `fn` of `file` replaced by `${wrapper} { body }` (default
 * `export function fn(...a: any[])`); in `body`, `inner(...a)` calls the original function.
 */
export function withWrapped(files: ReadonlyMap<string, Buffer>, file: string, fn: string, body: string, wrapper = `export function ${fn}(...a: any[])`): Map<string, Buffer> {
  const out = new Map(files);
  const text = out.get(file)!.toString("utf8");
  const decl = `export function ${fn}(`;
  if (text.split(decl).length !== 2) throw new Error(`${file} should declare ${fn} exactly once`);
  out.set(file, Buffer.from(`${text.replace(decl, `function ${fn}Inner(`)}\n${wrapper} { const inner = ${fn}Inner; ${body} }\n`));
  return out;
}

/** A TypeScript file that crashes esbuild's service: nesting that overflows its Go stack (1 GB, about 1 s). */
export function serviceCrasher(depth = 600_000): string {
  return `export const deep = ${"[".repeat(depth)}${"]".repeat(depth)};\n`;
}
