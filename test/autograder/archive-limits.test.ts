/**
 * Limits that hold per submission, across every level of its archives, and class downloads of any
 * size read in bounded memory. Each intake runs in a child process whose peak memory (maxRSS) is
 * measured: a zip of three .tar.gz that unpack to 870 MiB in all, and a 1 GiB class download (a
 * sparse file: its gigabyte of zeros costs neither disk nor time).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { createGzip } from "node:zlib";
import { Header } from "tar";
import { describe, expect, it } from "vitest";
import { findSubmissions } from "../../autograder/intake.js";
import { loadManifest } from "../../autograder/manifest.js";
import { DEFAULT_ZIP_LIMITS } from "../../autograder/zipguard.js";
import { ROOT, tempDir } from "./helpers.js";
import { writeParts, zipBuffer, zipParts, type RawEntry } from "./zipwriter.js";

const manifest = loadManifest(ROOT);
const dir = tempDir("limits");
const src = (tag: string): Buffer => Buffer.from(`// ${tag}\nexport const who = ${JSON.stringify(tag)};\n`);
const fullSubmission = (tag: string): RawEntry[] => manifest.files.map((f) => ({ name: f, data: src(`${tag} ${f}`) }));

interface Row {
  id: string;
  student: string;
  error: string | null;
  files: string[];
}

/** findSubmissions over `input` in a child process: its rows and its peak resident memory in MiB. */
function intakeInChild(input: string): { platform: string; rows: Row[]; maxRssMiB: number } {
  const script = join(dir, "intake-child.mts");
  writeFileSync(
    script,
    [
      `import { findSubmissions } from ${JSON.stringify(join(ROOT, "autograder", "intake.js"))};`,
      `import { loadManifest } from ${JSON.stringify(join(ROOT, "autograder", "manifest.js"))};`,
      `const r = await findSubmissions(process.argv[2], loadManifest(${JSON.stringify(ROOT)}));`,
      "const rows = r.submissions.map((s) => ({ id: s.id, student: s.student, error: s.error ?? null, files: [...s.files.keys()].sort() }));",
      "console.log(JSON.stringify({ platform: r.platform, rows, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));",
    ].join("\n"),
  );
  const run = spawnSync(process.execPath, ["--import", "tsx", script, input], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  if (run.status !== 0) throw new Error(`the intake child failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { platform: string; rows: Row[]; maxRssMiB: number };
}

/** A .tar.gz holding one file of `size` zero bytes, gzipped as a stream (never held in memory). */
async function tarGzOfZeros(name: string, size: number): Promise<Buffer> {
  const header = Buffer.alloc(512);
  new Header({ path: name, size, mode: 0o644, type: "File", mtime: new Date(0) }).encode(header, 0);
  const zero = Buffer.alloc(1 << 20);
  function* tar(): Generator<Buffer> {
    yield header;
    for (let left = size; left > 0; left -= zero.length) yield zero.subarray(0, Math.min(left, zero.length));
    yield Buffer.alloc(1024 + ((512 - (size % 512)) % 512));
  }
  const out: Buffer[] = [];
  await pipeline(Readable.from(tar()), createGzip({ level: 9 }), new Writable({ write: (c: Buffer, _e, done) => (out.push(c), done()) }));
  return Buffer.concat(out);
}

describe("limits per submission, across all its archives", () => {
  it("a 0.9 MB zip of three .tar.gz that unpack to 870 MiB in all is refused, in bounded memory, and the class is read", async () => {
    const root = join(dir, "class");
    mkdirSync(root, { recursive: true });
    const tgz = await tarGzOfZeros("data.bin", 290 << 20);
    const evil = zipBuffer([
      { name: "one.tar.gz", data: tgz, stored: true },
      { name: "two.tar.gz", data: tgz, stored: true },
      { name: "three.tar.gz", data: tgz, stored: true },
      { name: "src/layers/linear.ts", data: src("evil linear") },
    ]);
    expect(evil.length).toBeLessThan(1_000_000);
    writeFileSync(join(root, "evil.zip"), evil);
    writeFileSync(join(root, "good.zip"), zipBuffer(fullSubmission("good")));
    const { rows, maxRssMiB } = intakeInChild(root);
    expect(rows.map((r) => [r.id, r.error])).toEqual([
      ["evil", "the tarball was refused: the submission unpacks to more than 300 MiB in all its archives together"],
      ["good", null],
    ]);
    expect(rows[1].files).toEqual([...manifest.files].sort());
    // Each tarball alone stays under 300 MiB: only counting all three together refuses it. Nothing is held: far below 300 MiB.
    expect(maxRssMiB).toBeLessThan(200);
  }, 120_000);

  it("entries are counted across levels: two zips of 3,000 entries each pass alone and fail together", async () => {
    const many = (tag: string): Buffer => zipBuffer(Array.from({ length: 3000 }, (_, i) => ({ name: `${tag}/f${i}.txt`, data: Buffer.from("x"), stored: true })));
    const root = join(dir, "entries");
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, "one.zip"), zipBuffer([{ name: "a.zip", data: many("a"), stored: true }, ...fullSubmission("one")]));
    writeFileSync(join(root, "two.zip"), zipBuffer([{ name: "a.zip", data: many("a"), stored: true }, { name: "b.zip", data: many("b"), stored: true }, ...fullSubmission("two")]));
    const { submissions } = await findSubmissions(root, manifest, { zipLimits: { ...DEFAULT_ZIP_LIMITS, entries: 5000 } });
    expect(submissions.map((r) => [r.id, r.error ?? null])).toEqual([
      ["one", null],
      ["two", "the zip was refused: the submission has 6010 entries in all its archives together (at most 5000)"],
    ]);
  }, 60_000);
});

describe("a class download of any size", () => {
  it("a 1 GiB Canvas download grades every student, read as a stream in bounded memory", () => {
    const blob = 1 << 30;
    // A student who zipped node_modules too: the zip holds their source and a gigabyte of zeros.
    const heavy = zipParts([
      { name: "src/layers/linear.ts", data: src("heavy linear") },
      { name: "node_modules/blob/blob.bin", data: [{ zeros: blob }] },
    ]);
    const entries: RawEntry[] = [
      { name: "heavyhank_301_9001_submission.zip", data: heavy },
      ...manifest.files.map((f, k) => ({ name: `lightlucy_302_${9100 + k}_${f.split("/").pop()}`, data: src(`lucy ${f}`) })),
      { name: "tinytom_303_9200_submission.zip", data: zipBuffer(fullSubmission("tom")) },
    ];
    const path = join(dir, "submissions.zip");
    const size = writeParts(path, zipParts(entries));
    expect(size).toBeGreaterThan(1 << 30);
    expect(statSync(path).blocks * 512).toBeLessThan(1 << 20);
    const { platform, rows, maxRssMiB } = intakeInChild(path);
    expect(platform).toBe("canvas");
    expect(rows.map((r) => [r.id, r.student, r.error])).toEqual([
      ["heavyhank_301", "301", null],
      ["lightlucy_302", "302", null],
      ["tinytom_303", "303", null],
    ]);
    expect(rows[0].files).toEqual(["src/layers/linear.ts"]);
    expect(rows[1].files).toEqual([...manifest.files].sort());
    expect(maxRssMiB).toBeLessThan(200);
  }, 120_000);

  it("a student who zipped node_modules too is graded: its files are listed, not read, and count only as entries", async () => {
    const modules: RawEntry[] = Array.from({ length: 8000 }, (_, i) => ({ name: `nnkit/node_modules/pkg${i % 40}/lib/f${i}.d.ts`, data: Buffer.from("export {};\n"), stored: true }));
    modules.push({ name: "nnkit/node_modules/typescript/lib/lib.huge.d.ts", data: Buffer.alloc(3 << 20, 0x20) });
    modules.push({ name: "nnkit/node_modules/pkg/bundle.zip", data: Buffer.from("not a zip") });
    const p = join(dir, "with-node-modules.zip");
    writeFileSync(p, zipBuffer([...fullSubmission("nm").map((e) => ({ ...e, name: `nnkit/${e.name}` })), ...modules]));
    const { submissions } = await findSubmissions(p, manifest);
    expect(submissions.map((r) => [r.id, r.error])).toEqual([["with-node-modules", undefined]]);
    expect([...submissions[0].files.keys()].sort()).toEqual([...manifest.files].sort());
  }, 60_000);

  it("a tarball stored in place is read only up to the archive limit, and a zip's central directory counts as bytes read", async () => {
    const tarDownload = join(dir, "tar-download.zip");
    writeParts(tarDownload, zipParts([
      { name: "bigtarbea_501_9001_submission.tar", data: [{ zeros: (200 << 20) + 1 }] },
      ...manifest.files.map((f, k) => ({ name: `finefred_502_${9100 + k}_${f.split("/").pop()}`, data: src(`fred ${f}`) })),
    ]));
    const { submissions } = await findSubmissions(tarDownload, manifest);
    expect(submissions.map((r) => [r.id, r.error])).toEqual([
      ["bigtarbea_501", "the tarball was refused: the archive is larger than 200 MiB"],
      ["finefred_502", undefined],
    ]);
    const longNames = zipBuffer(Array.from({ length: 2000 }, (_, i) => ({ name: `${"x".repeat(200)}/${i}.txt`, data: Buffer.from("x"), stored: true })));
    const p = join(dir, "long-names.zip");
    writeFileSync(p, zipBuffer([{ name: "inner.zip", data: longNames, stored: true }, ...fullSubmission("ln")]));
    const limited = await findSubmissions(p, manifest, { zipLimits: { ...DEFAULT_ZIP_LIMITS, totalBytes: 256 << 10 } });
    expect(limited.submissions[0].error).toBe("the zip was refused: the submission unpacks to more than 256 KiB in all its archives together");
    const ok = await findSubmissions(p, manifest, { zipLimits: { ...DEFAULT_ZIP_LIMITS, totalBytes: 1 << 20 } });
    expect(ok.submissions[0].error).toBeUndefined();
  }, 60_000);
});
