/**
 * The gradebook CSV (one row per submission found, graded or not, with the reason) and the
 * Gradescope-format results.json of one submission.
 */
import type { Manifest } from "../manifest.js";
import type { SubmissionResult } from "../runner.js";
import { testSection } from "./feedback.js";

/** One CSV field: quoted when needed; a leading = + - @ is defused so spreadsheets do not run it. */
export function csvField(v: string | number): string {
  let s = String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text from rows of fields, CRLF line ends (RFC 4180). */
export function csvText(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/**
 * The gradebook: header, then one row per result (in the given order): who, where from, status,
 * `late` ("late" or empty), score, points per test, and the reason (not graded) or the notes.
 */
export function gradebookCsv(results: readonly SubmissionResult[], manifest: Manifest): string {
  const header = ["student_id", "name", "submission", "source", "status", "late", "score", "max_score", ...manifest.tests.map((t) => t.id), "reason"];
  const rows = results.map((r) => [
    r.student,
    r.name,
    r.id,
    r.source,
    r.status,
    r.late ? "late" : "",
    r.score,
    r.maxScore,
    ...r.tests.map((t) => t.points),
    r.reason ?? (r.notes.length > 0 ? r.notes.join("; ") : ""),
  ]);
  return csvText([header, ...rows]);
}

/** A test entry of Gradescope's results.json. */
export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  status: "passed" | "failed";
  output: string;
  output_format: "md";
  visibility: "visible";
}

/** Gradescope's results.json for one submission (execution_time added by the caller if wanted). */
export interface GradescopeResults {
  score: number;
  output: string;
  output_format: "md";
  test_output_format: "md";
  visibility: "visible";
  stdout_visibility: "hidden";
  tests: GradescopeTest[];
  execution_time?: number;
}

/** Build results.json content for `r`. */
export function gradescopeResults(r: SubmissionResult, manifest: Manifest): GradescopeResults {
  const summary = r.status === "graded" ? `Score ${r.score} / ${r.maxScore}.` : `Not graded: ${r.reason ?? "unknown reason"}`;
  const notes = r.notes.length > 0 ? `\n\nNotes:\n${r.notes.map((n) => `- ${n}`).join("\n")}` : "";
  return {
    score: r.score,
    output: `${manifest.title} (${manifest.assignment}). ${summary}${notes}`,
    output_format: "md",
    test_output_format: "md",
    visibility: "visible",
    stdout_visibility: "hidden",
    tests: r.tests.map((t, i) => ({
      name: t.name,
      number: String(i + 1),
      score: t.points,
      max_score: t.maxPoints,
      status: t.passed ? "passed" : "failed",
      output: t.passed && t.notes.length === 0 ? "Passed." : testSection(t),
      output_format: "md",
      visibility: "visible",
    })),
  };
}
