// Results the prose of a notebook states, checked against what its cells print, so that a sentence
// cannot go on claiming "about 98%" after the cell beside it printed 99.02%.
//
// What counts as a stated result: a percentage ("99.02%", "about 98 %") or a ratio ("16×",
// "110 times") in a markdown cell's text; math ($…$, $$…$$), code (`…`, fenced or indented blocks),
// HTML comments and quotations (lines starting with ">", for results of other people's work, such
// as a paper's) are left out, and so is a dimension such as "28 × 28".
// Where it must be printed: by a code cell of the same section (the cells between the headings
// around the sentence); for a section without code cells (an introduction, a summary) by any code
// cell of the notebook; a sentence that names "notebook N" may also cite notebook N's outputs.
// What backs it: a printed number of the same kind (a percentage for a percentage, any number for a
// ratio) that rounds to it at the precision it is written with ("98%" needs 97.5 to 98.5, "90%"
// 89.5 to 90.5; a ratio's trailing zeros are not significant: "2,400 times" needs 2,350 to 2,450). Printed numbers after ≥, ≤, >, < are the thresholds of checks, not results,
// and so is the label of a check() line ("✓ label = value" counts only its value).
import { joinSource, type Notebook } from "./nbformat.js";

export type ResultKind = "percent" | "ratio";

/** One result stated in prose: its kind, value, and the half-width of the interval its precision allows. */
export interface StatedResult {
  kind: ResultKind;
  value: number;
  tolerance: number;
  /** The words as written, e.g. "99.02%" or "110 times". */
  text: string;
}

/** A stated result that no printed number backs. */
export interface ProseContradiction {
  /** 1-based cell number (markdown cells counted), as a reader counts them. */
  cell: number;
  stated: string;
  /** The section's printed numbers of that kind (what the sentence should have said), at most 8. */
  printed: string[];
}

const NUMBER = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;
const PERCENT = new RegExp(String.raw`(?<![\w.,])(${NUMBER})\s?%`, "g");
/** "16×", "3.1 ×", "110 times" — not "28 × 28" or "5×5" or "$\times$". */
const RATIO = new RegExp(String.raw`(?<![\w.,])(${NUMBER})(?:\s?×(?!\s?[\d$(\\])|\s+times\b)`, "g");
const THRESHOLD = /[≥≤<>]\s*$/;

/** The text of a markdown cell that can state results: without math, code and comments. */
export function proseText(markdown: string): string {
  return markdown
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/^(```|~~~)[\s\S]*?^\1/gm, " ")
    .replace(/^(?: {4}|\t).*$/gm, " ")
    .replace(/^\s*>.*$/gm, " ")
    .replace(/\$\$[\s\S]*?\$\$/g, " ")
    .replace(/\$(?:\\\$|[^$\n])+\$/g, " ")
    .replace(/`[^`\n]*`/g, " ");
}

/** Percentages and ratios stated in `markdown` (see the rules at the top of this file). */
export function statedResults(markdown: string): StatedResult[] {
  const text = proseText(markdown);
  const found: StatedResult[] = [];
  for (const [kind, pattern] of [["percent", PERCENT], ["ratio", RATIO]] as const) {
    for (const m of text.matchAll(pattern)) {
      found.push({ kind, ...precision(m[1]!, kind), text: m[0].trim() });
    }
  }
  return found;
}

/** "99.02" → 99.02 ± 0.005; "98" → 98 ± 0.5; a ratio "2,400" → 2400 ± 50 (its trailing zeros are not significant). */
function precision(written: string, kind: ResultKind): { value: number; tolerance: number } {
  const plain = written.replace(/,/g, "");
  const value = Number(plain);
  const decimals = plain.includes(".") ? plain.split(".")[1]!.length : 0;
  const zeros = kind === "ratio" && decimals === 0 && value >= 10 ? /0*$/.exec(plain)![0].length : 0;
  return { value, tolerance: 0.5 * 10 ** (zeros - decimals) };
}

/** A number in output text, with its % sign if it has one. */
const PRINTED_NUMBER = new RegExp(String.raw`(?<![\w.])-?(${NUMBER}(?:e[-+]?\d+)?)(\s?%)?`, "g");

/** Numbers a cell's output text prints, by kind; thresholds and check labels left out. */
export function printedNumbers(output: string): Record<ResultKind, number[]> {
  const printed: Record<ResultKind, number[]> = { percent: [], ratio: [] };
  for (let line of output.split("\n")) {
    if (line.startsWith("✓ ") && line.includes(" = ")) line = line.slice(line.lastIndexOf(" = ") + 3);
    for (const m of line.matchAll(PRINTED_NUMBER)) {
      if (THRESHOLD.test(line.slice(0, m.index))) continue;
      const v = Number(m[1]!.replace(/,/g, ""));
      printed.ratio.push(v);
      if (m[2]) printed.percent.push(v);
    }
  }
  return printed;
}

/** All text a code cell's outputs show: streams, and text/plain or text/markdown of displays. */
function outputText(cell: Notebook["cells"][number]): string {
  if (cell.cell_type !== "code") return "";
  return cell.outputs.map((o) => {
    if (o.output_type === "stream") return joinSource(o.text);
    if (o.output_type === "error") return "";
    const md = o.data["text/markdown"] ?? o.data["text/plain"];
    return typeof md === "string" || Array.isArray(md) ? joinSource(md as string | string[]) : "";
  }).join("\n");
}

/**
 * Every stated result of `nb` that its outputs do not back. `others` maps a notebook's number (as
 * prose names it: "notebook 2") to that notebook, for sentences that cite another notebook's result.
 */
export function proseContradictions(nb: Notebook, others: ReadonlyMap<number, Notebook> = new Map()): ProseContradiction[] {
  // Split the notebook into sections at markdown headings; remember which code cells each holds.
  interface Block { cell: number; text: string; section: number }
  const blocks: Block[] = [];
  const sectionCode = new Map<number, string[]>();
  let section = 0;
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type === "code") {
      sectionCode.set(section, [...(sectionCode.get(section) ?? []), outputText(cell)]);
      return;
    }
    if (cell.cell_type !== "markdown") return;
    let text = "";
    for (const line of joinSource(cell.source).split("\n")) {
      if (/^#{1,6}\s/.test(line)) {
        if (text.trim()) blocks.push({ cell: i + 1, text, section });
        text = "";
        section++;
      }
      text += line + "\n";
    }
    if (text.trim()) blocks.push({ cell: i + 1, text, section });
  });
  const all = nb.cells.map(outputText);
  const contradictions: ProseContradiction[] = [];
  for (const block of blocks) {
    const own = sectionCode.get(block.section) ?? all;
    const cited = [...block.text.matchAll(/\bnotebook (\d+)\b/gi)]
      .map((m) => others.get(Number(m[1])))
      .filter((o): o is Notebook => o !== undefined && o !== nb)
      .flatMap((o) => o.cells.map(outputText));
    const printed = printedNumbers([...own, ...cited].join("\n"));
    let ownPrinted: Record<ResultKind, number[]> | undefined; // for the message, once per block
    for (const r of statedResults(block.text)) {
      const candidates = printed[r.kind];
      if (candidates.some((p) => Math.abs(p - r.value) <= r.tolerance * (1 + 1e-9))) continue;
      contradictions.push({
        cell: block.cell,
        stated: r.text,
        printed: [...new Set((ownPrinted ??= printedNumbers(own.join("\n")))[r.kind])].slice(0, 8).map((v) => (r.kind === "percent" ? `${v}%` : String(v))),
      });
    }
  }
  return contradictions;
}
