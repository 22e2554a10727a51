/**
 * check's type errors: the student's files are type-checked with the kit's tsconfig.json, errors
 * named with file, line, column and code, errors elsewhere left out, the result kept per content,
 * and nothing checked while every function is a stub.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { typeErrorLines } from "../../autograder/check.js";
import { studentTypeErrors, typeErrors } from "../../autograder/typecheck.js";
import { tempDir } from "./helpers.js";

function project(): string {
  const root = tempDir("types");
  writeFileSync(join(root, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", types: [] } }));
  mkdirSync(join(root, "src"), { recursive: true });
  writeFileSync(join(root, "src", "lib.ts"), 'export const other: number = "not mine";\n');
  writeFileSync(join(root, "src", "f.ts"), 'import { other } from "./lib.js";\nexport function f(x: number): number {\n  const s: string = x;\n  return other + s.length;\n}\n');
  return root;
}

describe("type errors in check", () => {
  it("names each error of the student's files with file, line, column and code; errors in other files are left out", async () => {
    const root = project();
    expect(await typeErrors(root, ["src/f.ts"])).toEqual(["src/f.ts:3:9 TS2322: Type 'number' is not assignable to type 'string'."]);
  });

  it("keeps the result per content, and checks nothing while every function is a stub", async () => {
    const root = project();
    mkdirSync(join(root, "dist"));
    expect(await studentTypeErrors(root, ["src/f.ts"], true)).toEqual([]);
    expect(existsSync(join(root, "dist", ".student-typecheck.json"))).toBe(false);
    const first = await studentTypeErrors(root, ["src/f.ts"], false);
    expect(first).toHaveLength(1);
    const cache = JSON.parse(readFileSync(join(root, "dist", ".student-typecheck.json"), "utf8")) as { key: string; errors: string[] };
    expect(cache.errors).toEqual(first);
    writeFileSync(join(root, "dist", ".student-typecheck.json"), JSON.stringify({ key: cache.key, errors: ["from the cache"] }));
    expect(await studentTypeErrors(root, ["src/f.ts"], false)).toEqual(["from the cache"]);
    writeFileSync(join(root, "src", "f.ts"), "export function f(x: number): number {\n  return x;\n}\n");
    expect(await studentTypeErrors(root, ["src/f.ts"], false)).toEqual([]);
  });

  it("the report shows at most five and says how many more", () => {
    const lines = typeErrorLines(Array.from({ length: 7 }, (_, i) => `src/f.ts:${i + 1}:1 TS2322: x`));
    expect(lines[0]).toMatch(/^Type errors \(they cost no points/);
    expect(lines.slice(1, 6)).toEqual([1, 2, 3, 4, 5].map((i) => `  src/f.ts:${i}:1 TS2322: x`));
    expect(lines[6]).toBe("  … and 2 more (npx tsc --noEmit -p tsconfig.json lists them all)");
    expect(typeErrorLines([])).toEqual([]);
  });
});
