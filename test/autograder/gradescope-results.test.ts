/**
 * Gradescope's results.json for one submission, without running a sandbox: text from the upload's
 * file names and from submission_metadata.json is escaped in the Markdown `output` (rendered here
 * with raw HTML allowed, the least a renderer may do), and what students see at once agrees with
 * Gradescope's rule that a hidden test hides the total (gradescope/autograder_samples docs/specs.md).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { findSubmissions } from "../../autograder/intake.js";
import { loadManifest } from "../../autograder/manifest.js";
import { gradescopeResults, readSubmissionMetadata } from "../../autograder/report/gradescope.js";
import { notGraded, type SubmissionResult } from "../../autograder/runner.js";
import { ROOT, tempDir } from "./helpers.js";

const manifest = loadManifest(ROOT);
const render = (md: string): string => new MarkdownIt({ html: true, linkify: false }).render(md);
const IMG = "<img src=x onerror=alert(1)>";
const LINK = "[Score 100 of 100](https:evil.example)";

describe("results.json output: text from the upload is escaped", () => {
  it("file names in the reason and names from the metadata render as text, not as an image or a link", async () => {
    const dir = join(tempDir("gs-escape"), "submission");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${IMG}.pdf`), "%PDF-1.7");
    writeFileSync(join(dir, `${LINK}.txt`), "notes");
    const { submissions } = await findSubmissions(dir, manifest, { single: true });
    const r = notGraded(submissions[0], manifest, submissions[0].error!);
    expect(r.reason).toContain(`${IMG}.pdf`); // the file names do reach the output
    const metadata = readSubmissionMetadata(
      JSON.stringify({ created_at: "2026-12-02T08:30:00-08:00", assignment: { due_date: "2026-12-01T23:00:00-08:00" }, users: [{ name: `${LINK} ${IMG}` }] }),
    )!;
    const json = gradescopeResults({ ...r, notes: [`took ${IMG} from another folder`] }, manifest, { metadata });
    const html = render(json.output);
    expect(html).not.toMatch(/<img|<a /);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;.pdf (a PDF document)");
    expect(html).toContain("[Score 100 of 100](https:evil.example).txt");
    expect(html).toContain("Graded for [Score 100 of 100](https:evil.example) &lt;img src=x onerror=alert(1)&gt;.");
    expect(html).toContain("<li>took &lt;img src=x onerror=alert(1)&gt; from another folder</li>");
    for (const t of json.tests) expect(render(t.output), t.name).not.toMatch(/<img|<a /);
  });
});

/** A graded result: every test passed except those in `failed`. */
function graded(failed: string[]): SubmissionResult {
  const tests = manifest.tests.map((t) => {
    const ok = !failed.includes(t.id);
    return { id: t.id, name: t.name, points: ok ? t.points : 0, maxPoints: t.points, passed: ok, failures: ok ? [] : [{ label: "case 2", message: "element [0, 1] is 0.5, expected 0.25" }], notes: [] };
  });
  const score = tests.reduce((s, t) => s + t.points, 0);
  return { id: "s", student: "s", name: "", source: "s.zip", late: false, status: "graded", score, maxScore: 100, tests, notes: [], printed: "" };
}

describe("what students see at once", () => {
  it("each test's points are visible and add up to the score, which the output states; only the details of failed hidden cases wait", () => {
    const failed = manifest.tests[manifest.tests.length - 1].id;
    const r = graded([failed]);
    const json = gradescopeResults(r, manifest);
    const visible = json.tests.filter((t) => t.visibility === "visible");
    expect(visible.filter((t) => t.max_score > 0).length).toBe(manifest.tests.length);
    expect(visible.reduce((s, t) => s + t.score, 0)).toBe(r.score);
    expect(json.output).toContain(`Score ${r.score} / 100.`);
    // Gradescope hides the total while this entry is hidden: until the due date
    const waiting = json.tests.filter((t) => t.visibility !== "visible");
    expect(waiting.map((t) => [t.visibility, t.max_score])).toEqual([["after_due_date", 0]]);
    expect(waiting[0].output).toContain("expected 0.25");
  });

  it("a submission that passed every hidden case has no hidden entry, so Gradescope shows its total at once", () => {
    expect(gradescopeResults(graded([]), manifest).tests.every((t) => t.visibility === "visible")).toBe(true);
  });
});
