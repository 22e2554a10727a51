/**
 * Solution regions, as nbgrader marks them: the lines between `// BEGIN SOLUTION` and
 * `// END SOLUTION` (markers included) are replaced by one line that throws the library's
 * NotImplementedError ("<function> is not implemented yet — see assignments/a6/README.md, section
 * “…”", printed as that one line), indented like the marker; the file gets the import it needs.
 * Markers stand only in the files students hand in (some assignment's manifest `files`); a release
 * strips its own assignment's and keeps the code of another's (dropMarkers). What else differs in
 * the student kit is configuration (kit.ts).
 */

export const BEGIN_MARKER = /^(\s*)\/\/\s*BEGIN SOLUTION\b.*$/;
export const END_MARKER = /^\s*\/\/\s*END SOLUTION\b.*$/;

/** One stripped region: the enclosing function's name and the removed lines (markers excluded). */
export interface SolutionRegion {
  fn: string;
  startLine: number; // 1-based line of the BEGIN marker
  lines: string[];
}

export interface StripResult {
  text: string;
  regions: SolutionRegion[];
}

const FUNCTION_HEAD = [
  /\bfunction\s*\*?\s*([A-Za-z_$][\w$]*)\s*[<(]/,
  /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s*)?(?:function\b|\(|[A-Za-z_$][\w$]*\s*=>)/,
  /^\s*(?:(?:public|private|protected|static|async|override|readonly)\s+)*([A-Za-z_$][\w$]*)\s*\([^)]*\)?[^;]*\{\s*$/,
];
const NOT_NAMES = new Set(["if", "for", "while", "switch", "catch", "return", "else", "do", "try", "with"]);

/** Name of the function whose head is the nearest one above line `at` (0-based), or "This function". */
export function enclosingFunction(lines: readonly string[], at: number): string {
  for (let i = at - 1; i >= 0; i--) {
    for (const re of FUNCTION_HEAD) {
      const m = re.exec(lines[i]);
      if (m && !NOT_NAMES.has(m[1])) return m[1];
    }
  }
  return "This function";
}

/** The "not implemented" line that replaces a region; `where` says where the handout explains `fn`. */
export function notImplementedLine(indent: string, fn: string, where: string): string {
  return `${indent}throw new NotImplementedError(${JSON.stringify(fn)}, ${JSON.stringify(where)});`;
}

/** The import of NotImplementedError for the file at `file` (a path from the kit's root, e.g. src/layers/relu.ts). */
export function notImplementedImport(file: string): string {
  const depth = file.split("/").length - 2; // folders below src/
  const rel = file.startsWith("src/") ? (depth > 0 ? "../".repeat(depth) : "./") : "./src/";
  return `import { NotImplementedError } from "${rel}notImplemented.js";`;
}

/**
 * Replace every solution region of `source` (TypeScript/JavaScript text). Throws when markers do
 * not pair up, naming `file` and the line, so a broken marker never leaks a solution.
 */
export function stripSolutions(source: string, file: string, handout = "assignments/a6/README.md", sections: Readonly<Record<string, string>> = {}): StripResult {
  const eol = source.includes("\r\n") ? "\r\n" : "\n";
  const lines = source.split(/\r?\n/);
  const out: string[] = [];
  const regions: SolutionRegion[] = [];
  let open: { indent: string; at: number; body: string[] } | undefined;
  lines.forEach((line, i) => {
    const begin = BEGIN_MARKER.exec(line);
    if (begin) {
      if (open) throw new Error(`${file}:${i + 1}: BEGIN SOLUTION inside another solution region (opened at line ${open.at + 1})`);
      open = { indent: begin[1], at: i, body: [] };
      return;
    }
    if (END_MARKER.test(line)) {
      if (!open) throw new Error(`${file}:${i + 1}: END SOLUTION without a matching BEGIN SOLUTION`);
      const fn = enclosingFunction(lines, open.at);
      regions.push({ fn, startLine: open.at + 1, lines: open.body });
      out.push(notImplementedLine(open.indent, fn, sections[fn] ? `${handout}, section “${sections[fn]}”` : handout));
      open = undefined;
      return;
    }
    if (open) open.body.push(line);
    else out.push(line);
  });
  if (open) throw new Error(`${file}:${open.at + 1}: BEGIN SOLUTION is never closed by END SOLUTION`);
  if (regions.length > 0) {
    const first = out.findIndex((l) => /^import\b/.test(l));
    out.splice(first < 0 ? 0 : first, 0, notImplementedImport(file));
  }
  return { text: out.join(eol), regions };
}

/**
 * `source` with its solution markers removed and the code between them kept: another assignment's
 * solution, which this kit runs as library code. Throws on markers that do not pair up, as
 * stripSolutions does.
 */
export function dropMarkers(source: string, file: string): string {
  stripSolutions(source, file);
  const eol = source.includes("\r\n") ? "\r\n" : "\n";
  return source
    .split(/\r?\n/)
    .filter((line) => !BEGIN_MARKER.test(line) && !END_MARKER.test(line))
    .join(eol);
}

/** True when the text contains a solution marker. */
export function hasSolutionMarkers(source: string): boolean {
  return /\/\/\s*(BEGIN|END) SOLUTION\b/.test(source);
}
