/**
 * One class of 30 students, downloaded as Canvas and as Moodle 4.1 name it (canvas-lms
 * lib/content_zipper.rb; moodle mod/assign/classes/downloader.php): loose files, zips made by
 * `nnkit submit`, a Windows zip, names in the wrong case, a resubmitted file, an attempt split in
 * two zips, a PDF, text and URL entries, a group, late work, names that keep underscores. Each
 * download must give one row per student with the right id, name, late flag and files.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseCsv } from "csv-parse/sync";
import { MOODLE_FILE, gradeClass } from "../../autograder/grade.js";
import { findSubmissions } from "../../autograder/intake.js";
import { loadManifest } from "../../autograder/manifest.js";
import { ROOT, referenceFiles, tempDir } from "./helpers.js";
import { zipBuffer, type RawEntry } from "./zipwriter.js";

const manifest = loadManifest(ROOT);
const dir = tempDir("class-download");
const ALL = [...manifest.files].sort();
const src = (tag: string): Buffer => Buffer.from(`// ${tag}\nexport const who = ${JSON.stringify(tag)};\n`);

type Kind = "loose" | "zip" | "windows" | "cased" | "resubmitted" | "split" | "pdf" | "pdf+code" | "text" | "url";
interface Student {
  /** Canvas user id (Moodle: participant id). */
  uid: number;
  /** Canvas's name part (sortable name, lower case, only letters, digits and underscores). */
  canvas: string;
  /** Moodle's full name (underscores turned to spaces). */
  moodle: string;
  kind: Kind;
  late?: boolean;
}

const KINDS: Kind[] = ["loose", "zip", "windows", "cased", "resubmitted", "split", "pdf", "pdf+code", "text", "url"];
const FIRST = ["ada", "bob", "cy", "di", "ed", "flo", "gus", "hal", "ivy", "jo"];
const LAST = ["lovelace", "smith", "o2neill", "nguyen"];
const students: Student[] = Array.from({ length: 27 }, (_, i) => {
  const first = FIRST[i % FIRST.length];
  const last = `${LAST[i % LAST.length]}${String.fromCharCode(97 + (i % 26))}`;
  return { uid: 1000 + i * 7, canvas: `${last}${first}`, moodle: `${first[0].toUpperCase()}${first.slice(1)} ${last}`, kind: KINDS[i % KINDS.length], late: i % 5 === 3 };
});
students.push({ uid: 2001, canvas: "de_la_cruzjuan", moodle: "Juan de la Cruz", kind: "zip" });
students.push({ uid: 2002, canvas: "teamrocket", moodle: "Team Rocket", kind: "zip", late: true });
students.push({ uid: 2003, canvas: "mcdonaldronald_jr", moodle: "Ronald McDonald Jr", kind: "loose", late: true });

/** The content of file `f` of the assignment, by version: `tag` for the one to grade, "old" for one replaced. */
type Content = (tag: string, f: string) => Buffer;
const tagged: Content = (tag, f) => src(`${tag} ${f}`);

/** The files a student uploads (one upload per entry: name and content), tagged with `tag`. */
function uploads(s: Student, tag: string, content: Content): { name: string; data: Buffer }[] {
  const sub = (files: readonly string[], name: (f: string) => string, host = 3): Buffer => zipBuffer(files.map((f) => ({ name: name(f), data: content(tag, f), host })));
  const file = (f: string): { name: string; data: Buffer } => ({ name: basename(f), data: content(tag, f) });
  switch (s.kind) {
    case "loose": return manifest.files.map(file);
    case "zip": return [{ name: "submission.zip", data: sub(manifest.files, (f) => f) }];
    case "windows": return [{ name: "a6.zip", data: sub(manifest.files, (f) => `a6\\${f.replace(/\//g, "\\")}`, 0) }];
    case "cased": return manifest.files.map((f) => ({ name: basename(f)[0].toUpperCase() + basename(f).slice(1), data: content(tag, f) }));
    case "resubmitted": return [...manifest.files.map((f) => ({ name: basename(f), data: content(f.endsWith("linear.ts") ? "old" : tag, f) })), { name: "linear-1.ts", data: content(tag, "src/layers/linear.ts") }];
    case "split": return [{ name: "part-1.zip", data: sub(manifest.files.slice(0, 4), (f) => f) }, { name: "part-2.zip", data: sub(manifest.files.slice(4), (f) => f) }];
    case "pdf": return [{ name: "report.pdf", data: Buffer.from("%PDF-1.7") }];
    case "pdf+code": return [...manifest.files.map(file), { name: "report.pdf", data: Buffer.from("%PDF-1.7") }];
    case "text": case "url": return [];
  }
}

/** What the row of `s` must hold: every file of the assignment, or none (a PDF, a text or URL entry). */
const graded = (s: Student): boolean => !["pdf", "text", "url"].includes(s.kind);

function canvasDownload(content: Content = tagged): Buffer {
  const entries: RawEntry[] = [];
  let attachment = 50_000;
  for (const s of students) {
    const prefix = [s.canvas, s.late ? "LATE" : undefined, s.uid].filter((x) => x !== undefined).join("_");
    if (s.kind === "text") entries.push({ name: `${prefix}_text.html`, data: Buffer.from("<p>my answer</p>") });
    if (s.kind === "url") entries.push({ name: `${prefix}_link.html`, data: Buffer.from('<meta http-equiv="refresh" content="0; url=https://example.edu">') });
    for (const u of uploads(s, "canvas", content)) entries.push({ name: `${prefix}_${(attachment += 3)}_${u.name}`, data: u.data });
  }
  return zipBuffer(entries);
}

function moodleDownload(): Buffer {
  const entries: RawEntry[] = [];
  for (const s of students) {
    const prefix = `${s.moodle}_${s.uid}_assignsubmission`;
    if (s.kind === "text" || s.kind === "url") entries.push({ name: `${prefix}_onlinetext/onlinetext.html`, data: Buffer.from("<p>my answer</p>") });
    const moodleKind = s.kind === "resubmitted" ? { ...s, kind: "loose" as const } : s;
    for (const u of uploads(moodleKind, "moodle", tagged)) entries.push({ name: `${prefix}_file/${u.name}`, data: u.data });
  }
  return zipBuffer(entries);
}

type Found = Awaited<ReturnType<typeof findSubmissions>>;

/** Read `download` and check one row per student: `who(s)` gives its [id, name, late]; each file's content carries `tag`. */
async function checkClass(file: string, download: Buffer, platform: string, tag: string, who: (s: Student) => [string, string, boolean]): Promise<Map<string, Found["submissions"][number]>> {
  const p = join(dir, file);
  writeFileSync(p, download);
  const found = await findSubmissions(p, manifest);
  expect(found.platform).toBe(platform);
  expect(found.submissions).toHaveLength(30);
  const byId = new Map(found.submissions.map((x) => [x.student, x]));
  for (const s of students) {
    const row = byId.get(String(s.uid))!;
    expect([row.id, row.name, row.late], s.canvas).toEqual(who(s));
    if (!graded(s)) {
      expect(row.category, s.canvas).toBe("uploaded no file of the assignment");
      continue;
    }
    expect(row.error, s.canvas).toBeUndefined();
    expect([...row.files.keys()].sort(), s.canvas).toEqual(ALL);
    for (const f of ALL) expect(row.files.get(f)?.toString(), `${s.canvas} ${f}`).toContain(`${tag} ${f}`);
  }
  return byId;
}

describe("a 30-student class as downloaded from each platform", () => {
  it("Canvas: one row per student with the Canvas user id, the name part, the late flag and the right files", async () => {
    const byId = await checkClass("canvas-submissions.zip", canvasDownload(), "canvas", "canvas", (s) => [`${s.canvas}_${s.uid}`, s.canvas, s.late === true]);
    const text = students.find((s) => s.kind === "text")!;
    expect(byId.get(String(text.uid))!.error).toMatch(/the upload holds text\.html \(a web page or text entry\)$/);
    const url = students.find((s) => s.kind === "url")!;
    expect(byId.get(String(url.uid))!.error).toMatch(/the upload holds link\.html \(a web page or text entry\)$/);
  });

  it("Moodle 4.1: folders without a trailing underscore give the participant id, the full name and the right files", async () => {
    await checkClass("moodle-download.zip", moodleDownload(), "moodle", "moodle", (s) => [`${s.moodle.replace(/ /g, "_")}_${s.uid}`, s.moodle, false]);
  });

  it("Canvas with anonymous grading: no name part, the anonymous id stands for the student, the late flag kept", async () => {
    const p = join(dir, "canvas-anonymous.zip");
    writeFileSync(p, zipBuffer([
      ...manifest.files.map((f, k) => ({ name: `anon_Xk3Pq_${60001 + k}_${basename(f)}`, data: src(`anon ${f}`) })),
      { name: "LATE_anon_Zz9aa_60100_submission.zip", data: zipBuffer(manifest.files.map((f) => ({ name: f, data: src(`late ${f}`) }))) },
      { name: "anon_Qq1Ww_text.html", data: Buffer.from("<p>answer</p>") },
    ]));
    const { submissions, platform } = await findSubmissions(p, manifest);
    expect(platform).toBe("canvas");
    expect(submissions.map((x) => [x.id, x.student, x.name, x.late, x.files.size])).toEqual([
      ["anon_Qq1Ww", "anon_Qq1Ww", "", false, 0],
      ["anon_Xk3Pq", "anon_Xk3Pq", "", false, manifest.files.length],
      ["anon_Zz9aa", "anon_Zz9aa", "", true, manifest.files.length],
    ]);
    expect(submissions[2].files.get("src/losses.ts")?.toString()).toContain("late src/losses.ts");
  });

  it("nnkit grade over the Canvas download: one gradebook row per student, the right files graded", async () => {
    const reference = referenceFiles(manifest.files);
    const p = join(dir, "canvas-graded.zip");
    writeFileSync(p, canvasDownload((tag, f) => (tag === "old" ? Buffer.from("export function linearForward( {\n") : reference.get(f)!)));
    const out = join(dir, "graded");
    const summary = await gradeClass({ input: p, out, jobs: 2, timeoutSeconds: 5 });
    const rows = parseCsv(readFileSync(join(out, "gradebook.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(30);
    expect(summary.graderFaults).toBe(0);
    for (const s of students) {
      const row = rows.find((r) => r.student_id === String(s.uid))!;
      expect([row.name, row.status, row.late, row.score], s.canvas).toEqual([s.canvas, graded(s) ? "graded" : "not graded", s.late ? "late" : "", graded(s) ? "100" : "0"]);
    }
    // The import keeps what Canvas has: a row (Canvas user id, the grade) for each graded student, none for the others.
    const imported = parseCsv(readFileSync(join(out, "canvas-import.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(imported.map((r) => r.ID).sort()).toEqual(students.filter(graded).map((s) => String(s.uid)).sort());
    for (const r of imported) expect(Object.values(r).at(-1), r.ID).toBe("100");
  }, 180_000);

  it("nnkit grade over the same class as a Moodle 4.1 download: the worksheet has each graded participant's grade on the assignment's scale, no row for the others", async () => {
    const reference = referenceFiles(manifest.files);
    const p = join(dir, "moodle-graded.zip");
    const entries: { name: string; data: Buffer }[] = [];
    for (const s of students) {
      const kind = s.kind === "resubmitted" ? { ...s, kind: "loose" as const } : s;
      for (const u of uploads(kind, "moodle", (_tag, f) => reference.get(f)!)) entries.push({ name: `${s.moodle}_${s.uid}_assignsubmission_file/${u.name}`, data: u.data });
      if (s.kind === "text" || s.kind === "url") entries.push({ name: `${s.moodle}_${s.uid}_assignsubmission_onlinetext/onlinetext.html`, data: Buffer.from("<p>answer</p>") });
    }
    writeFileSync(p, zipBuffer(entries));
    const out = join(dir, "graded-moodle-class");
    const summary = await gradeClass({ input: p, out, jobs: 2, timeoutSeconds: 5, moodleMaxGrade: 10 });
    expect(summary.results).toHaveLength(30);
    const rows = parseCsv(readFileSync(join(out, MOODLE_FILE), "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.Identifier).sort()).toEqual(students.filter(graded).map((s) => `Participant ${s.uid}`).sort());
    for (const r of rows) expect(Number(r.Grade), r.Identifier).toBe(10);
  }, 180_000);

  it("nnkit grade --moodle-worksheet over a Moodle 4.1 download: accepted, and each participant's row gets its grade", async () => {
    const reference = referenceFiles(manifest.files);
    const p = join(dir, "moodle41.zip");
    writeFileSync(p, zipBuffer([
      ...manifest.files.map((f) => ({ name: `Ada Lovelace_201_assignsubmission_file/${f}`, data: reference.get(f)! })),
      { name: "Bob Smith_202_assignsubmission_onlinetext/onlinetext.html", data: Buffer.from("<p>answer</p>") },
    ]));
    const sheet = join(dir, "Grades-A6.csv");
    writeFileSync(sheet, ["Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,Last modified (submission),Last modified (grade),Feedback comments", "Participant 201,Ada Lovelace,ada@example.edu,Submitted for grading,,100.00,Yes,-,-,", "Participant 202,Bob Smith,bob@example.edu,Submitted for grading,,100.00,Yes,-,-,", ""].join("\n"));
    const out = join(dir, "graded-moodle");
    await gradeClass({ input: p, out, jobs: 2, timeoutSeconds: 5, moodleWorksheet: sheet });
    const rows = parseCsv(readFileSync(join(out, MOODLE_FILE), "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.Identifier)).toEqual(["Participant 201", "Participant 202"]);
    expect(Number(rows[0].Grade)).toBe(100);
    expect(rows[1].Grade).toBe("");
  }, 180_000);
});
