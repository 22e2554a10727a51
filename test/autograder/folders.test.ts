import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSandboxDir, listFiles } from "../../autograder/sandbox/build.js";
import { SandboxFolders } from "../../autograder/sandbox/folders.js";
import { sandboxBase, tempDir } from "./helpers.js";

/** Every file of a sandbox folder with its content (what a child can read). */
function contents(root: string): Record<string, string> {
  return Object.fromEntries(listFiles(root).map((rel) => [rel, readFileSync(join(root, rel), "utf8")]));
}

describe("sandbox folders reused from one submission to the next", () => {
  it("a reused folder holds exactly what a new one would: the base, this submission's files, an empty temp folder", () => {
    const base = sandboxBase();
    const folders = new SandboxFolders(base, tempDir("folders"));
    const first = folders.acquire("first", new Map([["src/layers/linear.ts", "export const who = 'first';\n"], ["src/layers/relu.ts", "export const r = 1;\n"]]));
    writeFileSync(join(first.tmp, "left-behind"), "by the first submission's child");
    folders.release(first);

    const secondFiles = new Map([["src/layers/relu.ts", "export const r = 2;\n"]]);
    const second = folders.acquire("second", secondFiles);
    expect(second.root).toBe(join(dirname(first.root), "second")); // the path a new folder would have
    expect(existsSync(first.root)).toBe(false);
    const fresh = createSandboxDir(base, tempDir("fresh"), "second", secondFiles);
    expect(contents(second.root)).toEqual(contents(fresh.root));
    expect(readdirSync(second.tmp)).toEqual([]);
    // The file only the first submission had is the base's again (a link to it, not a copy).
    expect(statSync(join(second.root, "src/layers/linear.js")).ino).toBe(statSync(join(base, "src/layers/linear.js")).ino);
    expect(readFileSync(join(second.root, "src/layers/relu.js"), "utf8")).toBe("export const r = 2;\n");
  });

  it("folders in use are never shared, and only a folder of the run can be given back", () => {
    const folders = new SandboxFolders(sandboxBase(), tempDir("folders"));
    const a = folders.acquire("a", new Map());
    const b = folders.acquire("b", new Map());
    expect(a.root).not.toBe(b.root);
    folders.release(a);
    expect(() => folders.release(a)).toThrow(/not a folder of this run in use/);
    const c = folders.acquire("c", new Map());
    expect(c.root).toBe(join(dirname(a.root), "c"));
    expect(existsSync(a.root)).toBe(false);
  });
});
