/**
 * The LMS import files read back the way each platform reads them: a model of Canvas's gradebook
 * import (app/models/gradebook_importer.rb, the upload's process_gradebook_upload.js) and of
 * Moodle's worksheet upload (mod/assign/feedback/offline: importgradeslib.php, locallib.php
 * process_import_grades), applied to what the platform already holds. A grade a TA entered by hand
 * must survive the import; a graded student gets the grade on the platform's own scale.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { loadManifest } from "../../autograder/manifest.js";
import { canvasImportCsv, fillMoodleWorksheet, moodleGrade, moodleWorksheetCsv, moodleWorksheetFile, WorksheetError } from "../../autograder/report/lms.js";
import type { SubmissionResult } from "../../autograder/runner.js";
import { ROOT } from "./helpers.js";

const manifest = loadManifest(ROOT);
const total = manifest.tests.reduce((s, t) => s + t.points, 0);

/** A result as the grader makes it: `score` points lost on the first test when below full marks. */
function result(student: string, name: string, score: number | undefined, late = false): SubmissionResult {
  const tests = manifest.tests.map((t, i) => {
    const points = score === undefined ? 0 : i === 0 ? Math.max(0, t.points - (total - score)) : t.points;
    return { id: t.id, name: t.name, points, maxPoints: t.points, passed: points === t.points, failures: points === t.points ? [] : [{ label: "case 1", message: "wrong" }], notes: [] };
  });
  const graded = score !== undefined;
  return {
    id: student, student, name, source: `${name}.zip`, late, status: graded ? "graded" : "not graded",
    ...(graded ? {} : { reason: "report.pdf (a PDF document) is not a file of the assignment", category: "uploaded no file of the assignment" }),
    score: score ?? 0, maxScore: total, tests, notes: [], printed: "",
  };
}

/** Canvas's import: rows by ID; a cell counts as a change unless both it and the current grade are blank or they agree to 2 decimals; each change is posted. */
function canvasImport(csv: string, column: string, current: Map<string, string>): Map<string, string> {
  const rows = parseCsv(csv) as string[][];
  const [header, ...students] = rows;
  const after = new Map(current);
  for (const row of students) {
    const id = row[header.indexOf("ID")];
    const grade = (row[header.indexOf(column)] ?? "").trim();
    const was = current.get(id) ?? "";
    const blank = (v: string): boolean => v === "" || v === "-";
    const same = grade === was || (blank(grade) && blank(was)) || (!blank(grade) && !blank(was) && Number(grade).toFixed(2) === Number(was).toFixed(2));
    if (!same) after.set(id, grade); // posted_grade: a blank one removes the grade
  }
  return after;
}

interface MoodleGrade {
  grade?: number;
  feedback: string;
  /** When the grade record was last changed (seconds). */
  modified: number;
}

/** Moodle's worksheet upload for an assignment out of `max` points, with or without "Allow updating records modified more recently". */
function moodleImport(csv: string, max: number, current: Map<string, MoodleGrade>, ignoreModified: boolean): Map<string, MoodleGrade> {
  const rows = parseCsv(csv.replace(/^\uFEFF/, ""), { relax_column_count: true }) as string[][];
  const h = rows[0];
  for (const c of ["Identifier", "Grade", "Last modified (grade)"]) expect(h, c).toContain(c);
  const after = new Map(current);
  for (const row of rows.slice(1)) {
    const id = row[h.indexOf("Identifier")].slice("Participant ".length);
    const had = current.get(id);
    const cell = row[h.indexOf("Grade")].trim();
    const grade = cell === "" ? undefined : Number(cell.replace(",", "."));
    const modified = Date.parse(row[h.indexOf("Last modified (grade)")]) / 1000 || 0;
    const stale = had !== undefined && had.modified > modified + 60;
    const next: MoodleGrade = { ...(had ?? { feedback: "", modified: 0 }) };
    const skip = (had !== undefined && had.grade === grade) || grade === undefined || grade < 0 || (!ignoreModified && stale) || grade > max;
    if (!skip) next.grade = grade;
    const f = h.indexOf("Feedback comments");
    if (f > 0 && (ignoreModified || !stale) && row[f] !== next.feedback) next.feedback = row[f];
    after.set(id, next);
  }
  return after;
}

describe("canvas-import.csv keeps what Canvas has", () => {
  const results = [result("1001", "adaseparate", 100), result("1002", "brownpdf", undefined), result("1007", "garcialate", 92, true)];
  const csv = canvasImportCsv(results, manifest, "Assignment 6 (4321)");

  it("has a row for each graded student only", () => {
    expect(csv).toBe(["Student,ID,SIS User ID,SIS Login ID,Section,Assignment 6 (4321)", "adaseparate,1001,,,,100", "garcialate,1007,,,,92", ""].join("\r\n"));
  });

  it("a grade a TA gave the PDF upload by hand survives the re-import; the graded ones are posted", () => {
    const before = new Map([["1002", "85"], ["1007", "40"]]);
    const after = canvasImport(csv, "Assignment 6 (4321)", before);
    expect(Object.fromEntries(after)).toEqual({ "1001": "100", "1002": "85", "1007": "92" });
    // the row the file had before (a blank for 1002) is what removed that grade
    const withBlank = `${csv}brownpdf,1002,,,,\r\n`;
    expect(canvasImport(withBlank, "Assignment 6 (4321)", before).get("1002")).toBe("");
  });
});

describe("Moodle: grades on the assignment's own scale", () => {
  it("scales to the maximum with at most two decimals, never above it, full marks exactly it", () => {
    expect(moodleGrade(6, 100, 10)).toBe("0.6");
    expect(moodleGrade(61, 100, 7)).toBe("4.27");
    expect(moodleGrade(100, 100, 3.337)).toBe("3.337");
    expect(moodleGrade(99.97, 100, 3.337)).toBe("3.33"); // 3.3360 rounds to 3.34, which Moodle would skip as out of range
    expect(moodleGrade(92, 100, 100)).toBe("92");
    for (let score = 0; score <= 100; score += 0.5) {
      const g = Number(moodleGrade(score, 100, 7.5));
      expect(g, String(score)).toBeLessThanOrEqual(7.5);
      expect(Math.abs(g - (score * 7.5) / 100), String(score)).toBeLessThanOrEqual(0.005 + 1e-12);
    }
  });

  const results = [result("301", "Ada Lovelace", 100), result("302", "Charles Babbage", undefined), result("303", "Grace Hopper", 6, true)];

  it("a new worksheet out of 10: 6/100 imports as 0.6/10, the PDF upload's grade and the TA's comment stay", () => {
    const csv = moodleWorksheetCsv(results, manifest, 10);
    expect(csv).not.toContain("Not graded");
    expect(csv).not.toContain("Participant 302");
    const before = new Map<string, MoodleGrade>([["302", { grade: 7, feedback: "Graded by hand: see me about the PDF", modified: 1_796_000_000 }]]);
    const after = moodleImport(csv, 10, before, true);
    expect(after.get("301")).toMatchObject({ grade: 10, feedback: "a6: 100/100. Every test passed." });
    expect(after.get("302")).toEqual(before.get("302"));
    expect(after.get("303")!.grade).toBe(0.6);
    expect(after.get("303")!.feedback).toMatch(/^a6: 6\/100\. Submitted late\. Points lost: /);
    // a row with a blank grade would still have its Feedback comments stored over the TA's
    const blankRow = `${csv}Participant 302,Charles Babbage,,,,10,Yes,,,\r\n`;
    expect(moodleImport(blankRow, 10, before, true).get("302")).toMatchObject({ grade: 7, feedback: "" });
  });

  it("without a maximum no worksheet is written, and the TA is told what to give", () => {
    const r = moodleWorksheetFile(results, manifest, "moodle-grading-worksheet.csv", {});
    expect(r.text).toBeUndefined();
    expect(r.remarks).toEqual([
      "moodle-grading-worksheet.csv was not written: Moodle reads grades on the assignment's own scale, which this run was not told; give --moodle-worksheet (the grading worksheet downloaded from the assignment) or --moodle-max-grade (its maximum grade in Moodle)",
    ]);
  });

  const downloaded = [
    "Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,Last modified (submission),Last modified (grade),Feedback comments",
    'Participant 301,Ada Lovelace,ada@example.edu,Submitted for grading,,"10,00",Yes,"Monday, 30 November 2026, 11:58 PM",-,',
    'Participant 302,Charles Babbage,cb@example.edu,"Submitted for grading, graded","7,00","10,00",Yes,"Monday, 30 November 2026, 10:00 PM","Tuesday, 1 December 2026, 9:00 AM",Graded by hand: see me about the PDF',
    'Participant 303,Grace Hopper,grace@example.edu,Submitted for grading,,"10,00",Yes,"Tuesday, 1 December 2026, 12:30 AM",-,',
    "",
  ].join("\r\n");

  it("the downloaded worksheet: its Maximum Grade (10,00) is the scale; the row of the student not graded comes back as it was", () => {
    const filled = fillMoodleWorksheet(downloaded, results, manifest, "Grades.csv");
    const lines = filled.text.split("\r\n");
    expect(lines[1]).toBe('Participant 301,Ada Lovelace,ada@example.edu,Submitted for grading,10,"10,00",Yes,"Monday, 30 November 2026, 11:58 PM",-,a6: 100/100. Every test passed.');
    expect(lines[2]).toBe(downloaded.split("\r\n")[2]);
    expect(filled.remarks).toEqual(["grades in Grades.csv were scaled from the assignment's 100 points to Moodle's Maximum Grade 10"]);
    const before = new Map<string, MoodleGrade>([["302", { grade: 7, feedback: "Graded by hand: see me about the PDF", modified: 1_796_115_600 }]]);
    const after = moodleImport(filled.text, 10, before, false);
    expect(after.get("302")).toEqual(before.get("302"));
    expect(after.get("303")!.grade).toBe(0.6);
  });

  it("a worksheet without a numeric Maximum Grade needs --moodle-max-grade; one that disagrees with it is refused", () => {
    const noMax = downloaded.replace(/"10,00"/g, "-");
    expect(() => fillMoodleWorksheet(noMax, [], manifest, "Grades.csv")).toThrow(WorksheetError);
    expect(() => fillMoodleWorksheet(noMax, [], manifest, "Grades.csv")).toThrow(
      `Grades.csv gives no numeric Maximum Grade, and Moodle reads grades on the assignment's own scale: give it with --moodle-max-grade (the assignment's "Maximum grade" in Moodle)`,
    );
    expect(fillMoodleWorksheet(noMax, results, manifest, "Grades.csv", 20).text.split("\r\n")[3]).toMatch(/^Participant 303,Grace Hopper,grace@example.edu,Submitted for grading,1\.2,-,/);
    expect(() => fillMoodleWorksheet(downloaded, [], manifest, "Grades.csv", 20)).toThrow("--moodle-max-grade 20 differs from the Maximum Grade 10 in Grades.csv");
  });
});
