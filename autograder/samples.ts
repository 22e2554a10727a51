/**
 * The sample submissions of data/submissions/: each is the reference solution with a few edits
 * and/or hand-written files laid over it (see data/submissions/samples.json), so the samples never
 * drift from the reference. Used by the tests (which assert their scores) and the benchmark.
 *
 *   npx tsx autograder/samples.ts --out DIR    writes DIR/<sample>/ for every sample
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { listFiles } from "./sandbox/build.js";
import { kitRoot, loadManifest, type Manifest } from "./manifest.js";

/** One find → replace edit of a reference file (`find` must occur exactly once). */
export interface SampleEdit {
  file: string;
  find: string;
  replace: string;
}

export interface SampleSpec {
  name: string;
  description: string;
  expectedScore: number;
  edits?: SampleEdit[];
  /** Test id → text expected in its feedback ("" = only that it fails). */
  expectedFailures?: Record<string, string>;
}

/** The samples listed in data/submissions/samples.json. */
export function loadSamples(root = kitRoot()): SampleSpec[] {
  return (JSON.parse(readFileSync(join(root, "data", "submissions", "samples.json"), "utf8")) as { samples: SampleSpec[] }).samples;
}

/** Apply one edit to `text`; throws (naming the sample and file) unless `find` occurs exactly once. */
export function applyEdit(text: string, edit: SampleEdit, sample: string): string {
  const at = text.indexOf(edit.find);
  if (at < 0 || text.indexOf(edit.find, at + 1) >= 0) {
    throw new Error(`sample ${sample}: the text to replace in ${edit.file} occurs ${at < 0 ? "nowhere" : "more than once"}: ${JSON.stringify(edit.find.slice(0, 80))}`);
  }
  return text.slice(0, at) + edit.replace + text.slice(at + edit.find.length);
}

/** The files (manifest path → content) of one sample. */
export function sampleFiles(sample: SampleSpec, manifest: Manifest, root = kitRoot()): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of manifest.files) files.set(f, readFileSync(join(root, f), "utf8"));
  for (const edit of sample.edits ?? []) {
    const text = files.get(edit.file);
    if (text === undefined) throw new Error(`sample ${sample.name}: ${edit.file} is not a file of the assignment`);
    files.set(edit.file, applyEdit(text, edit, sample.name));
  }
  const own = join(root, "data", "submissions", sample.name);
  if (existsSync(own)) for (const rel of listFiles(own)) files.set(rel, readFileSync(join(own, rel), "utf8"));
  return files;
}

/** Write a sample as a submission folder (its files + metadata.json) into `dir`. */
export function writeSample(sample: SampleSpec, manifest: Manifest, dir: string, root = kitRoot()): void {
  for (const [rel, text] of sampleFiles(sample, manifest, root)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  writeFileSync(join(dir, "metadata.json"), `${JSON.stringify({ assignment: manifest.assignment, sample: sample.name }, null, 2)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf("--out");
  if (at < 0 || !process.argv[at + 1]) {
    process.stderr.write("usage: npx tsx autograder/samples.ts --out DIR\n");
    process.exit(2);
  }
  const root = kitRoot();
  const manifest = loadManifest(root);
  for (const s of loadSamples(root)) {
    writeSample(s, manifest, join(process.argv[at + 1], s.name), root);
    process.stdout.write(`${s.name}: ${s.description} (expected ${s.expectedScore} / 100)\n`);
  }
}
