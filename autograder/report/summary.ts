/**
 * The class summary: an HTML page with a score histogram and the pass rate of every test (plotly
 * figures drawn by the plotly.js bundle copied next to the page — no CDN), plus the same numbers as
 * tables so the page is readable without JavaScript.
 */
import type { Manifest } from "../manifest.js";
import type { SubmissionResult } from "../runner.js";
import { escapeHtml } from "./feedback.js";

/** The file name the page loads plotly from (copied next to it by the caller). */
export const PLOTLY_FILE = "plotly.js";

/** Per-test pass counts over the graded submissions. */
export interface TestStats {
  id: string;
  name: string;
  passed: number;
  total: number;
}

export function testStats(results: readonly SubmissionResult[], manifest: Manifest): TestStats[] {
  return manifest.tests.map((t) => {
    let passed = 0;
    for (const r of results) if (r.tests.find((x) => x.id === t.id)?.passed) passed++;
    return { id: t.id, name: t.name, passed, total: results.length };
  });
}

/** JSON safe inside a <script> element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** Score histogram: 20 bins of max/20 points each, [k·w, (k+1)·w), and one more for full marks, so no score is cut off. */
export function scoreBins(scores: readonly number[], max: number): { labels: string[]; counts: number[] } {
  const w = max / 20;
  const labels = Array.from({ length: 21 }, (_, k) => (k === 20 ? `${max}` : `${Number((k * w).toFixed(2))}–${Number(((k + 1) * w).toFixed(2))}`));
  const counts = new Array<number>(21).fill(0);
  for (const s of scores) counts[s >= max ? 20 : Math.max(0, Math.min(19, Math.floor(s / w)))]++;
  return { labels, counts };
}

/** The summary page for `results` (deterministic: no dates, fixed order). Submissions not graded are listed apart and enter no statistic. */
export function summaryHtml(results: readonly SubmissionResult[], manifest: Manifest): string {
  const graded = results.filter((r) => r.status === "graded");
  const ungraded = results.filter((r) => r.status !== "graded");
  const stats = testStats(graded, manifest);
  const scores = graded.map((r) => r.score);
  const max = manifest.tests.reduce((s, t) => s + t.points, 0);
  const mean = scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : 0;
  const sorted = [...scores].sort((a, b) => a - b);
  const median = sorted.length ? (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2 : 0;
  const bins = scoreBins(scores, max);
  const histogram = {
    data: [{ type: "bar", x: bins.labels, y: bins.counts, marker: { color: "#4c78a8" } }],
    layout: { title: { text: "Scores of the graded submissions" }, xaxis: { title: { text: `score (of ${max}; the last bar is full marks)` }, type: "category" }, yaxis: { title: { text: "submissions" } }, bargap: 0.05 },
  };
  const rates = {
    data: [{ type: "bar", orientation: "h", y: stats.map((s) => s.name), x: stats.map((s) => (s.total ? (100 * s.passed) / s.total : 0)), marker: { color: "#59a14f" } }],
    layout: { title: { text: "Pass rate per test (%)" }, xaxis: { range: [0, 100] }, yaxis: { autorange: "reversed", automargin: true }, height: 120 + 22 * stats.length, margin: { l: 260 } },
  };
  const rows = stats
    .map((s) => `<tr><td>${escapeHtml(s.name)}</td><td>${s.passed} / ${s.total}</td><td>${s.total ? ((100 * s.passed) / s.total).toFixed(1) : "0.0"}%</td></tr>`)
    .join("\n");
  const link = (r: SubmissionResult): string => `<a href="feedback/${encodeURIComponent(r.id)}.html">feedback</a>`;
  const subs = graded
    .map((r) => `<tr><td>${escapeHtml(r.student)}</td><td>${escapeHtml(r.name)}</td><td>${r.score} / ${r.maxScore}</td><td>${r.late ? "late" : ""}</td><td>${escapeHtml(r.notes.join("; "))}</td><td>${link(r)}</td></tr>`)
    .join("\n");
  const apart = ungraded
    .map((r) => `<tr><td>${escapeHtml(r.student)}</td><td>${escapeHtml(r.name)}</td><td>${r.late ? "late" : ""}</td><td>${escapeHtml(r.reason ?? "")}</td><td>${link(r)}</td></tr>`)
    .join("\n");
  const notGradedSection = ungraded.length === 0
    ? ""
    : `<h2>Not graded (${ungraded.length})</h2>
<p>These enter neither the histogram nor the mean nor the pass rates.</p>
<table><tr><th>student</th><th>name</th><th>late</th><th>reason</th><th></th></tr>
${apart}
</table>
`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>${escapeHtml(manifest.assignment)} class summary</title>
<script src="${PLOTLY_FILE}"></script>
<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}</style>
</head><body>
<h1>${escapeHtml(manifest.title)} (${escapeHtml(manifest.assignment)}) — class summary</h1>
<p>${results.length} submissions, ${graded.length} graded, ${ungraded.length} not graded. Of the graded: mean ${mean.toFixed(2)}, median ${median.toFixed(2)} of ${max} points.</p>
<div id="histogram"></div>
<div id="rates"></div>
<h2>Pass rate per test (graded submissions)</h2>
<table><tr><th>test</th><th>passed</th><th>rate</th></tr>
${rows}
</table>
<h2>Graded submissions</h2>
<table><tr><th>student</th><th>name</th><th>score</th><th>late</th><th>notes</th><th></th></tr>
${subs}
</table>
${notGradedSection}<script>
(function () {
  if (typeof Plotly === "undefined") return;
  var h = ${scriptJson(histogram)};
  var r = ${scriptJson(rates)};
  Plotly.newPlot("histogram", h.data, h.layout, { staticPlot: false, displaylogo: false });
  Plotly.newPlot("rates", r.data, r.layout, { displaylogo: false });
})();
</script>
</body></html>
`;
}
