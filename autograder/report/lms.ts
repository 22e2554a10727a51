/**
 * Gradebook files a course platform imports.
 * - Canvas (Grades → Import): a CSV with `Student, ID, SIS User ID, SIS Login ID, Section` and one
 *   assignment column headed `<name> (<Canvas assignment id>)` (a name alone makes Canvas create a
 *   new assignment); Canvas matches rows by `ID`, the user id in the download's file names; any
 *   other column would be read as one more assignment, so there is none.
 * - Moodle (Assignment → View all submissions → Upload grading worksheet): Moodle reads `Identifier`
 *   (`Participant <id>`, the id in the download's names), `Grade`, `Last modified (grade)` (all
 *   three must be there) and `Feedback comments`. Given the worksheet the TA downloaded, the same
 *   file comes back with Grade and Feedback comments filled in and every other cell as it was.
 * A submission that could not be graded gets an empty grade: both platforms then leave that
 * student's grade as it is (a grader's fault or a PDF upload is never imported as a 0).
 */
import { parse } from "csv-parse/sync";
import type { Manifest } from "../manifest.js";
import type { SubmissionResult } from "../runner.js";
import { csvText } from "./gradebook.js";

/** The Canvas assignment column header: "<name> (<id>)", or the name alone for a new assignment. */
export function canvasColumn(manifest: Manifest, assignment?: string): string {
  return assignment?.trim() || `${manifest.assignment.toUpperCase()} ${manifest.title}`;
}

/** Canvas's gradebook import file for `results` (one row per student). */
export function canvasImportCsv(results: readonly SubmissionResult[], manifest: Manifest, assignment?: string): string {
  const rows: (string | number)[][] = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", canvasColumn(manifest, assignment)]];
  for (const r of results) rows.push([r.name || r.student, r.student, "", "", "", r.status === "graded" ? r.score : ""]);
  return csvText(rows);
}

/** One line of feedback for the LMS: the score and what lost points (details are in the feedback files). */
export function feedbackComment(r: SubmissionResult, manifest: Manifest): string {
  if (r.status !== "graded") return `Not graded yet: ${r.reason ?? "see the course staff"}`;
  const lost = r.tests.filter((t) => !t.passed).map((t) => `${t.name} ${t.points}/${t.maxPoints}${t.failures[0]?.mistake ? ` (${t.failures[0].mistake.name})` : ""}`);
  const late = r.late ? " Submitted late." : "";
  return `${manifest.assignment}: ${r.score}/${r.maxScore}.${late}${lost.length > 0 ? ` Points lost: ${lost.join("; ")}.` : " Every test passed."}`;
}

/** The Moodle worksheet's columns, as Moodle names them in English. */
export const MOODLE_COLUMNS = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade", "Grade can be changed", "Last modified (submission)", "Last modified (grade)", "Feedback comments"];

/** "Participant 123" for a Moodle submission (student = the participant id). */
export function moodleIdentifier(r: SubmissionResult): string {
  return `Participant ${r.student}`;
}

/** A grade for Moodle: at most two decimals, no exponent. */
function moodleGrade(score: number, maxScore: number, sheetMax: number): string {
  const v = sheetMax === maxScore ? score : (score * sheetMax) / maxScore;
  return String(Math.round(v * 100) / 100);
}

/** A Moodle grading worksheet for `results` (when the TA has not given the downloaded one). */
export function moodleWorksheetCsv(results: readonly SubmissionResult[], manifest: Manifest): string {
  const rows: (string | number)[][] = [MOODLE_COLUMNS];
  for (const r of results) {
    const grade = r.status === "graded" ? moodleGrade(r.score, r.maxScore, r.maxScore) : "";
    rows.push([moodleIdentifier(r), r.name, r.email ?? "", "", grade, r.maxScore, "Yes", "", "", feedbackComment(r, manifest)]);
  }
  return csvText(rows);
}

/** A worksheet that cannot be filled in (exit code 2 via the caller). */
export class WorksheetError extends Error {}

/**
 * The TA's downloaded worksheet `text` with Grade and Feedback comments filled in for every graded
 * submission whose Identifier it lists; all other cells, rows, the column order, a byte-order mark
 * and the line ends stay as they were. A grade is scaled when the sheet's Maximum Grade differs
 * from the assignment's points. Returns the text and remarks for the TA (students not in the sheet,
 * scaling).
 */
export function fillMoodleWorksheet(text: string, results: readonly SubmissionResult[], manifest: Manifest, file: string): { text: string; remarks: string[] } {
  const bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  let rows: string[][];
  try {
    rows = parse(text.slice(bom.length), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    throw new WorksheetError(`${file} is not a CSV file (${(e as Error).message}): give the grading worksheet Moodle downloaded`);
  }
  const header = rows[0] ?? [];
  const col = (name: string): number => header.indexOf(name);
  const missing = ["Identifier", "Grade", "Last modified (grade)"].filter((c) => col(c) < 0);
  if (missing.length > 0) {
    throw new WorksheetError(`${file} has no ${missing.map((m) => `"${m}"`).join(", ")} column: give the grading worksheet Moodle downloaded (Assignment → View all submissions → Download grading worksheet)`);
  }
  const feedbackCol = col("Feedback comments");
  const maxCol = col("Maximum Grade");
  const byId = new Map(results.map((r) => [moodleIdentifier(r), r]));
  const seen = new Set<string>();
  const remarks: string[] = [];
  let scaled = false;
  for (const row of rows.slice(1)) {
    const r = byId.get(row[col("Identifier")]);
    if (!r) continue;
    seen.add(moodleIdentifier(r));
    if (r.status !== "graded") continue;
    const sheetMax = maxCol >= 0 ? Number((row[maxCol] ?? "").replace(",", ".")) : NaN;
    const max = Number.isFinite(sheetMax) && sheetMax > 0 ? sheetMax : r.maxScore;
    if (max !== r.maxScore) scaled = true;
    row[col("Grade")] = moodleGrade(r.score, r.maxScore, max);
    if (feedbackCol >= 0) row[feedbackCol] = feedbackComment(r, manifest);
  }
  const absent = results.filter((r) => !seen.has(moodleIdentifier(r))).map(moodleIdentifier);
  if (absent.length > 0) remarks.push(`${absent.length} graded submission(s) are not in ${file} (${absent.slice(0, 5).join(", ")}${absent.length > 5 ? ", …" : ""}): Moodle gets no grade for them`);
  if (scaled) remarks.push(`${file}'s Maximum Grade differs from the assignment's ${results[0]?.maxScore ?? 100} points: grades were scaled to it`);
  if (feedbackCol < 0) remarks.push(`${file} has no "Feedback comments" column (the feedback comments plugin is off): only grades are filled in`);
  const quote = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return { text: bom + rows.map((row) => row.map(quote).join(",")).join(eol) + eol, remarks };
}
