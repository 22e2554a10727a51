/**
 * `grade` end to end on a small class: every submission gets a gradebook row (also the unreadable
 * ones), feedback in Markdown and HTML, a Gradescope results.json; the summary loads plotly from the
 * copy next to it; the same input gives byte-identical outputs; nothing is written outside DIR.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import JSZip from "jszip";
import { create as tarCreate } from "tar";
import { beforeAll, describe, expect, it } from "vitest";
import { gradeClass, type GradeSummary } from "../../autograder/grade.js";
import { Grader } from "../../autograder/grader.js";
import { GraderFault } from "../../autograder/sandbox/permission.js";
import { listFiles } from "../../autograder/sandbox/build.js";
import { loadManifest } from "../../autograder/manifest.js";
import { loadSamples, writeSample } from "../../autograder/samples.js";
import { csvField } from "../../autograder/report/gradebook.js";
import { mdEscape } from "../../autograder/report/feedback.js";
import { ROOT, referenceFiles, tempDir, withWrapped } from "./helpers.js";

const manifest = loadManifest(ROOT);
const work = tempDir("grade");
const input = join(work, "class");
let first: GradeSummary;
const progress: string[] = [];

beforeAll(async () => {
  for (const s of loadSamples(ROOT).filter((x) => ["correct", "partly-wrong", "broken"].includes(x.name))) {
    writeSample(s, manifest, join(input, s.name), ROOT);
  }
  writeFileSync(join(input, "garbage.zip"), "PK not really");
  const evil = new JSZip();
  evil.file("../../escape.ts", "x");
  writeFileSync(join(input, "traversal.zip"), await evil.generateAsync({ type: "nodebuffer" }));
  first = await gradeClass({ input, out: join(work, "out1"), jobs: 2, timeoutSeconds: 2, progress: (d, t, r) => progress.push(`${d}/${t} ${r.id}`) });
  await gradeClass({ input, out: join(work, "out2"), jobs: 1, timeoutSeconds: 2 });
}, 120_000);

describe("grade a class", () => {
  it("one gradebook row per submission found, with scores and reasons", () => {
    const csv = readFileSync(join(work, "out1", "gradebook.csv"), "utf8").trim().split("\r\n");
    expect(csv[0]).toBe(["student_id", "name", "submission", "source", "status", "late", "score", "max_score", ...manifest.tests.map((t) => t.id), "reason"].join(","));
    const rows = Object.fromEntries(csv.slice(1).map((l) => [l.split(",")[0], l]));
    expect(Object.keys(rows)).toEqual(["broken", "correct", "garbage", "partly-wrong", "traversal"]);
    expect(rows.correct).toMatch(/^correct,,correct,correct,graded,,100,100,/);
    expect(rows["partly-wrong"]).toMatch(/,graded,,61,100,/);
    expect(rows.broken).toMatch(/,graded,,48,100,.*does not compile/);
    expect(rows.garbage).toMatch(/,not graded,,0,100,.*not a zip archive/);
    expect(rows.traversal).toMatch(/,not graded,,0,100,.*the zip was refused: entry/);
    expect(first.notGraded).toBe(2);
    expect(progress).toHaveLength(5);
  });

  it("feedback (md + html) and a Gradescope results.json per submission", () => {
    const files = listFiles(join(work, "out1"));
    for (const id of ["broken", "correct", "garbage", "partly-wrong", "traversal"]) {
      expect(files).toContain(`feedback/${id}.md`);
      expect(files).toContain(`feedback/${id}.html`);
      expect(files).toContain(`results/${id}.json`);
    }
    const res = JSON.parse(readFileSync(join(work, "out1", "results", "partly-wrong.json"), "utf8"));
    expect(res.score).toBe(61);
    expect(res.tests).toHaveLength(manifest.tests.length);
    const dW = res.tests.find((t: { name: string }) => t.name === "linearBackward: dW");
    expect(dW).toMatchObject({ score: 0, max_score: 5, status: "failed", visibility: "visible", output_format: "md" });
    expect(dW.output).toContain("Likely mistake — **dW transposed**");
    const html = readFileSync(join(work, "out1", "feedback", "partly-wrong.html"), "utf8");
    expect(html).toContain("<strong>dW transposed</strong>");
  });

  it("the summary draws a histogram and pass rates with the local plotly copy, no CDN", () => {
    const html = readFileSync(join(work, "out1", "summary.html"), "utf8");
    expect(html).toContain('<script src="plotly.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);
    // graded: 48, 61 and 100 (bins of 5 points, the last one full marks); the two unreadable zips are listed apart
    expect(html).toContain('"type":"bar","x":["0–5","5–10",');
    expect(html).toContain('"y":[0,0,0,0,0,0,0,0,0,1,0,0,1,0,0,0,0,0,0,0,1]');
    expect(html).toMatch(/linearBackward: dW<\/td><td>1 \/ 3<\/td><td>33\.3%/);
    expect(html).toContain("<h2>Not graded (2)</h2>");
    expect(html).toMatch(/<td>garbage<\/td><td><\/td><td><\/td><td>the zip was refused: not a zip archive/);
    expect(html).toContain("Of the graded: mean 69.67, median 61.00 of 100 points.");
    expect(readFileSync(join(work, "out1", "plotly.js")).length).toBeGreaterThan(1e6);
  });

  it("the same input gives byte-identical outputs (run-info.json holds the only dates and timings)", () => {
    const a = listFiles(join(work, "out1"));
    expect(listFiles(join(work, "out2"))).toEqual(a);
    for (const f of a.filter((x) => x !== "run-info.json" && x !== "plotly.js")) {
      expect(readFileSync(join(work, "out2", f)).equals(readFileSync(join(work, "out1", f))), f).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(work, "out1", "run-info.json"), "utf8"))).toHaveProperty("startedAt");
  });

  it("a previous grading in DIR is replaced (no stale students stay), any other non-empty folder is refused", async () => {
    const w = tempDir("grade-again");
    const again = join(w, "again");
    cpSync(join(work, "out1"), again, { recursive: true });
    const one = join(w, "one");
    writeSample(loadSamples(ROOT).find((x) => x.name === "correct")!, manifest, join(one, "ada"), ROOT);
    await gradeClass({ input: one, out: again, jobs: 1, timeoutSeconds: 2 });
    expect(readdirSync(join(again, "feedback")).sort()).toEqual(["one.html", "one.md"]);
    expect(readdirSync(join(again, "results"))).toEqual(["one.json"]);
    expect(readFileSync(join(again, "gradebook.csv"), "utf8").trim().split("\r\n")).toHaveLength(2);
    const other = join(w, "other");
    mkdirSync(other);
    writeFileSync(join(other, "notes.txt"), "x");
    await expect(gradeClass({ input: one, out: other, jobs: 1 })).rejects.toThrow(`--out ${other} is not empty and holds no previous grading; choose a new or empty folder`);
    expect(readdirSync(other)).toEqual(["notes.txt"]);
  }, 60_000);

  it("writes nothing outside DIR and leaves no temporary files", () => {
    expect(readdirSync(work).sort()).toEqual(["class", "out1", "out2"]);
    expect(listFiles(join(work, "out1")).filter((f) => f.includes(".tmp-"))).toEqual([]);
    expect(readdirSync(input).sort()).toEqual(["broken", "correct", "garbage.zip", "partly-wrong", "traversal.zip"]);
  });

  it("CSV fields are quoted and formula-like names defused; Markdown from student code cannot form links", () => {
    expect(csvField('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(mdEscape("[click](http://x) <b>")).toBe("\\[click\\](http://x) \\<b\\>");
  });
});

describe("a grader whose sandbox cannot start grades nobody", () => {
  // An empty sandbox base has no child runner: the child exits before it is ready, as it would on a
  // Node whose permission flags the grader got wrong.
  const broken = (): string => {
    const b = join(tempDir("no-base"), "base");
    mkdirSync(b);
    return b;
  };

  it("stops before grading, with the reason, and writes no outputs", async () => {
    const out = join(work, "never-written");
    const err = await gradeClass({ input, out, base: broken(), jobs: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraderFault);
    expect((err as Error).message).toMatch(/^the grader's self-check failed, so nothing was graded: the reference solution got 0\/100 in the sandbox/);
    expect((err as Error).message).toContain("the sandbox could not start: the sandbox exited before it was ready (code 1)");
    expect(existsSync(out)).toBe(false);
  });

  it("a submission whose sandbox cannot start is 'not graded (grader fault)', never 0 points graded", async () => {
    const grader = await Grader.open({ base: broken() });
    try {
      const files = new Map(manifest.files.map((f) => [f, readFileSync(join(ROOT, f))]));
      const r = await grader.grade({ id: "ada", student: "ada", name: "", source: "ada", late: false, files, notes: [] });
      expect(r).toMatchObject({ status: "not graded", graderFault: true, score: 0 });
      expect(r.reason).toMatch(/^not graded \(grader fault\): the sandbox could not start/);
    } finally {
      await grader.close();
    }
  });
});

describe("uploads whose names are the grader's own, and an honest debugging print", () => {
  const w = tempDir("names");
  let run: GradeSummary;
  const zipOf = async (files: ReadonlyMap<string, Buffer>): Promise<Buffer> => {
    const z = new JSZip();
    for (const [f, data] of files) z.file(f, data);
    return z.generateAsync({ type: "nodebuffer" });
  };

  beforeAll(async () => {
    const ref = referenceFiles(manifest.files);
    const input = join(w, "class");
    mkdirSync(input);
    // The grader's work folder holds "base" (the sandbox base) and its sandbox folders.
    for (const name of ["base", "sandbox-001"]) writeFileSync(join(input, `${name}.zip`), await zipOf(ref));
    // 16 KiB of debugging output in every call of every function (the grader makes over a hundred calls).
    let chatty: Map<string, Buffer> = ref;
    for (const [file, fns] of Object.entries(manifest.functions)) {
      for (const name of fns) chatty = withWrapped(chatty, file, name, 'console.log("debug ".repeat(2731)); return inner(...a);');
    }
    writeFileSync(join(input, "chatty.zip"), await zipOf(chatty));
    run = await gradeClass({ input, out: join(w, "out"), jobs: 2, timeoutSeconds: 15 });
  }, 300_000);

  it("an upload named like one of the grader's folders is graded like any other", () => {
    const by = Object.fromEntries(run.results.map((r) => [r.id, r]));
    expect(Object.keys(by).sort()).toEqual(["base", "chatty", "sandbox-001"]);
    for (const id of ["base", "sandbox-001"]) expect(by[id], id).toMatchObject({ status: "graded", score: 100 });
    expect(run.graderFaults).toBe(0);
  });

  it("printing 16 KiB in every call of every function costs no points; what was printed is shown, cut at 4 KiB", () => {
    const chatty = run.results.find((r) => r.id === "chatty")!;
    expect(chatty.tests.filter((t) => !t.passed).map((t) => `${t.id}: ${t.failures[0]?.message}`)).toEqual([]);
    expect(chatty.score).toBe(100);
    expect(chatty.printed.startsWith("debug debug")).toBe(true);
    expect(Buffer.byteLength(chatty.printed)).toBeLessThanOrEqual(4096);
  });
});

describe("a Canvas download as a TA gets it (the issue's class), graded twice", () => {
  const w = tempDir("canvas-class");
  const bulk = join(w, "submissions.zip");
  let runs: GradeSummary[] = [];
  const ref = referenceFiles(manifest.files);
  const loose = (files: ReadonlyMap<string, Buffer>, prefix: string, firstAttachment: number): Record<string, Buffer> =>
    Object.fromEntries([...files].map(([f, data], k) => [`${prefix}_${firstAttachment + k}_${basename(f)}`, data]));

  beforeAll(async () => {
    const z = new JSZip();
    const add = (entries: Record<string, Buffer | string>): void => {
      for (const [name, data] of Object.entries(entries)) z.file(name, data);
    };
    add(loose(ref, "adaseparate_1001", 5000));
    add({ "brownpdf_1002_5100_report.pdf": "%PDF-1.7 a report, not code" });
    const t = join(w, "tarred");
    for (const [f, data] of ref) {
      mkdirSync(dirname(join(t, f)), { recursive: true });
      writeFileSync(join(t, f), data);
    }
    tarCreate({ gzip: true, file: join(w, "t.tgz"), cwd: t, sync: true, portable: true }, ["src"]);
    add({ "cohentar_1003_5200_submission.tar.gz": readFileSync(join(w, "t.tgz")) });
    add(loose(withWrapped(ref, "src/layers/conv2d.ts", "conv2dForward", "for (;;) {}"), "dahanging_1004", 5300));
    add(loose(withWrapped(ref, "src/layers/conv2d.ts", "conv2dForward", "const r = inner(...a); a[0].data[0] += 1; return r;"), "evansmutating_1005", 5400));
    add(loose(withWrapped(ref, "src/layers/conv2d.ts", "conv2dForward", "const keep: number[][] = []; for (;;) keep.push(new Array(1e6).fill(0.5));"), "fischerheap_1006", 5500));
    add(loose(ref, "garcialate_late_1007", 5600));
    writeFileSync(bulk, await z.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
    // a generous per-call limit: the heap of the memory case must run out first, also on a busy machine
    for (const out of ["g1", "g2"]) runs.push(await gradeClass({ input: bulk, out: join(w, out), jobs: 2, timeoutSeconds: 15, canvasAssignment: "Assignment 6 (4321)" }));
  }, 600_000);

  it("grades each upload exactly as the issue asks", () => {
    const by = Object.fromEntries(runs[0].results.map((r) => [r.student, r]));
    expect(Object.keys(by).sort()).toEqual(["1001", "1002", "1003", "1004", "1005", "1006", "1007"]);
    expect([by["1001"].score, by["1003"].score, by["1004"].score, by["1005"].score, by["1006"].score, by["1007"].score]).toEqual([100, 100, 92, 92, 92, 100]);
    expect(by["1002"]).toMatchObject({ status: "not graded", category: "uploaded no file of the assignment" });
    expect(by["1002"].reason).toContain("report.pdf (a PDF document)");
    expect(by["1007"].late).toBe(true);
    for (const id of ["1004", "1005", "1006"]) {
      expect(by[id].tests.filter((t) => !t.passed).map((t) => t.id), id).toEqual(["conv2dForward.out"]);
      expect(by[id].tests.find((t) => t.id === "conv2dBackward.dx")!.notes[0], id).toMatch(/^conv2dForward failed, so the reference conv2dForward's cache was used: /);
    }
    expect(by["1006"].tests.find((t) => t.id === "conv2dForward.out")!.failures[0].message).toBe("ran out of memory: it used more than 256 MB (the limit for one call)");
    expect(runs[0].countLine).toMatch(/^graded 6 of 7 students in [\d.]+ s \(\d+\/min\); 1 not graded: 1 uploaded no file of the assignment$/);
  });

  it("gradebook.csv has a late column; canvas-import.csv has one row per graded student (the PDF upload's grade stays as it is in Canvas) and one assignment column", () => {
    const csv = readFileSync(join(w, "g1", "gradebook.csv"), "utf8").trim().split("\r\n");
    expect(csv.find((l) => l.startsWith("1007,"))).toMatch(/^1007,garcialate,garcialate_1007,[^,]*(,[^,]*)*?,graded,late,100,100,/);
    expect(csv.find((l) => l.startsWith("1001,"))).toMatch(/,graded,,100,100,/);
    const canvas = readFileSync(join(w, "g1", "canvas-import.csv"), "utf8");
    expect(canvas).toBe(
      [
        "Student,ID,SIS User ID,SIS Login ID,Section,Assignment 6 (4321)",
        "adaseparate,1001,,,,100",
        "cohentar,1003,,,,100",
        "dahanging,1004,,,,92",
        "evansmutating,1005,,,,92",
        "fischerheap,1006,,,,92",
        "garcialate,1007,,,,100",
        "",
      ].join("\r\n"),
    );
  });

  it("grading it twice gives byte-identical files (run-info.json apart)", () => {
    const files = listFiles(join(w, "g1"));
    expect(listFiles(join(w, "g2"))).toEqual(files);
    for (const f of files.filter((x) => x !== "run-info.json")) expect(readFileSync(join(w, "g2", f)).equals(readFileSync(join(w, "g1", f))), f).toBe(true);
    for (const f of files.filter((x) => x.endsWith(".md") || x.endsWith(".json"))) expect(readFileSync(join(w, "g1", f), "utf8"), f).not.toMatch(/FATAL ERROR|Last few GCs|heap limit/);
  });
});

describe("a Moodle download: the grading worksheet", () => {
  const w = tempDir("moodle-class");
  const input = join(w, "download");
  const ref = referenceFiles(manifest.files);

  beforeAll(() => {
    const folder = join(input, "Ada Lovelace_301_assignsubmission_file_");
    for (const [f, data] of ref) {
      mkdirSync(dirname(join(folder, f)), { recursive: true });
      writeFileSync(join(folder, f), data);
    }
    writeFileSync(join(input, "Participant_302_assignsubmission_file_notes.pdf"), "%PDF");
    const wrong = withWrapped(ref, "src/layers/relu.ts", "reluBackward", "const dx = inner(...a); dx.data[0] += 1; return dx;");
    writeFileSync(join(input, "Grace Hopper_303_assignsubmission_file_relu.ts"), wrong.get("src/layers/relu.ts")!);
  });

  /** The rules Moodle's worksheet upload applies: these three columns must be there; rows are matched by "Participant <id>". */
  function asMoodleReadsIt(text: string): Map<string, { grade: string; feedback: string }> {
    const rows = parseCsv(text.replace(/^\uFEFF/, ""), { relax_column_count: true }) as string[][];
    const h = rows[0];
    for (const c of ["Identifier", "Grade", "Last modified (grade)"]) expect(h, c).toContain(c);
    return new Map(rows.slice(1).map((r) => [r[h.indexOf("Identifier")].slice("Participant ".length), { grade: r[h.indexOf("Grade")], feedback: r[h.indexOf("Feedback comments")] }]));
  }

  it("without the downloaded worksheet, --moodle-max-grade 10: one Moodle accepts, grades out of 10 for the graded, no row for the PDF", async () => {
    const r = await gradeClass({ input, out: join(w, "plain"), jobs: 2, timeoutSeconds: 5, moodleMaxGrade: 10 });
    expect(r.lmsFiles).toEqual(["moodle-grading-worksheet.csv"]);
    const text = readFileSync(join(w, "plain", "moodle-grading-worksheet.csv"), "utf8");
    expect(text.split("\r\n")[0]).toBe("Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,Last modified (submission),Last modified (grade),Feedback comments");
    const seen = asMoodleReadsIt(text);
    expect([...seen.keys()]).toEqual(["301", "303"]); // in the order of the submissions' ids; 302 (a PDF) keeps what Moodle has
    expect(seen.get("301")).toEqual({ grade: "10", feedback: "a6: 100/100. Every test passed." });
    expect(seen.get("303")!.grade).toBe("0.2"); // only relu.ts, and its backward is wrong: reluForward's 2 points of 100
    expect(seen.get("303")!.feedback).toMatch(/^a6: 2\/100\. Points lost: linearForward: out 0\/4; /);
    // without a maximum the run writes no worksheet and says what to give
    const bare = await gradeClass({ input, out: join(w, "bare"), jobs: 2, timeoutSeconds: 5 });
    expect(bare.lmsFiles).toEqual([]);
    expect(existsSync(join(w, "bare", "moodle-grading-worksheet.csv"))).toBe(false);
    expect(bare.remarks[0]).toMatch(/^moodle-grading-worksheet\.csv was not written: Moodle reads grades on the assignment's own scale/);
  }, 240_000);

  it("with the worksheet the TA downloaded: the same file back, Grade and Feedback comments filled in, every other cell kept", async () => {
    const sheet = join(w, "Grades-CS101-Assignment 6-77.csv");
    const original = [
      "Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,Last modified (submission),Last modified (grade),Feedback comments",
      'Participant 301,Ada Lovelace,ada@example.edu,"Submitted for grading, graded",,100.00,Yes,"Monday, 30 November 2026, 11:58 PM",-,',
      "Participant 302,Charles Babbage,cb@example.edu,Submitted for grading,,100.00,Yes,\"Monday, 30 November 2026, 10:00 PM\",-,",
      "Participant 303,Grace Hopper,grace@example.edu,Submitted for grading,,100.00,Yes,\"Tuesday, 1 December 2026, 12:30 AM\",-,",
      "Participant 304,No Submission,none@example.edu,No submission,,100.00,Yes,-,-,",
      "",
    ].join("\n");
    writeFileSync(sheet, `\uFEFF${original}`);
    const r = await gradeClass({ input, out: join(w, "filled"), jobs: 2, timeoutSeconds: 5, moodleWorksheet: sheet });
    expect(r.remarks).toEqual([]);
    const text = readFileSync(join(w, "filled", "moodle-grading-worksheet.csv"), "utf8");
    expect(text.startsWith("\uFEFF")).toBe(true);
    const lines = text.slice(1).split("\n");
    expect(lines[0]).toBe(original.split("\n")[0]);
    expect(lines[1]).toBe('Participant 301,Ada Lovelace,ada@example.edu,"Submitted for grading, graded",100,100.00,Yes,"Monday, 30 November 2026, 11:58 PM",-,a6: 100/100. Every test passed.');
    expect(lines[2]).toBe('Participant 302,Charles Babbage,cb@example.edu,Submitted for grading,,100.00,Yes,"Monday, 30 November 2026, 10:00 PM",-,');
    expect(lines[4]).toBe("Participant 304,No Submission,none@example.edu,No submission,,100.00,Yes,-,-,");
    expect(asMoodleReadsIt(text).get("303")!.grade).toBe("2");
  }, 120_000);

  it("a file that is not a grading worksheet is refused before anything is graded", async () => {
    const bad = join(w, "not-a-sheet.csv");
    writeFileSync(bad, "name,score\nada,1\n");
    await expect(gradeClass({ input, out: join(w, "never"), moodleWorksheet: bad })).rejects.toThrow(
      'not-a-sheet.csv has no "Identifier", "Grade", "Last modified (grade)" column: give the grading worksheet Moodle downloaded (Assignment → View all submissions → Download grading worksheet)',
    );
    expect(existsSync(join(w, "never"))).toBe(false);
    await expect(gradeClass({ input: join(work, "class"), out: join(w, "never"), moodleMaxGrade: 10 })).rejects.toThrow(/^--moodle-max-grade needs a Moodle download as INPUT; /);
    expect(existsSync(join(w, "never"))).toBe(false);
  });
});
