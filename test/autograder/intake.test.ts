/**
 * Reading a TA's input: single submissions, folders of them, Canvas, Moodle and Gradescope bulk
 * downloads (every upload one submission, with the reason when it cannot be graded), and the zip
 * guards (path traversal and absolute names, also with backslashes, symlinks, zip bombs, entry
 * count, nesting depth).
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { basename, dirname, join } from "node:path";
import { create as tarCreate, Header } from "tar";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { findSubmissions, InputError } from "../../autograder/intake.js";
import { loadManifest } from "../../autograder/manifest.js";
import { isTarball, readTar } from "../../autograder/targuard.js";
import { readZip, unsafeName, ZipRejected, DEFAULT_ZIP_LIMITS } from "../../autograder/zipguard.js";
import { ROOT, tempDir } from "./helpers.js";

const manifest = loadManifest(ROOT);
const dir = tempDir("intake");
const src = (name: string): string => `// ${name}\nexport const who = ${JSON.stringify(name)};\n`;

async function zipOf(entries: Record<string, string | Buffer>, opts: { symlink?: string } = {}): Promise<Buffer> {
  const z = new JSZip();
  for (const [k, v] of Object.entries(entries)) z.file(k, v);
  if (opts.symlink) z.file(opts.symlink, "/etc/passwd", { unixPermissions: 0o120777 });
  return z.generateAsync({ type: "nodebuffer", compression: "DEFLATE", platform: "UNIX" });
}

const fullSubmission = (tag: string): Record<string, string> =>
  Object.fromEntries(manifest.files.map((f) => [f, src(`${tag} ${f}`)]));

describe("single submissions and folders of them", () => {
  it("a zip made by `nnkit submit` is one submission with every file", async () => {
    const p = join(dir, "alice.zip");
    writeFileSync(p, await zipOf({ ...fullSubmission("alice"), "metadata.json": "{}" }));
    const { submissions, platform } = await findSubmissions(p, manifest);
    expect(platform).toBe("single");
    expect(submissions).toHaveLength(1);
    expect(submissions[0].id).toBe("alice");
    expect([...submissions[0].files.keys()].sort()).toEqual([...manifest.files].sort());
  });

  it("a folder of submissions: zips and folders, files found by path or by name, unreadable ones kept with the reason", async () => {
    const root = join(dir, "class");
    mkdirSync(join(root, "bob", "nnkit", "src", "layers"), { recursive: true });
    writeFileSync(join(root, "bob", "nnkit", "src", "layers", "linear.ts"), src("bob linear"));
    writeFileSync(join(root, "carol.zip"), await zipOf({ "linear.ts": src("carol linear"), "relu.ts": src("carol relu") }));
    writeFileSync(join(root, "dave.zip"), "this is not a zip");
    const { submissions } = await findSubmissions(root, manifest);
    expect(submissions.map((s) => s.id)).toEqual(["bob", "carol", "dave"]);
    expect(submissions[0].files.get("src/layers/linear.ts")?.toString()).toContain("bob linear");
    expect(submissions[1].files.get("src/layers/relu.ts")?.toString()).toContain("carol relu");
    expect(submissions[2].error).toMatch(/refused: not a zip archive/);
  });

  it("the name `nnkit submit --name` wrote into metadata.json fills the gradebook's name column; none, or not a string, leaves it empty", async () => {
    const d = join(dir, "named");
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "bob.zip"), await zipOf({ ...fullSubmission("bob"), "metadata.json": JSON.stringify({ assignment: "a6", name: "  Bob\tBuilder\n" }) }));
    writeFileSync(join(d, "carol.zip"), await zipOf({ ...fullSubmission("carol"), "metadata.json": JSON.stringify({ name: 42 }) }));
    writeFileSync(join(d, "dave.zip"), await zipOf({ ...fullSubmission("dave"), "metadata.json": "not json" }));
    const { submissions } = await findSubmissions(d, manifest);
    expect(submissions.map((x) => [x.student, x.name])).toEqual([["bob", "Bob Builder"], ["carol", ""], ["dave", ""]]);
    const { gradebookCsv } = await import("../../autograder/report/gradebook.js");
    const rows = gradebookCsv(submissions.map((x) => ({ ...x, status: "graded" as const, score: 0, maxScore: 100, tests: [], printed: "" })), { ...manifest, tests: [] }).split("\r\n");
    expect(rows[1].split(",").slice(0, 2)).toEqual(["bob", "Bob Builder"]);
  });

  it("INPUT that does not exist or is not a zip/folder is an input error", async () => {
    await expect(findSubmissions(join(dir, "nope"), manifest)).rejects.toBeInstanceOf(InputError);
    writeFileSync(join(dir, "x.txt"), "x");
    await expect(findSubmissions(join(dir, "x.txt"), manifest)).rejects.toThrow(/x\.txt must be a folder, a \.zip or a tarball \(\.tar, \.tar\.gz, \.tgz\)$/);
  });
});

describe("course platforms", () => {
  it("Canvas submissions.zip: every entry of one user id is one submission (loose files, zips, -N resubmissions, _late)", async () => {
    const loose = Object.fromEntries(manifest.files.map((f, k) => [`lovelaceada_late_103_${7001 + k}_${basename(f)}`, src(`ada ${f}`)]));
    const bulk = await zipOf({
      "smithjohn_101_4000_submission.zip": await zipOf(fullSubmission("john old")),
      "smithjohn_101_5001_submission.zip": await zipOf(fullSubmission("john new")),
      "doejane_102_5002_linear.ts": src("jane linear v0"),
      "doejane_102_5003_linear-1.ts": src("jane linear v1"),
      "doejane_102_5004_relu.ts": src("jane relu"),
      ...loose,
    });
    const p = join(dir, "submissions.zip");
    writeFileSync(p, bulk);
    const { submissions, platform } = await findSubmissions(p, manifest);
    expect(platform).toBe("canvas");
    expect(submissions.map((s) => [s.id, s.student, s.name, s.late])).toEqual([
      ["doejane_102", "102", "doejane", false],
      ["lovelaceada_103", "103", "lovelaceada", true],
      ["smithjohn_101", "101", "smithjohn", false],
    ]);
    const [jane, ada, john] = submissions;
    expect(ada.error).toBeUndefined();
    expect([...ada.files.keys()].sort()).toEqual([...manifest.files].sort());
    for (const f of manifest.files) expect(ada.files.get(f)?.toString()).toContain(`ada ${f}`);
    expect(ada.source).toBe("lovelaceada_late_103_7001_linear.ts, lovelaceada_late_103_7002_relu.ts, lovelaceada_late_103_7003_sigmoid.ts (+4 more)");
    expect(jane.files.get("src/layers/linear.ts")?.toString()).toContain("jane linear v1");
    expect(jane.files.get("src/layers/relu.ts")?.toString()).toContain("jane relu");
    expect(jane.notes).toContain("src/layers/linear.ts: 2 candidates (doejane_102_5002_linear.ts, doejane_102_5003_linear-1.ts), took doejane_102_5003_linear-1.ts (the latest upload)");
    expect(john.files.get("src/losses.ts")?.toString()).toContain("john new");
    expect(john.notes).toContain("src/losses.ts: 2 candidates (smithjohn_101_4000_submission.zip: src/losses.ts, smithjohn_101_5001_submission.zip: src/losses.ts), took smithjohn_101_5001_submission.zip: src/losses.ts (the latest upload)");
  });

  it("every upload gets exactly one submission: a PDF, an image, an empty file, a tarball, an unreadable archive", async () => {
    const root = join(dir, "canvas-odd");
    mkdirSync(join(root, "tarred", "src", "layers"), { recursive: true });
    for (const f of manifest.files) {
      mkdirSync(join(root, "tarred", dirname(f)), { recursive: true });
      writeFileSync(join(root, "tarred", f), src(`bob ${f}`));
    }
    const tgz = join(root, "adamsbob_201_9001_submission.tar.gz");
    tarCreate({ gzip: true, file: tgz, cwd: join(root, "tarred"), sync: true, portable: true }, ["src"]);
    rmSync(join(root, "tarred"), { recursive: true });
    writeFileSync(join(root, "curiemarie_202_9002_report.pdf"), "%PDF-1.7 not code");
    writeFileSync(join(root, "darwincharles_203_9003_screenshot.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    writeFileSync(join(root, "eulerleonhard_204_9004_submission.zip"), "");
    writeFileSync(join(root, "faradaymichael_205_9005_submission.rar"), "Rar!");
    writeFileSync(join(root, "gaussfriedrich_206_9006_submission.tgz"), "not a tarball at all, just text");
    writeFileSync(join(root, "hoppergrace_207_9008_report.pdf"), "%PDF");
    writeFileSync(join(root, "hoppergrace_207_9007_linear.ts"), src("grace linear"));
    const { submissions, platform } = await findSubmissions(root, manifest);
    expect(platform).toBe("canvas");
    const by = Object.fromEntries(submissions.map((s) => [s.student, s]));
    expect(Object.keys(by).sort()).toEqual(["201", "202", "203", "204", "205", "206", "207"]);
    expect(by["201"].error).toBeUndefined();
    expect(by["201"].files.get("src/losses.ts")?.toString()).toContain("bob src/losses.ts");
    expect(by["202"]).toMatchObject({ error: "none of the assignment's files (linear.ts, relu.ts, sigmoid.ts, conv2d.ts, maxpool2d.ts, batchnorm.ts, losses.ts) were found; the upload holds report.pdf (a PDF document)", category: "uploaded no file of the assignment" });
    expect(by["203"].error).toMatch(/the upload holds screenshot\.png \(an image\)$/);
    expect(by["204"]).toMatchObject({ error: "every file of the upload is empty: submission.zip (an empty file)", category: "uploaded only empty files" });
    expect(by["205"].error).toMatch(/submission\.rar \(an archive format the grader does not open \(upload a \.zip, as npm run submit makes\)\)$/);
    expect(by["206"]).toMatchObject({ error: "the tarball was refused: not a readable tar archive (Unrecognized archive format)", category: "uploaded an archive that cannot be read" });
    expect(by["207"].error).toBeUndefined();
    expect(by["207"].files.get("src/layers/linear.ts")?.toString()).toContain("grace linear");
    expect(by["207"].notes).toContain("not graded (not files of the assignment): report.pdf (a PDF document)");
  });

  it("Moodle download-all: flat files, per-student folders, blind marking (Participant_<id>)", async () => {
    const root = join(dir, "moodle");
    mkdirSync(join(root, "John Smith_202_assignsubmission_file_", "src", "layers"), { recursive: true });
    writeFileSync(join(root, "John Smith_202_assignsubmission_file_", "src", "layers", "linear.ts"), src("john linear"));
    writeFileSync(join(root, "Jane Doe_201_assignsubmission_file_submission.zip"), await zipOf(fullSubmission("jane")));
    writeFileSync(join(root, "Participant_303_assignsubmission_file_relu.ts"), src("blind relu"));
    writeFileSync(join(root, "Participant_303_assignsubmission_file_linear.ts"), src("blind linear"));
    writeFileSync(join(root, "Participant_303_assignsubmission_onlinetext_onlinetext.html"), "<p>hi</p>");
    const { submissions, platform } = await findSubmissions(root, manifest);
    expect(platform).toBe("moodle");
    expect(submissions.map((s) => [s.id, s.student, s.name])).toEqual([
      ["Jane_Doe_201", "201", "Jane Doe"],
      ["John_Smith_202", "202", "John Smith"],
      ["Participant_303", "303", ""],
    ]);
    expect(submissions[1].files.get("src/layers/linear.ts")?.toString()).toContain("john linear");
    expect([...submissions[2].files.keys()].sort()).toEqual(["src/layers/linear.ts", "src/layers/relu.ts"]);
    expect(submissions[2].notes).toContain("not graded (not files of the assignment): onlinetext.html (a web page or text entry)");
  });

  it("Gradescope's export: names and ids from submission_metadata.yml, one submission per folder", async () => {
    const root = join(dir, "gradescope-export");
    const top = join(root, "assignment_1234_export");
    mkdirSync(join(top, "submission_111", "src", "layers"), { recursive: true });
    writeFileSync(join(top, "submission_111", "src", "layers", "linear.ts"), src("ada linear"));
    mkdirSync(join(top, "submission_222"), { recursive: true });
    writeFileSync(join(top, "submission_222", "relu.ts"), src("pair relu"));
    mkdirSync(join(top, "submission_333"), { recursive: true });
    writeFileSync(join(top, "submission_333", "answers.pdf"), "%PDF");
    writeFileSync(
      join(top, "submission_metadata.yml"),
      [
        "submission_111:",
        "  :submitters:",
        "  - :name: Ada Lovelace",
        "    :sid: '1815'",
        "    :email: ada@example.edu",
        "  :created_at: 2026-03-01 12:00:00.000000000 -08:00",
        "  :score: 0.0",
        "submission_222:",
        "  :submitters:",
        "  - :name: Pair One",
        "    :sid: '200'",
        "  - :name: Pair Two",
        "    :sid: '201'",
        "submission_333:",
        "  :submitters:",
        "  - :name: Only Pdf",
        "    :email: pdf@example.edu",
        "",
      ].join("\n"),
    );
    const { submissions, platform } = await findSubmissions(root, manifest);
    expect(platform).toBe("gradescope");
    expect(submissions.map((s) => [s.id, s.student, s.name, s.email])).toEqual([
      ["Ada_Lovelace_1815", "1815", "Ada Lovelace", "ada@example.edu"],
      ["Only_Pdf_pdf_example.edu", "pdf@example.edu", "Only Pdf", "pdf@example.edu"],
      ["Pair_One_Pair_Two_200", "200", "Pair One, Pair Two", undefined],
    ]);
    expect(submissions[0].files.get("src/layers/linear.ts")?.toString()).toContain("ada linear");
    expect(submissions[1].error).toMatch(/the upload holds answers\.pdf \(a PDF document\)$/);
    expect(submissions[2].files.get("src/layers/relu.ts")?.toString()).toContain("pair relu");
  });
});

describe("zip guards", () => {
  const all = (): boolean => true;

  it("names that are absolute or climb out are refused, also with backslashes as separators", async () => {
    expect(unsafeName("../../etc/passwd")).toMatch(/climbs out/);
    expect(unsafeName("/etc/passwd")).toMatch(/absolute/);
    expect(unsafeName("C:/x.ts")).toMatch(/absolute/);
    expect(unsafeName("..\\..\\etc\\passwd")).toMatch(/climbs out/);
    expect(unsafeName("C:\\x.ts")).toMatch(/absolute/);
    expect(unsafeName("\\abs\\x.ts")).toMatch(/absolute/);
    expect(unsafeName("src\\layers\\linear.ts")).toBeUndefined();
    for (const name of ["../evil.ts", "/abs/evil.ts", "src\\..\\..\\evil.ts"]) {
      await expect(readZip(await zipOf({ [name]: "x" }), all), name).rejects.toBeInstanceOf(ZipRejected);
    }
  });

  it("symlink entries are skipped, never followed", async () => {
    const skipped: string[] = [];
    const files = await readZip(await zipOf({ "linear.ts": "x" }, { symlink: "relu.ts" }), all, DEFAULT_ZIP_LIMITS, skipped);
    expect(files.map((f) => f.path)).toEqual(["linear.ts"]);
    expect(skipped).toEqual(["relu.ts (a symbolic link)"]);
  });

  it("a zip bomb is stopped while inflating (per entry and in total), whatever the header says", async () => {
    const bomb = await zipOf({ "linear.ts": Buffer.alloc(8 << 20, 0x20) });
    expect(bomb.length).toBeLessThan(64 << 10);
    await expect(readZip(bomb, all)).rejects.toThrow(/inflates to more than 2048 KiB/);
    const many = await zipOf({ "a.ts": Buffer.alloc(1 << 20, 0x20), "b.ts": Buffer.alloc(1 << 20, 0x20) });
    await expect(readZip(many, all, { ...DEFAULT_ZIP_LIMITS, totalBytes: 1.5 * (1 << 20) })).rejects.toThrow("the submission unpacks to more than 1 MiB in all its archives together");
  });

  it("the entry count is read from the central directory before parsing", async () => {
    const z = await zipOf(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}.ts`, "x"])));
    await expect(readZip(z, all, { ...DEFAULT_ZIP_LIMITS, entries: 10 })).rejects.toThrow("the submission has 30 entries in all its archives together (at most 10)");
  });

  it("tarballs get the same guards: names that climb out, links, bombs, entry count", async () => {
    const t = join(dir, "tar-guards");
    mkdirSync(join(t, "src"), { recursive: true });
    writeFileSync(join(t, "src", "linear.ts"), "x");
    writeFileSync(join(t, "big.ts"), Buffer.alloc(3 << 20, 0x20));
    symlinkSync("/etc/passwd", join(t, "relu.ts"));
    const make = (files: string[], opts: { gzip?: boolean; preservePaths?: boolean } = {}): Buffer => {
      const file = join(t, `t${files.length}-${opts.gzip ? "z" : "p"}.tar`);
      tarCreate({ file, cwd: t, sync: true, portable: true, ...opts }, files);
      return readFileSync(file);
    };
    const skipped: string[] = [];
    const got = await readTar(make(["src", "relu.ts"], { gzip: true }), all, DEFAULT_ZIP_LIMITS, skipped);
    expect(got.map((f) => f.path)).toEqual(["src/linear.ts"]);
    expect(skipped).toEqual(["relu.ts (a link)"]);
    await expect(readTar(make(["big.ts"]), all)).rejects.toThrow("entry big.ts unpacks to more than 2048 KiB");
    await expect(readTar(make(["src", "big.ts"], { gzip: true }), all, { ...DEFAULT_ZIP_LIMITS, entries: 2 })).rejects.toThrow("the submission has 3 entries in all its archives together (at most 2)");
    await expect(readTar(make([join(t, "src", "linear.ts")], { preservePaths: true }), all)).rejects.toThrow(/is an absolute path/);
    const header = Buffer.alloc(512);
    new Header({ path: "data.bin", size: 64 << 20, mode: 0o644, type: "File", mtime: new Date(0) }).encode(header, 0);
    const bomb = gzipSync(Buffer.concat([header, Buffer.alloc(64 << 20), Buffer.alloc(1024)]));
    await expect(readTar(bomb, () => false, { ...DEFAULT_ZIP_LIMITS, totalBytes: 16 << 20 })).rejects.toThrow("the submission unpacks to more than 16 MiB in all its archives together");
    await expect(readTar(gzipSync(Buffer.alloc(64 << 20)), all)).rejects.toThrow("not a readable tar archive");
    expect(isTarball("a.tgz") && isTarball("a.tar.gz") && isTarball("a.TAR") && !isTarball("a.gz")).toBe(true);
  });

  it("zips nested deeper than three levels are not opened", async () => {
    let inner = await zipOf({ "src/layers/linear.ts": src("deep") });
    for (let k = 0; k < 4; k++) inner = await zipOf({ [`level${k}.zip`]: inner });
    const p = join(dir, "nested.zip");
    writeFileSync(p, inner);
    const { submissions } = await findSubmissions(p, manifest);
    expect(submissions).toHaveLength(1);
    expect(submissions[0].error).toMatch(/none of the assignment's files/);
    expect(submissions[0].notes.join(" ")).toMatch(/archives nested more than 3 deep are not opened/);
  });
});
