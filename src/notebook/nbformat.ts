// Notebook documents in nbformat 4.5: reading, cell ids, line splitting, a structural check, writing.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

/** nbformat's multiline string: one string or a list of lines (each but the last ending in "\n"). */
export type MultilineString = string | string[];
export type MimeBundle = Record<string, unknown>;

export interface StreamOutput { output_type: "stream"; name: "stdout" | "stderr"; text: MultilineString }
export interface DisplayDataOutput { output_type: "display_data"; data: MimeBundle; metadata: Record<string, unknown> }
export interface ExecuteResultOutput {
  output_type: "execute_result"; data: MimeBundle; metadata: Record<string, unknown>; execution_count: number | null;
}
export interface ErrorOutput { output_type: "error"; ename: string; evalue: string; traceback: string[] }
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: "code"; id: string; source: MultilineString; metadata: Record<string, unknown>;
  execution_count: number | null; outputs: Output[];
}
export interface MarkdownCell {
  cell_type: "markdown"; id: string; source: MultilineString; metadata: Record<string, unknown>;
  attachments?: Record<string, MimeBundle>;
}
export interface RawCell { cell_type: "raw"; id: string; source: MultilineString; metadata: Record<string, unknown> }
export type Cell = CodeCell | MarkdownCell | RawCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

const ID_PATTERN = /^[a-zA-Z0-9-_]{1,64}$/;
/** MIME types whose string values nbformat stores as lists of lines (others: base64 or JSON). */
const TEXT_MIME = /^text\/|\+xml$|^application\/javascript$/;

export const TSLAB_KERNELSPEC = { name: "tslab", display_name: "TypeScript", language: "typescript" };

/** A multiline string as one string. */
export function joinSource(s: MultilineString | undefined): string {
  return Array.isArray(s) ? s.join("") : (s ?? "");
}

/** "a\nb\n" → ["a\n", "b\n"], as Jupyter writes sources and text outputs. */
export function splitLines(s: string): string[] {
  return s.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** A fresh cell id: 8 random hex digits, as Jupyter makes them. */
export function newCellId(): string {
  return randomBytes(4).toString("hex");
}

/** Parse JSON text of a v4 notebook, upgrading it to 4.5 (every cell gets a unique id). `where` names it in errors. */
export function parseNotebook(text: string, where = "notebook"): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(text) as Notebook;
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
  }
  if (nb?.nbformat !== 4 || !Array.isArray(nb.cells)) {
    throw new Error(`${where}: not an nbformat 4 notebook (nbformat=${String(nb?.nbformat)}); convert it with Jupyter first`);
  }
  const seen = new Set<string>();
  for (const cell of nb.cells) {
    if (typeof cell.id !== "string" || !ID_PATTERN.test(cell.id) || seen.has(cell.id)) cell.id = newCellId();
    seen.add(cell.id);
    cell.metadata ??= {};
    if (cell.cell_type === "code") {
      cell.outputs ??= [];
      cell.execution_count ??= null;
    }
  }
  nb.nbformat_minor = Math.max(5, nb.nbformat_minor ?? 5);
  nb.metadata ??= {};
  return nb;
}

/** Read and parse a .ipynb file (see parseNotebook). */
export function readNotebook(path: string): Notebook {
  return parseNotebook(readFileSync(path, "utf8"), path);
}

/** A MIME bundle as nbformat stores it: text types as lists of lines, JSON types as objects. */
export function storeBundle(data: MimeBundle): MimeBundle {
  const out: MimeBundle = {};
  for (const [mime, value] of Object.entries(data)) {
    out[mime] = typeof value === "string" && TEXT_MIME.test(mime) ? splitLines(value) : value;
  }
  return out;
}

/**
 * Notebook → JSON text as Jupyter writes it (1-space indent, sorted keys, lines split, trailing
 * newline), except that an array of numbers stays on one line: a figure's data (a heatmap's rows, a
 * loss curve) would otherwise take a line and its indentation per number, most of a notebook's bytes.
 */
export function serializeNotebook(nb: Notebook): string {
  const normalized: Notebook = {
    ...nb,
    cells: nb.cells.map((c) => {
      const cell = { ...c, source: splitLines(joinSource(c.source)) } as Cell;
      if (cell.cell_type === "code") {
        cell.outputs = cell.outputs.map((o) => (o.output_type === "stream" ? { ...o, text: splitLines(joinSource(o.text)) } : o));
      }
      return cell;
    }),
  };
  return pretty(sortKeys(normalized), "") + "\n";
}

/** JSON.stringify(v, null, 1), with arrays of numbers (and nulls) written on one line. */
function pretty(v: unknown, indent: string): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    if (v.every((x) => typeof x === "number" || x === null)) return JSON.stringify(v).replace(/,/g, ", ");
    const inner = indent + " ";
    return `[\n${v.map((x) => inner + pretty(x, inner)).join(",\n")}\n${indent}]`;
  }
  if (v && typeof v === "object") {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return "{}";
    const inner = indent + " ";
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${pretty(x, inner)}`).join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(v) ?? "null";
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) o[k] = sortKeys((v as Record<string, unknown>)[k]);
    return o;
  }
  return v;
}

/** Structural check against nbformat 4.5's schema (the parts a runner can get wrong); [] when valid. */
export function validateNotebook(nb: Notebook): string[] {
  const errors: string[] = [];
  if (nb.nbformat !== 4) errors.push(`nbformat is ${nb.nbformat}, want 4`);
  if (!(nb.nbformat_minor >= 5)) errors.push(`nbformat_minor is ${nb.nbformat_minor}, want >= 5 (cell ids)`);
  if (typeof nb.metadata !== "object" || nb.metadata === null) errors.push("metadata must be an object");
  const ids = new Set<string>();
  nb.cells.forEach((cell, i) => {
    const at = `cell ${i + 1}`;
    if (!ID_PATTERN.test(cell.id ?? "")) errors.push(`${at}: id ${JSON.stringify(cell.id)} does not match ${ID_PATTERN}`);
    if (ids.has(cell.id)) errors.push(`${at}: duplicate id ${cell.id}`);
    ids.add(cell.id);
    if (!["code", "markdown", "raw"].includes(cell.cell_type)) errors.push(`${at}: unknown cell_type ${String(cell.cell_type)}`);
    if (typeof cell.metadata !== "object") errors.push(`${at}: metadata must be an object`);
    if (!isMultiline(cell.source)) errors.push(`${at}: source must be a string or list of strings`);
    if (cell.cell_type !== "code") {
      if ("outputs" in cell || "execution_count" in cell) errors.push(`${at}: only code cells have outputs/execution_count`);
      return;
    }
    if (!(cell.execution_count === null || Number.isInteger(cell.execution_count))) errors.push(`${at}: execution_count must be an integer or null`);
    if (!Array.isArray(cell.outputs)) { errors.push(`${at}: outputs must be a list`); return; }
    cell.outputs.forEach((o, j) => errors.push(...validateOutput(o).map((e) => `${at} output ${j + 1}: ${e}`)));
  });
  return errors;
}

function validateOutput(o: Output): string[] {
  const allowed: Record<Output["output_type"], string[]> = {
    stream: ["output_type", "name", "text"],
    display_data: ["output_type", "data", "metadata"],
    execute_result: ["output_type", "data", "metadata", "execution_count"],
    error: ["output_type", "ename", "evalue", "traceback"],
  };
  const keys = allowed[o.output_type];
  if (!keys) return [`unknown output_type ${String(o.output_type)}`];
  const errors = Object.keys(o).filter((k) => !keys.includes(k)).map((k) => `unexpected property ${k}`);
  errors.push(...keys.filter((k) => !(k in o)).map((k) => `missing property ${k}`));
  if (o.output_type === "stream" && !["stdout", "stderr"].includes(o.name)) errors.push(`stream name ${o.name}`);
  if (o.output_type === "stream" && !isMultiline(o.text)) errors.push("stream text must be a multiline string");
  if (o.output_type === "execute_result" && !(o.execution_count === null || Number.isInteger(o.execution_count))) {
    errors.push("execution_count must be an integer or null");
  }
  if ((o.output_type === "display_data" || o.output_type === "execute_result")) {
    for (const [mime, v] of Object.entries(o.data ?? {})) {
      if (!/^[^/]+\/[^/]+$/.test(mime)) errors.push(`bad MIME type ${mime}`);
      if (!mime.endsWith("json") && !isMultiline(v)) errors.push(`${mime} must be a string or list of strings`);
    }
  }
  if (o.output_type === "error" && !(Array.isArray(o.traceback) && o.traceback.every((t) => typeof t === "string"))) {
    errors.push("traceback must be a list of strings");
  }
  return errors;
}

function isMultiline(v: unknown): boolean {
  return typeof v === "string" || (Array.isArray(v) && v.every((s) => typeof s === "string"));
}
