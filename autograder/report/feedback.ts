/**
 * Per-student feedback as Markdown (and HTML rendered from it): the score, a table of tests, and
 * for every failed test the failing cases with the first wrong element and the likely mistake.
 * Text that the student's code produced (error messages, printed output) is escaped so it cannot
 * inject Markdown links or HTML.
 */
import MarkdownIt from "markdown-it";
import type { Manifest } from "../manifest.js";
import type { SubmissionResult, TestResult } from "../runner.js";

/** Escape Markdown-significant characters in one line of untrusted text. */
export function mdEscape(s: string): string {
  const flat = s.replace(/\r?\n/g, " ").replace(/[\\`*_<>|]/g, (c) => `\\${c}`);
  // brackets only matter when they could form a link or an image
  return /\]\(|\]:|!\[|\]\[/.test(flat) ? flat.replace(/[[\]]/g, (c) => `\\${c}`) : flat;
}

/** A fenced code block that the text cannot close (the fence is longer than any backtick run in it). */
export function codeBlock(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text.replace(/\r\n/g, "\n").trimEnd()}\n${fence}`;
}

const MAX_CASES_SHOWN = 3;

function who(r: SubmissionResult): string {
  return r.name ? `${r.name} (${r.student})` : r.student;
}

/** Markdown for one failed (or noted) test. */
export function testSection(t: TestResult): string {
  const lines = [`### ${mdEscape(t.name)} — ${t.points} / ${t.maxPoints}`, ""];
  for (const f of t.failures.slice(0, MAX_CASES_SHOWN)) {
    lines.push(`- **${mdEscape(f.label)}**: ${mdEscape(f.message)}`);
    if (f.mistake) lines.push(`  - Likely mistake — **${mdEscape(f.mistake.name)}**: ${mdEscape(f.mistake.hint)}`);
  }
  if (t.failures.length > MAX_CASES_SHOWN) lines.push(`- … and ${t.failures.length - MAX_CASES_SHOWN} more failing case(s).`);
  for (const n of t.notes) lines.push(`- Note: ${mdEscape(n)}`);
  return lines.join("\n");
}

/** The whole feedback for one submission, as Markdown. */
export function feedbackMarkdown(r: SubmissionResult, manifest: Manifest): string {
  const out: string[] = [
    `# ${mdEscape(manifest.title)} (${manifest.assignment}) — feedback for ${mdEscape(who(r))}`,
    "",
    `**Score: ${r.score} / ${r.maxScore}**`,
    "",
  ];
  if (r.status !== "graded") out.push(`This submission could not be graded: ${mdEscape(r.reason ?? "unknown reason")}`, "");
  out.push("| Test | Points | Result |", "|---|---:|---|");
  for (const t of r.tests) out.push(`| ${mdEscape(t.name)} | ${t.points} / ${t.maxPoints} | ${t.passed ? "passed" : "**failed**"} |`);
  out.push("");
  const failed = r.tests.filter((t) => !t.passed);
  if (failed.length > 0 && r.status === "graded") {
    out.push("## What to fix", "");
    out.push(`Outputs are compared with the reference at relative error ≤ ${manifest.tolerance.toExponential(0)} (max |x − y| / max(1e-8, |x| + |y|)), float64 inputs with fixed seeds.`, "");
    for (const t of failed) out.push(testSection(t), "");
  }
  const noted = r.tests.filter((t) => t.passed && t.notes.length > 0);
  for (const t of noted) out.push(testSection(t), "");
  if (r.notes.length > 0) {
    out.push("## Notes", "");
    for (const n of r.notes) out.push(`- ${mdEscape(n)}`);
    out.push("");
  }
  if (r.printed.length > 0) {
    out.push("## What your code printed (first 4 KiB)", "", codeBlock(r.printed), "");
  }
  return out.join("\n");
}

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** A standalone HTML page from Markdown (raw HTML in the Markdown is escaped, not rendered). */
export function htmlPage(title: string, markdown: string): string {
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}",
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem}pre{background:#f4f4f4;padding:.6rem;overflow:auto}</style>",
    "</head><body>",
    md.render(markdown),
    "</body></html>",
    "",
  ].join("\n");
}

/** Escape text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
