/**
 * `nnkit submit`: runs the public tests, then builds submission.zip with exactly the files the
 * manifest names (at their paths in the kit) and metadata.json (the files' sizes and SHA-256, the
 * time, the kit's version, the public-test summary, the student's name if given).
 *
 * It refuses — exit 1, no zip — when a file is missing or does not compile, or when a function to
 * hand in still throws "not implemented yet" (unless allowIncomplete; then it warns). A refused
 * submission never leaves an older submission.zip where the student would pick it up: that one is
 * renamed to submission.zip.previous, and the message says so. The zip is written atomically.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import JSZip from "jszip";
import { compileProblems, notImplemented, runCheck } from "./check.js";
import { kitRoot, loadManifest } from "./manifest.js";
import { OutDir } from "./outdir.js";
import { ZIP_DATE } from "./zipfile.js";

/** The submission was refused (files missing or not compiling, functions not implemented); the message lists why. */
export class SubmitError extends Error {}


export interface SubmitOptions {
  root?: string;
  assignment?: string;
  /** Where to write the zip (default <kit>/submission.zip). */
  out?: string;
  /** The student's name, for metadata.json. */
  name?: string;
  /** Submit even though some functions are not implemented (with a warning). */
  allowIncomplete?: boolean;
  /** The time written into metadata.json (default now). */
  now?: Date;
}

export interface SubmitResult {
  path: string;
  files: string[];
  bytes: number;
  /** "public tests: N/100 points". */
  summary: string;
  warnings: string[];
}

/** What metadata.json holds. */
export interface SubmissionMetadata {
  assignment: string;
  kitVersion: string;
  submittedAt: string;
  name?: string;
  files: { path: string; bytes: number; sha256: string }[];
  publicTests: { points: number; maxPoints: number; failed: string[]; notImplemented: string[] };
}

/** Move an earlier zip at `path` out of the way; returns the sentence saying so, or "" if there was none. */
function retireOld(path: string): string {
  if (!existsSync(path)) return "";
  const moved = `${path}.previous`;
  renameSync(path, moved);
  return `\n  The earlier ${basename(path)} was renamed to ${basename(moved)}, so that it is not uploaded by mistake.`;
}

/** Build the submission zip (see the file comment); throws SubmitError when it refuses. */
export async function buildSubmission(opts: SubmitOptions = {}): Promise<SubmitResult> {
  const root = opts.root ?? kitRoot();
  const manifest = loadManifest(root, opts.assignment);
  const path = resolve(opts.out ?? join(root, "submission.zip"));
  const problems = compileProblems(root, manifest);
  if (problems.length > 0) {
    throw new SubmitError(`not submitted:\n${problems.map((p) => `  ✗ ${p}`).join("\n")}${retireOld(path)}`);
  }
  const check = await runCheck({ root, assignment: manifest.assignment, color: false });
  if (!check.result) throw new SubmitError(`not submitted: the public tests could not run:\n  ${check.lines.join("\n  ")}${retireOld(path)}`);
  const result = check.result;
  const stubs = notImplemented(result);
  const warnings: string[] = [];
  if (stubs.length > 0) {
    const list = stubs.join(", ");
    if (!opts.allowIncomplete) {
      throw new SubmitError(
        `not submitted: ${stubs.length} function(s) still throw "not implemented yet": ${list}.\n` +
          `  Implement them (see ${manifest.handout}), or submit what you have with --allow-incomplete (they get 0 points).${retireOld(path)}`,
      );
    }
    warnings.push(`submitted with ${stubs.length} function(s) not implemented (0 points for them): ${list}`);
  }
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version?: string };
  const zip = new JSZip();
  const meta: SubmissionMetadata = {
    assignment: manifest.assignment,
    kitVersion: pkg.version ?? "unknown",
    submittedAt: (opts.now ?? new Date()).toISOString(),
    ...(opts.name ? { name: opts.name } : {}),
    files: [],
    publicTests: {
      points: result.score,
      maxPoints: result.maxScore,
      failed: result.tests.filter((t) => !t.passed).map((t) => t.id),
      notImplemented: stubs,
    },
  };
  for (const file of manifest.files) {
    const data = readFileSync(join(root, file));
    zip.file(file, data, { date: ZIP_DATE, createFolders: false });
    meta.files.push({ path: file, bytes: data.length, sha256: createHash("sha256").update(data).digest("hex") });
  }
  zip.file("metadata.json", `${JSON.stringify(meta, null, 2)}\n`, { date: ZIP_DATE });
  const bytes = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", platform: "UNIX" });
  new OutDir(dirname(path)).write(basename(path), bytes);
  return { path, files: manifest.files, bytes: bytes.length, summary: `public tests: ${result.score}/${result.maxScore} points`, warnings };
}
