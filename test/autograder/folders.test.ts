import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSandboxDir, listFiles } from "../../autograder/sandbox/build.js";
import { SandboxFolders } from "../../autograder/sandbox/folders.js";
import { removeTree } from "../../autograder/sandbox/remove.js";
import { sandboxBase, tempDir } from "./helpers.js";

/** Every file of a sandbox folder with its content (what a child can read). */
function contents(root: string): Record<string, string> {
  return Object.fromEntries(listFiles(root).map((rel) => [rel, readFileSync(join(root, rel), "utf8")]));
}

describe("sandbox folders reused from one submission to the next", () => {
  it("a reused folder holds exactly what a new one would: the base, this submission's files, an empty temp folder", () => {
    const base = sandboxBase();
    const folders = new SandboxFolders(base, tempDir("folders"));
    const first = folders.acquire(new Map([["src/layers/linear.ts", "export const who = 'first';\n"], ["src/layers/relu.ts", "export const r = 1;\n"]]));
    writeFileSync(join(first.tmp, "left-behind"), "by the first submission's child");
    folders.release(first);

    const secondFiles = new Map([["src/layers/relu.ts", "export const r = 2;\n"]]);
    const second = folders.acquire(secondFiles);
    expect(second.root).toBe(first.root); // reused
    const fresh = createSandboxDir(base, tempDir("fresh"), "second", secondFiles);
    expect(contents(second.root)).toEqual(contents(fresh.root));
    expect(readdirSync(second.tmp)).toEqual([]);
    // The file only the first submission had is the base's again (a link to it, not a copy).
    expect(statSync(join(second.root, "src/layers/linear.js")).ino).toBe(statSync(join(base, "src/layers/linear.js")).ino);
    expect(readFileSync(join(second.root, "src/layers/relu.js"), "utf8")).toBe("export const r = 2;\n");
  });

  it("folders in use are never shared, and only a folder of the run can be given back", () => {
    const folders = new SandboxFolders(sandboxBase(), tempDir("folders"));
    const a = folders.acquire(new Map());
    const b = folders.acquire(new Map());
    expect(a.root).not.toBe(b.root);
    folders.release(a);
    expect(() => folders.release(a)).toThrow(/not a folder of this run in use/);
    expect(folders.acquire(new Map()).root).toBe(a.root);
  });

  it("folders are named by the grader, never after a submission: none can meet the grader's own files", () => {
    const parent = tempDir("folders");
    mkdirSync(join(parent, "base"));
    const folders = new SandboxFolders(sandboxBase(), parent);
    const dirs = [folders.acquire(new Map()), folders.acquire(new Map())];
    expect(dirs.map((d) => d.root)).toEqual([join(parent, "sandbox-001"), join(parent, "sandbox-002")]);
    expect(readdirSync(parent).sort()).toEqual(["base", "sandbox-001", "sandbox-002"]);
    // A name already taken in the folder (another set of folders there) is passed over.
    expect(new SandboxFolders(sandboxBase(), parent).acquire(new Map()).root).toBe(join(parent, "sandbox-003"));
  });

  it("a folder a child wrote into past its temp folder (a trace-event log) is removed, not given to the next submission", () => {
    const folders = new SandboxFolders(sandboxBase(), tempDir("folders"), true); // as when not root, where the child is the grader's own user
    const first = folders.acquire(new Map([["src/layers/relu.ts", "export const r = 1;\n"]]));
    writeFileSync(join(first.root, "node_trace.1.log"), "what the first student's code did");
    folders.release(first);
    expect(existsSync(first.root)).toBe(false);
    const second = folders.acquire(new Map());
    expect(second.root).not.toBe(first.root);
    expect(listFiles(second.root)).not.toContain("node_trace.1.log");
    folders.release(second); // nothing stray: reused
    expect(folders.acquire(new Map()).root).toBe(second.root);
  });

  it("an unreadable folder left in the temp folder is removed (as the owner, not root), and removing never throws", () => {
    const dir = tempDir("remove");
    const locked = join(dir, "tmp", "locked");
    mkdirSync(join(locked, "inner"), { recursive: true });
    writeFileSync(join(locked, "inner", "f"), "x");
    chmodSync(join(locked, "inner"), 0);
    chmodSync(locked, 0);
    expect(removeTree(join(dir, "tmp"))).toBe(true);
    expect(existsSync(join(dir, "tmp"))).toBe(false);
    expect(removeTree(join(dir, "never-there"))).toBe(true);
  });
});
