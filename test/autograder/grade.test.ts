/**
 * `grade` end to end on a small class: every submission gets a gradebook row (also the unreadable
 * ones), feedback in Markdown and HTML, a Gradescope results.json; the summary loads plotly from the
 * copy next to it; the same input gives byte-identical outputs; nothing is written outside DIR.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import JSZip from "jszip";
import { beforeAll, describe, expect, it } from "vitest";
import { Grader, gradeClass, type GradeSummary } from "../../autograder/grade.js";
import { GraderFault } from "../../autograder/sandbox/permission.js";
import { listFiles } from "../../autograder/sandbox/build.js";
import { loadManifest } from "../../autograder/manifest.js";
import { loadSamples, writeSample } from "../../autograder/samples.js";
import { csvField } from "../../autograder/report/gradebook.js";
import { mdEscape } from "../../autograder/report/feedback.js";
import { ROOT, tempDir } from "./helpers.js";

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
    expect(html).toContain('"type":"histogram","x":[48,100,0,61,0]');
    expect(html).toMatch(/linearBackward: dW<\/td><td>1 \/ 5<\/td><td>20\.0%/);
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
    const grader = new Grader({ base: broken() });
    try {
      const files = new Map(manifest.files.map((f) => [f, readFileSync(join(ROOT, f))]));
      const r = await grader.grade({ id: "ada", student: "ada", name: "", source: "ada", late: false, files, notes: [] });
      expect(r).toMatchObject({ status: "not graded", graderFault: true, score: 0 });
      expect(r.reason).toMatch(/^not graded \(grader fault\): the sandbox could not start/);
    } finally {
      grader.close();
    }
  });
});
