/**
 * Gradebook files a course platform imports.
 * - Canvas (Grades → Import): a CSV with `Student, ID, SIS User ID, SIS Login ID, Section` and one
 *   assignment column headed `<name> (<Canvas assignment id>)` (a name alone makes Canvas create a
 *   new assignment); Canvas matches rows by `ID`, the user id in the download's file names; any
 *   other column would be read as one more assignment, so there is none. Canvas posts a blank cell
 *   as a removed grade (its importer counts blank against a present grade as a change), while a
 *   student who has no row is left as they are: so a student who was not graded has no row.
 * - Moodle (Assignment → View all submissions → Upload grading worksheet): Moodle reads `Identifier`
 *   (`Participant <id>`, the id in the download's names), `Grade`, `Last modified (grade)` (all
 *   three must be there) and `Feedback comments`. Grade is on the assignment's own scale (Moodle
 *   skips a grade above its maximum and never reads `Maximum Grade`), so grades are scaled to that
 *   maximum. Given the worksheet the TA downloaded, the same file comes back with Grade and Feedback
 *   comments filled in for the graded students and every other cell as it was; a worksheet written
 *   from scratch has rows for the graded students only (Moodle would store a blank Feedback
 *   comments cell over the comment a TA wrote).
 * A submission that could not be graded (a grader's fault, a PDF upload) is never imported as a 0.
 */
import { parse } from "csv-parse/sync";
import type { Manifest } from "../manifest.js";
import type { SubmissionResult } from "../runner.js";
import { csvText } from "./gradebook.js";

/** The Canvas assignment column header: "<name> (<id>)", or the name alone for a new assignment. */
export function canvasColumn(manifest: Manifest, assignment?: string): string {
  return assignment?.trim() || `${manifest.assignment.toUpperCase()} ${manifest.title}`;
}

/** Canvas's gradebook import file for `results`: one row per graded student, none for the others. */
export function canvasImportCsv(results: readonly SubmissionResult[], manifest: Manifest, assignment?: string): string {
  const rows: (string | number)[][] = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", canvasColumn(manifest, assignment)]];
  for (const r of results) if (r.status === "graded") rows.push([r.name || r.student, r.student, "", "", "", r.score]);
  return csvText(rows);
}

/** One line of feedback for the LMS on a graded submission: the score, lateness and what lost points (details are in the feedback files). */
export function feedbackComment(r: SubmissionResult, manifest: Manifest): string {
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

/**
 * `score` of `maxScore` points as a grade out of Moodle's `moodleMax`: at most two decimals, no
 * exponent, never above `moodleMax` (Moodle skips a grade above the maximum), full marks exactly it.
 */
export function moodleGrade(score: number, maxScore: number, moodleMax: number): string {
  if (score >= maxScore) return String(moodleMax);
  const v = (score * moodleMax) / maxScore;
  const rounded = Math.round(v * 100) / 100;
  return String(rounded > moodleMax ? Math.floor(v * 100) / 100 : rounded);
}

/** A Moodle grading worksheet for the graded `results`, grades out of `moodleMax` (when the TA has not given the downloaded one). */
export function moodleWorksheetCsv(results: readonly SubmissionResult[], manifest: Manifest, moodleMax: number): string {
  const rows: (string | number)[][] = [MOODLE_COLUMNS];
  for (const r of results) {
    if (r.status !== "graded") continue;
    rows.push([moodleIdentifier(r), r.name, r.email ?? "", "", moodleGrade(r.score, r.maxScore, moodleMax), String(moodleMax), "Yes", "", "", feedbackComment(r, manifest)]);
  }
  return csvText(rows);
}

/** A worksheet that cannot be filled in (exit code 2 via the caller). */
export class WorksheetError extends Error {}

/** A number as Moodle writes it in a worksheet ("10.00", "10,00"); undefined unless a positive number. */
function moodleNumber(cell: string | undefined): number | undefined {
  const v = Number((cell ?? "").trim().replace(",", "."));
  return (cell ?? "").trim() !== "" && Number.isFinite(v) && v > 0 ? v : undefined;
}

/** The assignment's maximum grade: the worksheet's Maximum Grade column, else `option`; refused when neither gives one, or they differ. */
function worksheetMaximum(rows: readonly string[][], maxCol: number, option: number | undefined, file: string): number {
  const found = new Set<number>();
  for (const row of maxCol >= 0 ? rows.slice(1) : []) {
    const v = moodleNumber(row[maxCol]);
    if (v !== undefined) found.add(v);
  }
  if (found.size > 1) throw new WorksheetError(`${file} gives more than one Maximum Grade (${[...found].join(", ")}): give the worksheet of one assignment as Moodle downloaded it`);
  const sheet = found.size === 1 ? [...found][0] : undefined;
  if (sheet !== undefined && option !== undefined && sheet !== option) {
    throw new WorksheetError(`--moodle-max-grade ${option} differs from the Maximum Grade ${sheet} in ${file}: leave the option out, or give the worksheet of this assignment`);
  }
  const max = sheet ?? option;
  if (max === undefined) {
    throw new WorksheetError(`${file} gives no numeric Maximum Grade, and Moodle reads grades on the assignment's own scale: give it with --moodle-max-grade (the assignment's "Maximum grade" in Moodle)`);
  }
  return max;
}

/** Parse a worksheet `text` and check that Moodle could read it back: its rows, the byte-order mark and line end to keep. */
function readWorksheet(text: string, file: string): { rows: string[][]; bom: string; eol: string } {
  const bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  let rows: string[][];
  try {
    rows = parse(text.slice(bom.length), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    throw new WorksheetError(`${file} is not a CSV file (${(e as Error).message}): give the grading worksheet Moodle downloaded`);
  }
  const header = rows[0] ?? [];
  const missing = ["Identifier", "Grade", "Last modified (grade)"].filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new WorksheetError(`${file} has no ${missing.map((m) => `"${m}"`).join(", ")} column: give the grading worksheet Moodle downloaded (Assignment → View all submissions → Download grading worksheet)`);
  }
  return { rows, bom, eol };
}

/**
 * The TA's downloaded worksheet `text` with Grade and Feedback comments filled in for every graded
 * submission whose Identifier it lists, grades scaled to the assignment's maximum (the sheet's
 * Maximum Grade, else `moodleMax`); all other cells, rows (also of students not graded), the column
 * order, a byte-order mark and the line ends stay as they were. Returns the text and remarks for
 * the TA (graded students not in the sheet, scaling). Throws WorksheetError for a sheet Moodle
 * would not take back or whose maximum is unknown.
 */
export function fillMoodleWorksheet(text: string, results: readonly SubmissionResult[], manifest: Manifest, file: string, moodleMax?: number): { text: string; remarks: string[] } {
  const { rows, bom, eol } = readWorksheet(text, file);
  const header = rows[0];
  const col = (name: string): number => header.indexOf(name);
  const feedbackCol = col("Feedback comments");
  const max = worksheetMaximum(rows, col("Maximum Grade"), moodleMax, file);
  const graded = results.filter((r) => r.status === "graded");
  const byId = new Map(graded.map((r) => [moodleIdentifier(r), r]));
  const seen = new Set<string>();
  for (const row of rows.slice(1)) {
    const r = byId.get(row[col("Identifier")]);
    if (!r) continue;
    seen.add(moodleIdentifier(r));
    row[col("Grade")] = moodleGrade(r.score, r.maxScore, max);
    if (feedbackCol >= 0) row[feedbackCol] = feedbackComment(r, manifest);
  }
  const remarks: string[] = [];
  const absent = graded.filter((r) => !seen.has(moodleIdentifier(r))).map(moodleIdentifier);
  if (absent.length > 0) remarks.push(`${absent.length} graded submission(s) are not in ${file} (${absent.slice(0, 5).join(", ")}${absent.length > 5 ? ", …" : ""}): Moodle gets no grade for them`);
  const points = graded[0]?.maxScore;
  if (points !== undefined && max !== points) remarks.push(`grades in ${file} were scaled from the assignment's ${points} points to Moodle's Maximum Grade ${max}`);
  if (feedbackCol < 0) remarks.push(`${file} has no "Feedback comments" column (the feedback comments plugin is off): only grades are filled in`);
  const quote = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return { text: bom + rows.map((row) => row.map(quote).join(",")).join(eol) + eol, remarks };
}

/**
 * What to write as the Moodle worksheet `name` for `results`: the TA's downloaded `worksheet` (from
 * `file`) filled in, else a new worksheet when `moodleMax` is known, else no text and a remark on
 * what to give (a grade out of the assignment's points would be read on Moodle's own scale).
 */
export function moodleWorksheetFile(results: readonly SubmissionResult[], manifest: Manifest, name: string, opts: { worksheet?: string; file?: string; moodleMax?: number }): { text?: string; remarks: string[] } {
  if (opts.worksheet !== undefined) return fillMoodleWorksheet(opts.worksheet, results, manifest, opts.file ?? name, opts.moodleMax);
  if (opts.moodleMax !== undefined) return { text: moodleWorksheetCsv(results, manifest, opts.moodleMax), remarks: [] };
  return {
    remarks: [`${name} was not written: Moodle reads grades on the assignment's own scale, which this run was not told; give --moodle-worksheet (the grading worksheet downloaded from the assignment) or --moodle-max-grade (its maximum grade in Moodle)`],
  };
}
