// Cells in the page: TypeScript compiled in place, top-level names shared between cells like a
// kernel's, imports from the page's modules, the last expression as the cell's value, errors with
// the cell line they happened on. Run here in a fresh vm context, the page worker's stand-in.
import { createContext, runInContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { CellError, CellRunner } from "../../src/browser/cells.js";
import { compileCell, CellSyntaxError } from "../../src/browser/transpile.js";

function kernel(modules: Record<string, unknown> = {}) {
  const context = createContext({ console, setTimeout });
  const scope = runInContext("globalThis", context) as Record<string, unknown>;
  const imported: string[] = [];
  const runner = new CellRunner({
    evaluate: (code, name) => runInContext(code, context, { filename: name }),
    scope,
    importModule: async (id) => {
      imported.push(id);
      if (!(id in modules)) throw new Error(`no module ${id}`);
      return modules[id];
    },
    process: { env: { ANSWER: "42" } },
  });
  let n = 0;
  return { scope, imported, run: (source: string) => runner.run(source, `cell-${++n}.js`) };
}

describe("compileCell", () => {
  it("keeps every line where it was", () => {
    const source = [
      'import {',
      '  a, b as c,',
      '  type T,',
      '} from "m";',
      "const x: number = 1, { y, z: [w] } = { y: 2, z: [3] };",
      "function f(v: number): number {",
      "  return v + 1;",
      "}",
      "class K {}",
      "f(x)",
    ].join("\n");
    const { body, names } = compileCell(source);
    expect(body.split("\n")).toHaveLength(10);
    expect(body.split("\n")[5]).toBe("function f(v) {");
    expect(names).toEqual(["a", "c", "x", "y", "w", "f", "K"]);
  });

  it("reports a syntax error at its line and column", () => {
    const compile = () => compileCell("const a = 1;\nconst b = (;\n");
    expect(compile).toThrow(CellSyntaxError);
    try {
      compile();
    } catch (e) {
      expect((e as CellSyntaxError).line).toBe(2);
      expect((e as CellSyntaxError).column).toBe(13);
    }
  });
});

describe("CellRunner", () => {
  it("shares top-level names between cells, functions and classes included", async () => {
    const k = kernel();
    await k.run("let count = 0;\nconst bump = () => { count++; };\nfunction twice(v: number) { return 2 * v; }\nclass Box { constructor(readonly v: number) {} }");
    await k.run("bump(); bump();");
    expect(await k.run("count")).toBe(2);
    expect(await k.run("twice(new Box(21).v)")).toBe(42);
    expect(k.scope.count).toBe(2);
  });

  it("lets a cell run again (redeclaring its names) and use a function before its line", async () => {
    const k = kernel();
    const cell = "const v = later();\nfunction later() { return 7; }\nv";
    expect(await k.run(cell)).toBe(7);
    expect(await k.run(cell)).toBe(7);
  });

  it("binds named, renamed, default and namespace imports from the page's modules", async () => {
    const m = { one: 1, two: 2, default: "d" };
    const k = kernel({ nnkit: m });
    await k.run('import def, { one, two as deux } from "nnkit";\nimport * as all from "nnkit";');
    expect(await k.run("[def, one, deux, all.two]")).toEqual(["d", 1, 2, 2]);
    expect(k.imported).toEqual(["nnkit", "nnkit"]);
  });

  it("keeps imports a cell does not use itself (later cells use them)", async () => {
    const k = kernel({ nnkit: { tensor: (v: number) => v * 10 } });
    await k.run('import { tensor } from "nnkit";');
    expect(await k.run("tensor(4)")).toBe(40);
  });

  it("runs top-level await, destructuring with holes and defaults, and declarations without a value", async () => {
    const k = kernel();
    await k.run("const [, second, third = 9] = [1, 2];\nlet later;\nconst waited = await new Promise((done) => setTimeout(() => done(5), 1));");
    expect(await k.run("[second, third, later, waited]")).toEqual([2, 9, undefined, 5]);
  });

  it("gives `process.env` of the page to cells, without a global process", async () => {
    const k = kernel();
    expect(await k.run("process.env.ANSWER ?? 'none'")).toBe("42");
    expect(await k.run("typeof globalThis.process")).toBe("undefined");
  });

  it("reports a run-time error with the cell line it was thrown on", async () => {
    const k = kernel();
    const failing = k.run("const a = 1;\n\nfunction boom(): never {\n  throw new RangeError('too far');\n}\nboom();");
    await expect(failing).rejects.toBeInstanceOf(CellError);
    const e = await failing.catch((err: CellError) => err);
    expect(e).toMatchObject({ message: "too far", line: 4, errorName: "RangeError" });
  });

  it("reports a syntax error as a CellError with its line, and a failed import by name", async () => {
    const k = kernel();
    await expect(k.run("const ok = 1;\nconst = 2;")).rejects.toMatchObject({ errorName: "SyntaxError", line: 2 });
    await expect(k.run('import { x } from "nowhere";')).rejects.toMatchObject({ message: "no module nowhere", line: 1 });
  });

  it("runs cells in strict mode: an undeclared name is an error, not a new global", async () => {
    const k = kernel();
    await expect(k.run("undeclaredName = 3;")).rejects.toMatchObject({ errorName: "ReferenceError", line: 1 });
  });
});
