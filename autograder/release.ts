/**
 * The student release: the kit (src/, package files, tsconfig, the assignment's handout, manifest
 * and public tests, the check/submit part of the autograder) with every solution region in every
 * file replaced by a "not implemented yet" error, as a folder and as a zip. Hidden tests, sample
 * submissions and the grading code are left out. After writing, the release is scanned: any
 * marker or any line of a solution region found in it aborts the release.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import JSZip from "jszip";
import { listFiles } from "./sandbox/build.js";
import { loadManifest, kitRoot } from "./manifest.js";
import { OutDir } from "./outdir.js";
import { hasSolutionMarkers, stripSolutions, type SolutionRegion } from "./strip.js";

/** Autograder files students get: what `nnkit check` and `nnkit submit` and the public tests need. */
export const RELEASED_AUTOGRADER = [
  "autograder/commands.ts",
  "autograder/check.ts",
  "autograder/submit.ts",
  "autograder/compare.ts",
  "autograder/mistakes.ts",
  "autograder/manifest.ts",
  "autograder/outdir.ts",
  "autograder/strip.ts",
  "autograder/sandbox/build.ts",
  "autograder/sandbox/child.ts",
];

const TOP_FILES = ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", ".gitignore"];
const TEXT = /\.(ts|js|mjs|cjs|as|json|md|txt|ipynb|html|css|yml|yaml)$/;
/** Fixed entry date in the zip so the same kit gives the same bytes. */
const ZIP_DATE = new Date("2000-01-01T00:00:00Z");

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

/**
 * The release's package.json: `prepare` only builds (the self-link is for the notebooks, which are not
 * shipped), `npm test` runs the public tests, and every script that runs a file the release does not
 * ship (the benchmarks, the grading code) is dropped, so that `npm install` works from the release alone.
 */
export function releasePackageJson(text: string, shipped: ReadonlySet<string>): string {
  const pkg = JSON.parse(text) as { scripts?: Record<string, string> };
  const scripts: Record<string, string> = {
    ...pkg.scripts,
    prepare: "npm run build",
    test: "node dist/src/cli.js check",
    check: "node dist/src/cli.js check",
    submit: "node dist/src/cli.js submit",
  };
  delete scripts.pretest;
  for (const [name, command] of Object.entries(scripts)) {
    const missing = scriptFiles(command).some((f) => !shipped.has(f));
    if (missing) delete scripts[name];
  }
  pkg.scripts = scripts;
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** Project files a script command runs or reads ("node dist/bench/index.js" → bench/index.ts). */
export function scriptFiles(command: string): string[] {
  const paths = command.match(/(?<=^|[\s=])(?:\.\/)?[\w.-]+(?:\/[\w.-]+)*\.(?:m?js|ts|json)\b/g) ?? [];
  return paths.map((p) => p.replace(/^\.\//, "")).map((p) => (p.startsWith("dist/") ? p.slice(5).replace(/\.js$/, ".ts") : p));
}

function studentReadme(title: string, handout: string): string {
  return `# ${title}

This is the student release of nnkit. The assignment is in [${handout}](${handout}).

\`\`\`sh
npm install          # once
npm run check        # the public tests, in seconds
npm run submit       # writes submission.zip with exactly the files to hand in
\`\`\`
`;
}

/** Build the release of `assignment` into `out` (must be empty or absent) plus `out`.zip. */
export async function buildRelease(opts: { out: string; assignment?: string; root?: string }): Promise<ReleaseResult> {
  const root = opts.root ?? kitRoot();
  const manifest = loadManifest(root, opts.assignment ?? "a6");
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
      .map((f) => `src/${f}`),
    ...listFiles(join(root, "assignments", manifest.assignment))
      .filter((f) => !f.split("/").some((seg) => seg === "node_modules" || seg.startsWith(".")))
      .map((f) => `assignments/${manifest.assignment}/${f}`),
    ...RELEASED_AUTOGRADER,
    ...TOP_FILES.filter((f) => existsSync(join(root, f))),
  ];
  const regions: SolutionRegion[] = [];
  const zip = new JSZip();
  const written: string[] = [];
  const put = (rel: string, content: Buffer | string): void => {
    out.write(rel, content);
    zip.file(rel, content, { date: ZIP_DATE, createFolders: false });
    written.push(rel);
  };
  for (const rel of sources.sort()) {
    let content: Buffer | string = readFileSync(join(root, rel));
    if (TEXT.test(rel)) {
      let text = content.toString("utf8");
      if (hasSolutionMarkers(text)) {
        const stripped = stripSolutions(text, rel, manifest.handout);
        regions.push(...stripped.regions);
        text = stripped.text;
      }
      if (rel === "package.json") text = releasePackageJson(text, new Set(sources));
      content = text;
    }
    put(rel, content);
  }
  put("README.md", studentReadme(manifest.title, manifest.handout));
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
