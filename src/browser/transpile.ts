/**
 * A notebook cell's TypeScript → the body of an async JavaScript function that runs in the page,
 * where cells share their top-level names as a kernel's cells do.
 *
 * Types are stripped by sucrase (which keeps every line where it was); acorn then finds the
 * cell's top-level statements, and each is rewritten in place, on its own lines:
 * - `import { a, b as c } from "m"` → `({ a, b: c } = await __import("m"))` (also default and `* as`);
 * - `const x = 1, [y, z] = f()` → `(x = 1, [y, z] = f())`; `class C {}` → `C = class C {}`;
 * - `function f() {}` stays (hoisted) and is also stored by `__scope.f = f` on the first line;
 * - a last expression statement `e` → `return (e)`: the cell's value.
 * The names the cell declares are listed in `names`; the runner makes each a property of the
 * shared scope object before it calls the function, so plain assignments reach them.
 */
import { parse } from "acorn";
import { transform } from "sucrase";

/** A compiled cell: `body` has the source's line numbers (line 1 of the body is line 1 of the cell). */
export interface CompiledCell {
  /** Body of `async function (__scope, __import, process) { … }`, strict mode. */
  body: string;
  /** Top-level names the cell declares, in order of first appearance. */
  names: string[];
}

/** A cell that does not parse: the message without position, and where (1-based line and column). */
export class CellSyntaxError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = "SyntaxError";
  }
}

// The parts of acorn's ESTree nodes the rewrite reads.
interface Located { start: number; end: number }
interface Identifier extends Located { type: "Identifier"; name: string }
interface PatternNode extends Located {
  type: string;
  name?: string;
  properties?: PatternNode[];
  elements?: (PatternNode | null)[];
  value?: PatternNode;
  left?: PatternNode;
  argument?: PatternNode;
}
interface Declarator extends Located { id: PatternNode; init: Located | null }
interface Specifier extends Located {
  type: "ImportSpecifier" | "ImportDefaultSpecifier" | "ImportNamespaceSpecifier";
  local: Identifier;
  imported?: { type: string; name?: string; value?: unknown };
}
interface Statement extends Located {
  type: string;
  declarations?: Declarator[];
  specifiers?: Specifier[];
  source?: { value: unknown };
  id?: Identifier | null;
  declaration?: Statement | null;
  expression?: Located;
  directive?: string;
}

/** The source of one cell → a function body and the names it declares; throws CellSyntaxError. */
export function compileCell(source: string): CompiledCell {
  let js: string;
  try {
    js = transform(source, { transforms: ["typescript"], keepUnusedImports: true, disableESTransforms: true }).code;
  } catch (e) {
    throw syntaxError(e);
  }
  let program: { body: Statement[] };
  try {
    program = parse(js, { ecmaVersion: "latest", sourceType: "module", allowAwaitOutsideFunction: true }) as unknown as { body: Statement[] };
  } catch (e) {
    throw syntaxError(e);
  }
  const edits: Edit[] = [];
  const names: string[] = [];
  const hoisted: string[] = [];
  const declare = (name: string) => {
    if (!names.includes(name)) names.push(name);
  };
  const statements = program.body;
  statements.forEach((statement, i) => {
    const last = i === statements.length - 1;
    rewrite(js, statement, last, { edits, declare, hoisted });
  });
  const prelude = `"use strict"; ${hoisted.map((n) => `__scope.${n} = ${n};`).join(" ")}`;
  return { body: prelude + applyEdits(js, edits), names };
}

interface Edit { start: number; end: number; text: string }
interface Sink { edits: Edit[]; declare(name: string): void; hoisted: string[] }

function rewrite(js: string, s: Statement, last: boolean, sink: Sink): void {
  const { edits, declare } = sink;
  switch (s.type) {
    case "ImportDeclaration": {
      const specs = s.specifiers ?? [];
      for (const spec of specs) declare(spec.local.name);
      const bind = specs.map((p) =>
        p.type === "ImportNamespaceSpecifier" ? `${p.local.name} = __m;`
          : p.type === "ImportDefaultSpecifier" ? `${p.local.name} = __m.default;`
            : `({ ${JSON.stringify(importedName(p))}: ${p.local.name} } = __m);`);
      const text = `;{ const __m = await __import(${JSON.stringify(s.source!.value)}); ${bind.join(" ")} }`;
      edits.push({ start: s.start, end: s.end, text: keepLines(js.slice(s.start, s.end), text) });
      return;
    }
    case "VariableDeclaration": {
      const decls = s.declarations!;
      for (const d of decls) patternNames(d.id).forEach(declare);
      edits.push({ start: s.start, end: decls[0].start, text: ";(" });
      for (const d of decls) if (d.init === null) edits.push({ start: d.id.end, end: d.id.end, text: " = void 0" });
      edits.push({ start: decls[decls.length - 1].end, end: decls[decls.length - 1].end, text: ")" });
      return;
    }
    case "FunctionDeclaration":
      declare(s.id!.name);
      sink.hoisted.push(s.id!.name);
      return;
    case "ClassDeclaration":
      declare(s.id!.name);
      edits.push({ start: s.start, end: s.start, text: `;${s.id!.name} = ` });
      edits.push({ start: s.end, end: s.end, text: ";" });
      return;
    case "ExportNamedDeclaration":
    case "ExportDefaultDeclaration":
      if (s.declaration) {
        edits.push({ start: s.start, end: s.declaration.start, text: "" });
        rewrite(js, s.declaration, last, sink);
        return;
      }
      throw new CellSyntaxError("a notebook cell cannot export; declare the name instead (later cells see it)", lineOf(js, s.start), 1);
    case "ExpressionStatement":
      if (last && s.directive === undefined) {
        edits.push({ start: s.start, end: s.start, text: "return (" });
        edits.push({ start: s.expression!.end, end: s.expression!.end, text: ")" });
      }
      return;
    default:
      return;
  }
}

function importedName(spec: Specifier): string {
  const imported = spec.imported!;
  return imported.type === "Identifier" ? imported.name! : String(imported.value);
}

/** Every name a binding pattern declares: `x`, `{ a, b: [c, ...d] = e }` … */
export function patternNames(p: PatternNode | null | undefined): string[] {
  if (!p) return [];
  switch (p.type) {
    case "Identifier":
      return [p.name!];
    case "ObjectPattern":
      return p.properties!.flatMap((prop) => patternNames(prop.type === "RestElement" ? prop.argument : prop.value));
    case "ArrayPattern":
      return p.elements!.flatMap((e) => patternNames(e));
    case "AssignmentPattern":
      return patternNames(p.left);
    case "RestElement":
      return patternNames(p.argument);
    default:
      return [];
  }
}

/** `text` followed by as many line breaks as `original` has, so that later lines keep their numbers. */
function keepLines(original: string, text: string): string {
  return text + "\n".repeat(original.split("\n").length - 1);
}

function applyEdits(js: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = "";
  let at = 0;
  for (const e of sorted) {
    out += js.slice(at, e.start) + e.text;
    at = Math.max(at, e.end);
  }
  return out + js.slice(at);
}

function lineOf(js: string, pos: number): number {
  return js.slice(0, pos).split("\n").length;
}

/** sucrase's and acorn's errors carry `loc` { line (1-based), column (0-based) } and end their message with "(line:column)". */
function syntaxError(e: unknown): CellSyntaxError {
  const err = e as { message?: string; loc?: { line: number; column: number } };
  const message = String(err.message ?? e).replace(/\s*\(\d+:\d+\)\s*$/, "");
  return new CellSyntaxError(message, err.loc?.line ?? 1, (err.loc?.column ?? 0) + 1);
}
