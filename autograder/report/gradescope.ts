/**
 * Gradescope's results.json for one submission. Each test of the manifest is a scored entry whose
 * status and points students see at once; what the hidden cases were and where they went wrong
 * (the first wrong element, the likely mistake) is a second, unscored entry with the hidden
 * cases' visibility: `after_due_date` by default, so that with unlimited resubmissions the hidden
 * cases are no oracle. The public cases (the ones students run with `npm run check`) can be shown
 * in full, visible, unscored. Names and lateness come from Gradescope's submission_metadata.json.
 * Gradescope shows no total score while an entry is hidden from the student, so the output states
 * the score (the sum of the visible entries' points). Text from the upload and the platform is
 * escaped with feedback.md's mdEscape.
 */
import type { Manifest } from "../manifest.js";
import type { SubmissionResult, TestResult } from "../runner.js";
import { mdEscape, testSection } from "./feedback.js";

/** When Gradescope shows a test (its `visibility` values). */
export const VISIBILITIES = ["visible", "after_due_date", "after_published", "hidden"] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** The default for the details of the hidden cases. */
export const DEFAULT_HIDDEN_VISIBILITY: Visibility = "after_due_date";

/** A test entry of Gradescope's results.json. */
export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  status: "passed" | "failed";
  output: string;
  output_format: "md";
  visibility: Visibility;
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
  extra_data?: { late: boolean };
  execution_time?: number;
}

/** What Gradescope's submission_metadata.json says about who submitted and when (the parts used here). */
export interface SubmissionMetadata {
  names: string[];
  late: boolean;
  /** e.g. "2026-12-02T08:00:00-08:00, 9 hours after the due date 2026-12-01T23:00:00-08:00" */
  lateBy?: string;
  /** Days after the due date (a fraction; the late policy counts a day started as a day). */
  daysLate?: number;
}

/** Read the fields used here from the text of submission_metadata.json; undefined when it cannot be read. */
export function readSubmissionMetadata(text: string): SubmissionMetadata | undefined {
  let m: { created_at?: unknown; assignment?: { due_date?: unknown; late_due_date?: unknown }; users?: unknown };
  try {
    m = JSON.parse(text) as typeof m;
  } catch {
    return undefined;
  }
  const names = Array.isArray(m.users) ? m.users.map((u: { name?: unknown; email?: unknown }) => String(u?.name ?? u?.email ?? "")).filter(Boolean) : [];
  const created = typeof m.created_at === "string" ? Date.parse(m.created_at) : NaN;
  const due = typeof m.assignment?.due_date === "string" ? Date.parse(m.assignment.due_date) : NaN;
  const late = Number.isFinite(created) && Number.isFinite(due) && created > due;
  const hours = late ? Math.ceil((created - due) / 3_600_000) : 0;
  if (!late) return { names, late };
  const lateBy = `submitted ${m.created_at as string}, ${hours} hour${hours === 1 ? "" : "s"} after the due date ${m.assignment!.due_date as string}`;
  return { names, late, lateBy, daysLate: (created - due) / 86_400_000 };
}

export interface GradescopeOptions {
  /** Visibility of the hidden cases' details (default after_due_date; "visible" shows them at once). */
  hiddenVisibility?: Visibility;
  /** The same submission graded on the public cases: shown in full, visible, unscored. */
  publicResult?: SubmissionResult;
  metadata?: SubmissionMetadata;
}

function summaryLine(t: TestResult, detailsShown: boolean): string {
  if (t.passed) return t.notes.length > 0 ? testSection(t) : "Passed.";
  return detailsShown ? testSection(t) : "Failed. Which hidden case and why is shown after the due date; `npm run check` runs the public cases now.";
}

/** Build results.json content for `r` (the hidden cases' result). */
export function gradescopeResults(r: SubmissionResult, manifest: Manifest, opts: GradescopeOptions = {}): GradescopeResults {
  const hidden = opts.hiddenVisibility ?? DEFAULT_HIDDEN_VISIBILITY;
  const detailsNow = hidden === "visible";
  // Names, the reason and the notes carry text from the upload (file names) and the platform: escaped, as in feedback.md.
  const who = opts.metadata && opts.metadata.names.length > 0 ? ` Graded for ${mdEscape(opts.metadata.names.join(", "))}.` : "";
  const late = opts.metadata?.late ? ` Late: ${mdEscape(opts.metadata.lateBy ?? "")}.` : "";
  const summary = r.status === "graded" ? `Score ${r.score} / ${r.maxScore}.` : `Not graded: ${mdEscape(r.reason ?? "unknown reason")}`;
  const notes = r.notes.length > 0 ? `\n\nNotes:\n${r.notes.map((n) => `- ${mdEscape(n)}`).join("\n")}` : "";
  const tests: GradescopeTest[] = [];
  r.tests.forEach((t, i) => {
    tests.push({ name: t.name, number: `${i + 1}`, score: t.points, max_score: t.maxPoints, status: t.passed ? "passed" : "failed", output: summaryLine(t, detailsNow), output_format: "md", visibility: "visible" });
  });
  if (!detailsNow) {
    r.tests.forEach((t, i) => {
      if (t.passed && t.notes.length === 0) return;
      tests.push({ name: `${t.name} — hidden cases, details`, number: `${i + 1}.1`, score: 0, max_score: 0, status: t.passed ? "passed" : "failed", output: testSection(t), output_format: "md", visibility: hidden });
    });
  }
  opts.publicResult?.tests.forEach((t, i) => {
    tests.push({ name: `${t.name} — public cases`, number: `${i + 1}.2`, score: 0, max_score: 0, status: t.passed ? "passed" : "failed", output: t.passed && t.notes.length === 0 ? "Passed." : testSection(t), output_format: "md", visibility: "visible" });
  });
  tests.sort((a, b) => compareNumbers(a.number, b.number));
  return {
    score: r.score,
    output: `${mdEscape(manifest.title)} (${manifest.assignment}). ${summary}${who}${late}${notes}`,
    output_format: "md",
    test_output_format: "md",
    visibility: "visible",
    stdout_visibility: "hidden",
    tests,
    ...(opts.metadata ? { extra_data: { late: opts.metadata.late } } : {}),
  };
}

/** "2" < "2.1" < "2.2" < "10". */
function compareNumbers(a: string, b: string): number {
  const [ai, af = 0] = a.split(".").map(Number);
  const [bi, bf = 0] = b.split(".").map(Number);
  return ai - bi || af - bf;
}
