/**
 * `nnkit submit`: builds submission.zip with exactly the files the manifest names (at their paths
 * in the kit) and a small metadata.json (assignment, file sizes and SHA-256), after checking that
 * every file is there and compiles. The zip is deterministic (fixed entry dates).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import JSZip from "jszip";
import { compileProblems } from "./check.js";
import { kitRoot, loadManifest } from "./manifest.js";
import { OutDir } from "./outdir.js";

/** The submission cannot be built (missing or non-compiling files); the message lists why. */
export class SubmitError extends Error {}

const ZIP_DATE = new Date("2000-01-01T00:00:00Z");

export interface SubmitResult {
  path: string;
  files: string[];
  bytes: number;
}

/** Build the submission zip at `out` (default <kit>/submission.zip). */
export async function buildSubmission(opts: { root?: string; assignment?: string; out?: string } = {}): Promise<SubmitResult> {
  const root = opts.root ?? kitRoot();
  const manifest = loadManifest(root, opts.assignment ?? "a6");
  const problems = compileProblems(root, manifest);
  if (problems.length > 0) throw new SubmitError(`not submitted:\n${problems.map((p) => `  ✗ ${p}`).join("\n")}`);
  const zip = new JSZip();
  const meta: { assignment: string; files: { path: string; bytes: number; sha256: string }[] } = { assignment: manifest.assignment, files: [] };
  for (const file of manifest.files) {
    const data = readFileSync(join(root, file));
    zip.file(file, data, { date: ZIP_DATE, createFolders: false });
    meta.files.push({ path: file, bytes: data.length, sha256: createHash("sha256").update(data).digest("hex") });
  }
  zip.file("metadata.json", `${JSON.stringify(meta, null, 2)}\n`, { date: ZIP_DATE });
  const bytes = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", platform: "UNIX" });
  const path = resolve(opts.out ?? join(root, "submission.zip"));
  new OutDir(dirname(path)).write(basename(path), bytes);
  return { path, files: manifest.files, bytes: bytes.length };
}
