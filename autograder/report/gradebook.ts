/** The gradebook CSV: one row per submission found, graded or not, with the reason. */
import type { Manifest } from "../manifest.js";
import type { SubmissionResult } from "../runner.js";

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
