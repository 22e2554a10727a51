/**
 * `nnkit gradescope a6 --out DIR`: builds DIR/autograder.zip for Gradescope. At its root:
 * setup.sh (installs a pinned Node 24 LTS, checked by SHA-256, then esbuild and vitest, on Gradescope's
 * Ubuntu image), run_autograder, grader.mjs (the grader bundled into one file), the assignment's
 * folder with its public and hidden vitest files and the sources they import (testTree),
 * sandbox-base/ (the stripped kit the sandbox child runs, prebuilt), reference/ (the reference
 * solution's files, which the grader grades in the sandbox before each submission: the
 * self-check), gradescope.json (the assignment, the hidden tests' visibility) and a minimal
 * package.json.
 * run_autograder grades $NNKIT_AUTOGRADER_ROOT/submission (default /autograder) into
 * results/results.json.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import JSZip from "jszip";
import { buildSandboxBase, listFiles } from "./sandbox/build.js";
import { InputError } from "./errors.js";
import { kitRoot, loadManifest } from "./manifest.js";
import { DEFAULT_HIDDEN_VISIBILITY, VISIBILITIES } from "./report/gradescope.js";
import { OutDir } from "./outdir.js";
import { ZIP_DATE } from "./zipfile.js";
import { autograderFiles } from "./release.js";


/** The Node release setup.sh installs on Gradescope, and the SHA-256 of its linux-x64 tarball as nodejs.org's SHASUMS256.txt lists it. */
export const NODE_RELEASE = { version: "24.11.1", sha256: "60e3b0a8500819514aca603487c254298cd776de0698d3cd08f11dba5b8289a8" } as const;

/**
 * Gradescope's setup.sh for the Node release `node` (version, SHA-256 of node-v<version>-linux-x64.tar.xz):
 * it downloads that exact tarball, refuses it unless its SHA-256 is the pinned one, unpacks it into
 * $NNKIT_NODE_PREFIX (default /usr/local) and installs esbuild and vitest. NNKIT_NODE_DIST (default
 * https://nodejs.org/dist) and NNKIT_AUTOGRADER_ROOT move the download and the layout, e.g. for a
 * local test; neither can change what is accepted.
 */
export function setupScript(node: { version: string; sha256: string } = NODE_RELEASE): string {
  return `#!/usr/bin/env bash
# Gradescope setup: Node ${node.version} from the official linux-x64 tarball, refused unless its SHA-256 is the
# pinned one, then esbuild and vitest (the runtime dependencies not bundled).
set -euo pipefail
NODE_VERSION="${node.version}"
NODE_SHA256="${node.sha256}"
DIST="\${NNKIT_NODE_DIST:-https://nodejs.org/dist}"
PREFIX="\${NNKIT_NODE_PREFIX:-/usr/local}"
ROOT="\${NNKIT_AUTOGRADER_ROOT:-/autograder}"
if [ "$(uname -m)" != "x86_64" ]; then
  echo "setup.sh: this machine is $(uname -m); the pinned Node tarball is for x86_64 (linux-x64)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y ca-certificates curl xz-utils util-linux
TARBALL="node-v\${NODE_VERSION}-linux-x64.tar.xz"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
curl -fsSL --retry 3 -o "$WORK/$TARBALL" "$DIST/v\${NODE_VERSION}/$TARBALL"
if ! echo "$NODE_SHA256  $WORK/$TARBALL" | sha256sum --check --status; then
  echo "setup.sh: $TARBALL from $DIST does not have the pinned SHA-256 $NODE_SHA256 (got $(sha256sum "$WORK/$TARBALL" | cut -d' ' -f1)); nothing was installed" >&2
  exit 1
fi
mkdir -p "$PREFIX"
tar -xJf "$WORK/$TARBALL" -C "$PREFIX" --strip-components=1 --no-same-owner
if [ "$("$PREFIX/bin/node" --version)" != "v\${NODE_VERSION}" ]; then
  echo "setup.sh: $PREFIX/bin/node is not Node v\${NODE_VERSION} after unpacking $TARBALL" >&2
  exit 1
fi
cd "$ROOT/source"
PATH="$PREFIX/bin:$PATH" npm install --omit=dev --no-audit --no-fund
`;
}

export const SETUP_SH = setupScript();

export const RUN_AUTOGRADER = `#!/usr/bin/env bash
# Gradescope runs this from /autograder. NNKIT_AUTOGRADER_ROOT moves the whole layout
# (submission/, results/, source/) elsewhere, e.g. for a local end-to-end test.
set -euo pipefail
ROOT="\${NNKIT_AUTOGRADER_ROOT:-/autograder}"
export NNKIT_AUTOGRADER_ROOT="$ROOT"
mkdir -p "$ROOT/results"
cd "$ROOT"
exec node "$ROOT/source/grader.mjs"
`;

function entryPoint(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const name of ["gradescope-run.ts", "gradescope-run.js"]) if (existsSync(join(here, name))) return join(here, name);
  throw new Error(`gradescope: gradescope-run.ts is missing next to ${here}`);
}

/**
 * What the tests need in the package, as a kit root: the assignment's folder (manifest, handout,
 * public and hidden tests, case builders; not a recorded-values file), the API they import and the
 * library's sources (the reference the cases are computed with).
 */
export function testTree(root: string, assignment: string): string[] {
  const own = listFiles(join(root, "assignments", assignment))
    .filter((f) => f !== "recorded.json" && !f.split("/").includes("node_modules"))
    .map((f) => `assignments/${assignment}/${f}`);
  const lib = listFiles(join(root, "src"))
    .filter((f) => f.endsWith(".ts") && !/^(browser|notebook|engine\/assembly)\//.test(f))
    .map((f) => `src/${f}`);
  return [...own, ...autograderFiles(root, ["autograder/testing/index.ts"]), ...lib].sort();
}

/** Build autograder.zip into `out`; returns its path. */
export async function buildGradescopePackage(opts: { out: string; assignment?: string; root?: string; hiddenVisibility?: string }): Promise<string> {
  const root = opts.root ?? kitRoot();
  const manifest = loadManifest(root, opts.assignment);
  const hiddenVisibility = opts.hiddenVisibility ?? DEFAULT_HIDDEN_VISIBILITY;
  if (!(VISIBILITIES as readonly string[]).includes(hiddenVisibility)) {
    throw new InputError(`--hidden-visibility must be one of ${VISIBILITIES.join(", ")}, got "${hiddenVisibility}"`);
  }
  const work = mkdtempSync(join(tmpdir(), "nnkit-gradescope-"));
  try {
    const bundle = join(work, "grader.mjs");
    await build({
      entryPoints: [entryPoint()],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile: bundle,
      external: ["esbuild", "vitest", "vitest/*"],
      banner: { js: "import { createRequire as __nnkitRequire } from 'node:module'; const require = __nnkitRequire(import.meta.url);" },
      logLevel: "error",
    });
    const base = join(work, "sandbox-base");
    buildSandboxBase(root, base);
    const version = (name: string): string => (JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
    const zip = new JSZip();
    const add = (name: string, content: string | Buffer, executable = false): void => {
      zip.file(name, content, { date: ZIP_DATE, unixPermissions: executable ? 0o755 : 0o644, createFolders: false });
    };
    add("setup.sh", SETUP_SH, true);
    add("run_autograder", RUN_AUTOGRADER, true);
    add("grader.mjs", readFileSync(bundle));
    const pkg = { name: "nnkit-autograder", private: true, type: "module", dependencies: { esbuild: version("esbuild"), vitest: version("vitest") }, overrides: { vite: version("vite") } };
    add("package.json", `${JSON.stringify(pkg, null, 2)}\n`);
    for (const rel of testTree(root, manifest.assignment)) add(rel, readFileSync(join(root, rel)));
    for (const file of manifest.files) add(`reference/${file}`, readFileSync(join(root, file)));
    add("gradescope.json", `${JSON.stringify({ hiddenVisibility, assignment: manifest.assignment }, null, 2)}\n`);
    for (const rel of listFiles(base)) add(`sandbox-base/${rel}`, readFileSync(join(base, rel)));
    const bytes = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", platform: "UNIX" });
    const out = new OutDir(opts.out);
    out.write("autograder.zip", bytes);
    return out.path("autograder.zip");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
