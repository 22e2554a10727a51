/**
 * Gradescope's setup.sh installs one exact Node release and refuses a download whose SHA-256 is not
 * the pinned one. Run here against a stand-in release folder (file://) with a fake tarball, apt-get
 * stubbed out, Node unpacked into a temporary prefix: nothing outside the test's folder is touched.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NODE_RELEASE, SETUP_SH, setupScript } from "../../autograder/gradescope.js";
import { tempDir } from "./helpers.js";

const dir = tempDir("gs-setup");
const version = NODE_RELEASE.version;
const tarball = `node-v${version}-linux-x64.tar.xz`;

/** An executable shell script at `path`. */
function script(path: string, body: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, `#!/usr/bin/env bash\n${body}\n`);
  chmodSync(path, 0o755);
}

/** A stand-in release folder holding a tarball laid out like Node's (node and npm in bin/); returns its SHA-256. */
function fakeRelease(dist: string, log: string): string {
  const stage = join(dir, "stage");
  script(join(stage, `node-v${version}-linux-x64`, "bin", "node"), `echo v${version}`);
  script(join(stage, `node-v${version}-linux-x64`, "bin", "npm"), `echo "npm $* in $PWD" >> ${JSON.stringify(log)}`);
  mkdirSync(join(dist, `v${version}`), { recursive: true });
  const r = spawnSync("tar", ["-cJf", join(dist, `v${version}`, tarball), "-C", stage, `node-v${version}-linux-x64`]);
  expect(r.status, String(r.stderr)).toBe(0);
  return createHash("sha256").update(readFileSync(join(dist, `v${version}`, tarball))).digest("hex");
}

/** Run a setup.sh text in its own folder: apt-get stubbed, downloads from `dist`, Node into prefix/. */
function runSetup(name: string, text: string, dist: string): { code: number; err: string; prefix: string; root: string } {
  const work = join(dir, name);
  const fakeBin = join(work, "fakebin");
  script(join(fakeBin, "apt-get"), "exit 0");
  const root = join(work, "autograder");
  mkdirSync(join(root, "source"), { recursive: true });
  mkdirSync(join(work, "tmp"), { recursive: true });
  writeFileSync(join(work, "setup.sh"), text);
  const prefix = join(work, "prefix");
  const env = { ...process.env, PATH: `${fakeBin}:${process.env.PATH}`, TMPDIR: join(work, "tmp"), NNKIT_NODE_DIST: `file://${dist}`, NNKIT_NODE_PREFIX: prefix, NNKIT_AUTOGRADER_ROOT: root };
  const r = spawnSync("bash", [join(work, "setup.sh")], { env, encoding: "utf8", timeout: 60_000 });
  return { code: r.status ?? -1, err: r.stderr, prefix, root };
}

describe("setup.sh", () => {
  it("pins one Node release and its SHA-256, downloads the official tarball, pipes nothing into a shell", () => {
    expect(SETUP_SH).toContain(`NODE_VERSION="${version}"`);
    expect(SETUP_SH).toMatch(/^NODE_SHA256="[0-9a-f]{64}"$/m);
    expect(SETUP_SH).toContain(`NODE_SHA256="${NODE_RELEASE.sha256}"`);
    expect(SETUP_SH).toContain('DIST="${NNKIT_NODE_DIST:-https://nodejs.org/dist}"');
    expect(SETUP_SH).not.toMatch(/\|\s*(sudo\s+)?(ba)?sh\b/);
    expect(SETUP_SH).not.toContain("nodesource");
  });

  it("a tarball whose SHA-256 is not the pinned one is refused: exit 1, the reason, nothing installed, npm never run", () => {
    const dist = join(dir, "dist-wrong");
    const log = join(dir, "npm-wrong.log");
    const sha = fakeRelease(dist, log);
    const r = runSetup("wrong", SETUP_SH, dist);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`setup.sh: ${tarball} from file://${dist} does not have the pinned SHA-256 ${NODE_RELEASE.sha256} (got ${sha}); nothing was installed`);
    expect(existsSync(join(r.prefix, "bin", "node"))).toBe(false);
    expect(existsSync(log)).toBe(false);
    expect(readdirSync(join(dir, "wrong", "tmp"))).toEqual([]); // the download is removed too
  });

  it("the same script with the tarball's own SHA-256 installs it and runs npm install in source/", () => {
    const dist = join(dir, "dist-right");
    const log = join(dir, "npm-right.log");
    const sha = fakeRelease(dist, log);
    const r = runSetup("right", setupScript({ version, sha256: sha }), dist);
    expect(r.code, r.err).toBe(0);
    expect(existsSync(join(r.prefix, "bin", "node"))).toBe(true);
    expect(readFileSync(log, "utf8")).toBe(`npm install --omit=dev --no-audit --no-fund in ${join(r.root, "source")}\n`);
  });

  it("a download that fails stops setup.sh before anything is installed", () => {
    const r = runSetup("missing", SETUP_SH, join(dir, "no-such-dist"));
    expect(r.code).not.toBe(0);
    expect(existsSync(join(r.prefix, "bin", "node"))).toBe(false);
  });
});
