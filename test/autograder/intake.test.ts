/**
 * Reading a TA's input: single submissions, folders of them, Canvas and Moodle bulk downloads,
 * and the zip guards (path traversal, absolute and backslash names, symlinks, zip bombs, entry
 * count, nesting depth).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { findSubmissions, InputError } from "../../autograder/intake.js";
import { loadManifest } from "../../autograder/manifest.js";
import { declaredEntryCount, readZip, unsafeName, ZipRejected, DEFAULT_ZIP_LIMITS } from "../../autograder/zipguard.js";
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

  it("INPUT that does not exist or is not a zip/folder is an input error", async () => {
    await expect(findSubmissions(join(dir, "nope"), manifest)).rejects.toBeInstanceOf(InputError);
    writeFileSync(join(dir, "x.txt"), "x");
    await expect(findSubmissions(join(dir, "x.txt"), manifest)).rejects.toThrow(/must be a \.zip file or a folder/);
  });
});

describe("course platforms", () => {
  it("Canvas submissions.zip: ids from the names, the latest resubmission and submission kept", async () => {
    const bulk = await zipOf({
      "smithjohn_101_4000_submission.zip": await zipOf(fullSubmission("john old")),
      "smithjohn_101_5001_submission.zip": await zipOf(fullSubmission("john new")),
      "doejane_late_102_5002_linear.ts": src("jane linear v0"),
      "doejane_late_102_5002_linear-1.ts": src("jane linear v1"),
      "doejane_late_102_5002_relu.ts": src("jane relu"),
    });
    const p = join(dir, "submissions.zip");
    writeFileSync(p, bulk);
    const { submissions, platform } = await findSubmissions(p, manifest);
    expect(platform).toBe("canvas");
    expect(submissions.map((s) => [s.id, s.student, s.name])).toEqual([
      ["doejane_102", "102", "doejane"],
      ["smithjohn_101", "101", "smithjohn"],
    ]);
    const [jane, john] = submissions;
    expect(jane.files.get("src/layers/linear.ts")?.toString()).toContain("jane linear v1");
    expect(jane.files.get("src/layers/relu.ts")?.toString()).toContain("jane relu");
    expect(john.files.get("src/losses.ts")?.toString()).toContain("john new");
    expect(john.notes.join(" ")).toContain("older submission (4000) was ignored");
    expect(jane.notes).toContain("submitted late (the platform marked the file _late)");
    expect(john.notes.join(" ")).not.toContain("late");
  });

  it("Moodle download-all, flat files and per-student folders", async () => {
    const root = join(dir, "moodle");
    mkdirSync(join(root, "John Smith_202_assignsubmission_file_", "src", "layers"), { recursive: true });
    writeFileSync(join(root, "John Smith_202_assignsubmission_file_", "src", "layers", "linear.ts"), src("john linear"));
    writeFileSync(join(root, "Jane Doe_201_assignsubmission_file_submission.zip"), await zipOf(fullSubmission("jane")));
    const { submissions, platform } = await findSubmissions(root, manifest);
    expect(platform).toBe("moodle");
    expect(submissions.map((s) => [s.id, s.student, s.name])).toEqual([
      ["Jane_Doe_201", "201", "Jane Doe"],
      ["John_Smith_202", "202", "John Smith"],
    ]);
    expect(submissions[1].files.get("src/layers/linear.ts")?.toString()).toContain("john linear");
  });
});

describe("zip guards", () => {
  const all = (): boolean => true;

  it("names that are absolute, climb out or use backslashes are refused", async () => {
    expect(unsafeName("../../etc/passwd")).toMatch(/climbs out/);
    expect(unsafeName("/etc/passwd")).toMatch(/absolute/);
    expect(unsafeName("C:/x.ts")).toMatch(/absolute/);
    expect(unsafeName("src\\layers\\linear.ts")).toMatch(/backslash/);
    for (const name of ["../evil.ts", "/abs/evil.ts", "src\\evil.ts"]) {
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
    await expect(readZip(many, all, { ...DEFAULT_ZIP_LIMITS, totalBytes: 1.5 * (1 << 20) })).rejects.toThrow(/total size/);
  });

  it("the entry count is read from the central directory before parsing", async () => {
    const z = await zipOf(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}.ts`, "x"])));
    expect(declaredEntryCount(z)).toBe(30);
    await expect(readZip(z, all, { ...DEFAULT_ZIP_LIMITS, entries: 10 })).rejects.toThrow(/30 entries \(at most 10\)/);
  });

  it("zips nested deeper than three levels are not opened", async () => {
    let inner = await zipOf({ "src/layers/linear.ts": src("deep") });
    for (let k = 0; k < 4; k++) inner = await zipOf({ [`level${k}.zip`]: inner });
    const p = join(dir, "nested.zip");
    writeFileSync(p, inner);
    const { submissions } = await findSubmissions(p, manifest);
    expect(submissions).toHaveLength(1);
    expect(submissions[0].error).toMatch(/none of the assignment's files/);
    expect(submissions[0].notes.join(" ")).toMatch(/nested more than 3 deep/);
  });
});
