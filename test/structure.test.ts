/**
 * The structure rules, checked on src/ and autograder/ as they are: no import circle (type imports
 * included), no function over 80 lines, no file over 400 lines. The imports are read with the
 * TypeScript parser; the check itself is tried on small fixtures built here.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const SRC = join(root, "src");

/** Every .ts file below `dir`. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? tsFiles(join(dir, d.name)) : d.name.endsWith(".ts") ? [join(dir, d.name)] : [],
  );
}

/** The relative modules `source` (the text of `file`) imports or re-exports, type-only ones too, as .ts paths. */
function importsOf(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest);
  const out: string[] = [];
  for (const s of sf.statements) {
    const spec = (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier) ? s.moduleSpecifier.text : null;
    if (spec?.startsWith(".")) out.push(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
  }
  return out;
}

/** The first import circle in `graph` (file → files it imports) as a list of files ending where it starts, or null. */
function findCircle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (f: string): string[] | null => {
    if (state.get(f) === "done" || !graph.has(f)) return null;
    if (state.get(f) === "open") return [...path.slice(path.indexOf(f)), f];
    state.set(f, "open");
    path.push(f);
    for (const g of graph.get(f)!) {
      const circle = visit(g);
      if (circle) return circle;
    }
    path.pop();
    state.set(f, "done");
    return null;
  };
  for (const f of graph.keys()) {
    const circle = visit(f);
    if (circle) return circle;
  }
  return null;
}

/** Functions (declarations, methods, arrows) of `source` longer than `max` lines, as "file:line name (n lines)". */
function longFunctions(file: string, source: string, max: number): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const long: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) && "body" in n && n.body) {
      const first = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
      const lines = sf.getLineAndCharacterOfPosition(n.end).line - first + 1;
      const named = "name" in n && n.name ? n : ts.isVariableDeclaration(n.parent) ? n.parent : null;
      const name = named?.name ? named.name.getText(sf) : "(anonymous)";
      if (lines > max) long.push(`${relative(root, file)}:${first + 1} ${name} (${lines} lines)`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return long;
}

describe("the checks on fixtures", () => {
  it("findCircle finds a circle through a type import and none in a tree", () => {
    const a = "/x/a.ts", b = "/x/b.ts", c = "/x/c.ts";
    const graph = new Map([
      [a, importsOf(a, `import { f } from "./b.js";`)],
      [b, importsOf(b, `export { g } from "./c.js";`)],
      [c, importsOf(c, `import type { T } from "./a.js";\nimport { readFileSync } from "node:fs";`)],
    ]);
    expect(findCircle(graph)).toEqual([a, b, c, a]);
    graph.set(c, importsOf(c, `import { readFileSync } from "node:fs";`));
    expect(findCircle(graph)).toBeNull();
  });

  it("longFunctions counts a function's lines from its start to its end", () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join("\n");
    const source = `export function short() {\n${body(78)}\n}\nconst long = () => {\n${body(79)}\n};\n`;
    expect(longFunctions(join(root, "f.ts"), source, 80)).toEqual(["f.ts:81 long (81 lines)"]);
  });
});

describe.each([["src/", SRC], ["autograder/", join(root, "autograder")]])("%s", (_name, dir) => {
  const files = tsFiles(dir);
  const sources = new Map(files.map((f) => [f, readFileSync(f, "utf8")]));

  it("has no import circle, type imports included", () => {
    const graph = new Map(files.map((f) => [f, importsOf(f, sources.get(f)!)]));
    expect(files.length).toBeGreaterThan(40);
    expect(findCircle(graph)?.map((f) => relative(root, f)) ?? null).toBeNull();
  });

  it("has no function over 80 lines and no file over 400 lines", () => {
    expect(files.flatMap((f) => longFunctions(f, sources.get(f)!, 80))).toEqual([]);
    const long = files.filter((f) => sources.get(f)!.split("\n").length - 1 > 400).map((f) => relative(root, f));
    expect(long).toEqual([]);
  });
});
