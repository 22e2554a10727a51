/**
 * What students really upload: names in the wrong case, zips made by Windows PowerShell
 * (backslashes), zips whose two lists of files disagree, zip64 archives, and one attempt split
 * over several uploads.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { findSubmissions } from "../../autograder/intake.js";
import { loadManifest } from "../../autograder/manifest.js";
import { ROOT, tempDir } from "./helpers.js";
import { zipBuffer, type RawEntry } from "./zipwriter.js";

const manifest = loadManifest(ROOT);
const dir = tempDir("student-archives");
const src = (tag: string): Buffer => Buffer.from(`// ${tag}\nexport const who = ${JSON.stringify(tag)};\n`);
const fullSubmission = (tag: string, name: (f: string) => string = (f) => f): RawEntry[] => manifest.files.map((f) => ({ name: name(f), data: src(`${tag} ${f}`) }));

/** findSubmissions over one zip written from `entries`. */
async function readOne(file: string, entries: RawEntry[], opts: { zip64?: boolean } = {}): Promise<Awaited<ReturnType<typeof findSubmissions>>["submissions"][number]> {
  const p = join(dir, file);
  writeFileSync(p, zipBuffer(entries, opts));
  const { submissions } = await findSubmissions(p, manifest);
  expect(submissions).toHaveLength(1);
  return submissions[0];
}

describe("student archives", () => {
  it("paths in the wrong case are matched, with a note that names the file found", async () => {
    const upper = (f: string): string => f.split("/").map((s) => s[0].toUpperCase() + s.slice(1)).join("/");
    const sub = await readOne("mixed.zip", fullSubmission("mixed", upper));
    expect(sub.error).toBeUndefined();
    expect([...sub.files.keys()].sort()).toEqual([...manifest.files].sort());
    expect(sub.files.get("src/layers/linear.ts")?.toString()).toContain("mixed src/layers/linear.ts");
    expect(sub.notes).toContain("src/layers/linear.ts: took Src/Layers/Linear.ts, whose name differs in upper/lower case (name it src/layers/linear.ts)");
    const loose = await readOne("shouting.zip", [{ name: "LINEAR.TS", data: src("loud") }]);
    expect(loose.files.get("src/layers/linear.ts")?.toString()).toContain("loud");
    expect(loose.notes).toContain("src/layers/linear.ts: took LINEAR.TS, whose name differs in upper/lower case (name it src/layers/linear.ts)");
  });

  it("a zip made by Windows PowerShell (backslash separators) is read, with the same path guards", async () => {
    const windows = (f: string): string => `nnkit\\${f.replace(/\//g, "\\")}`;
    const sub = await readOne("powershell.zip", fullSubmission("win", windows).map((e) => ({ ...e, host: 0 })));
    expect(sub.error).toBeUndefined();
    expect([...sub.files.keys()].sort()).toEqual([...manifest.files].sort());
    expect(sub.files.get("src/losses.ts")?.toString()).toContain("win src/losses.ts");
    const climbing = await readOne("climbing.zip", [...fullSubmission("c"), { name: "..\\..\\evil.ts", data: src("evil"), host: 0 }]);
    expect(climbing.error).toBe('the zip was refused: entry "..\\\\..\\\\evil.ts" climbs out of the archive (..)');
    const absolute = await readOne("absolute.zip", [...fullSubmission("c"), { name: "C:\\Users\\x\\evil.ts", data: src("evil"), host: 0 }]);
    expect(absolute.error).toMatch(/^the zip was refused: entry .* is an absolute path$/);
  });

  it("a zip whose local headers name other files than its central directory is refused", async () => {
    const entries = fullSubmission("two-faced").map((e) => (basename(e.name) === "linear.ts" ? { ...e, localName: "src/layers/innocent.ts" } : e));
    const sub = await readOne("two-faced.zip", entries);
    expect(sub.error).toBe('the zip was refused: entry "src/layers/linear.ts" is named "src/layers/innocent.ts" in its local header: the archive\'s two lists of files disagree, so unzipping it may give other files than the ones graded; zip the files again');
    expect(sub.files.size).toBe(0);
  });

  it("a zip64 archive (0xFFFF entries and 0xFFFFFFFF sizes in the classic records) is read from its zip64 records", async () => {
    const sub = await readOne("zip64.zip", fullSubmission("big"), { zip64: true });
    expect(sub.error).toBeUndefined();
    expect([...sub.files.keys()].sort()).toEqual([...manifest.files].sort());
    expect(sub.files.get("src/layers/batchnorm.ts")?.toString()).toContain("big src/layers/batchnorm.ts");
  });

  it("an attempt split over part-1.zip and part-2.zip is one submission with the files of both", async () => {
    const [first, second] = [manifest.files.slice(0, 3), manifest.files.slice(3)];
    const part = (files: readonly string[], tag: string): Buffer => zipBuffer(files.map((f) => ({ name: f, data: src(`${tag} ${f}`) })));
    const p = join(dir, "split-class.zip");
    writeFileSync(p, zipBuffer([
      { name: "splitsam_401_7001_part-1.zip", data: part(first, "part1"), stored: true },
      { name: "splitsam_401_7002_part-2.zip", data: part(second, "part2"), stored: true },
      { name: "redoruth_402_7003_submission.zip", data: part(manifest.files, "old"), stored: true },
      { name: "redoruth_402_7010_submission-1.zip", data: part(manifest.files, "new"), stored: true },
    ]));
    const { submissions, platform } = await findSubmissions(p, manifest);
    expect(platform).toBe("canvas");
    const [ruth, sam] = submissions;
    expect(sam.id).toBe("splitsam_401");
    expect(sam.error).toBeUndefined();
    expect([...sam.files.keys()].sort()).toEqual([...manifest.files].sort());
    for (const f of first) expect(sam.files.get(f)?.toString()).toContain(`part1 ${f}`);
    for (const f of second) expect(sam.files.get(f)?.toString()).toContain(`part2 ${f}`);
    expect(sam.notes.filter((n) => /candidates/.test(n))).toEqual([]);
    for (const f of manifest.files) expect(ruth.files.get(f)?.toString()).toContain(`new ${f}`);
  });

  it("a loose source file over the 2 MiB a file may have is not graded, with its name and a reason of its own", async () => {
    const root = join(dir, "huge-file");
    mkdirSync(join(root, "hugo"), { recursive: true });
    writeFileSync(join(root, "hugo", "linear.ts"), Buffer.alloc(3 << 20, 0x20));
    writeFileSync(join(root, "hugo", "relu.ts"), src("hugo relu"));
    writeFileSync(join(root, "ida.zip"), zipBuffer(fullSubmission("ida")));
    const { submissions } = await findSubmissions(root, manifest);
    expect(submissions.map((x) => [x.id, x.error, x.category])).toEqual([
      ["hugo", "hugo/linear.ts is larger than 2048 KiB, the most the grader reads of one file", "uploaded a file larger than the grader reads"],
      ["ida", undefined, undefined],
    ]);
  });
});
