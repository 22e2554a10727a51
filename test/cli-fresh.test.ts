/**
 * The kit's dist/ follows the student's files: a changed file is compiled again before a command
 * runs (what it exports then is the new code's), an unchanged one is left alone, a file that does
 * not compile keeps its previous build and is reported with its line, and a folder that is not a
 * student kit is never touched.
 */
import { mkdirSync, readFileSync, utimesSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { refreshBuild, studentKit } from "../src/cli/fresh.js";
import { ROOT, tempDir } from "./autograder/helpers.js";

/** A minimal kit: package.json naming a1, its manifest with one file, a build of that file older than the source. */
function kit(): string {
  const root = tempDir("fresh");
  writeFileSync(join(root, "package.json"), JSON.stringify({ type: "module", nnkit: { assignment: "a1", studentKit: true } }));
  mkdirSync(join(root, "assignments", "a1"), { recursive: true });
  writeFileSync(join(root, "assignments", "a1", "manifest.json"), JSON.stringify({ files: ["src/f.ts"] }));
  mkdirSync(join(root, "src"), { recursive: true });
  mkdirSync(join(root, "dist", "src"), { recursive: true });
  writeFileSync(join(root, "dist", "src", "f.js"), 'export function f() { throw new Error("f is not implemented yet"); }\n');
  writeFileSync(join(root, "src", "f.ts"), "export function f(x: number): number {\n  return 2 * x;\n}\n");
  const past = new Date(Date.now() - 60_000);
  utimesSync(join(root, "dist", "src", "f.js"), past, past);
  return root;
}

async function f(root: string, tag: string): Promise<(x: number) => number> {
  return ((await import(`${pathToFileURL(join(root, "dist", "src", "f.js")).href}?${tag}`)) as { f: (x: number) => number }).f;
}

describe("the student's build is refreshed before a command runs", () => {
  it("a changed file is compiled again, then left alone while unchanged, and compiled again when changed back to older content", async () => {
    const root = kit();
    expect(studentKit(join(root, "dist", "src"))).toEqual({ root, files: ["src/f.ts"] });
    expect(await refreshBuild(root, ["src/f.ts"])).toEqual({ rebuilt: ["src/f.ts"], problems: [] });
    expect((await f(root, "1"))(21)).toBe(42);
    expect(readFileSync(join(root, "dist", "src", "f.js"), "utf8")).toContain("//# sourceMappingURL=f.js.map");
    expect(JSON.parse(readFileSync(join(root, "dist", "src", "f.js.map"), "utf8")).sources).toEqual(["../../src/f.ts"]);
    expect(await refreshBuild(root, ["src/f.ts"])).toEqual({ rebuilt: [], problems: [] });
    // new content with an old timestamp (a file restored from elsewhere) is still seen
    writeFileSync(join(root, "src", "f.ts"), "export function f(x: number): number {\n  return 3 * x;\n}\n");
    const past = new Date(Date.now() - 3_600_000);
    utimesSync(join(root, "src", "f.ts"), past, past);
    expect((await refreshBuild(root, ["src/f.ts"])).rebuilt).toEqual(["src/f.ts"]);
    expect((await f(root, "2"))(21)).toBe(63);
  });

  it("a file that does not compile keeps its previous build and is reported with file, line and column", async () => {
    const root = kit();
    await refreshBuild(root, ["src/f.ts"]);
    writeFileSync(join(root, "src", "f.ts"), "export function f(x: number): number {\n  return 2 * * x;\n}\n");
    const r = await refreshBuild(root, ["src/f.ts"]);
    expect(r.rebuilt).toEqual([]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^src\/f\.ts:2:\d+: /);
    expect((await f(root, "3"))(1)).toBe(2);
  });

  it("the repository is not a student kit: nothing is found to rebuild", () => {
    expect(studentKit(join(ROOT, "dist", "src"))).toBeUndefined();
    expect(existsSync(join(ROOT, "dist", ".student-build.json"))).toBe(false);
  });
});
