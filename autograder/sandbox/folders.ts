/**
 * The sandbox folders of one grading run, each used by one submission at a time and then by the
 * next: building a folder (a hundred links) and removing it cost the grader more CPU than laying a
 * submission's few files over one. What a child sees is what a new folder would hold: every file
 * of the base, the submission's compiled files over it (a file the previous submission had and this
 * one has not is the base's again), and an empty temp folder.
 *
 * The folders are named by the grader alone (`sandbox-001`, …), never after a submission: an id is
 * the student's choice (an upload named base.zip), and must not meet the grader's own files.
 *
 * A folder is given to the next submission only when it holds nothing else: a child that runs as
 * the grader's own user (the grader is not root) can write past Node's permission model where
 * Node writes natively (trace-event logs, into its working folder, the sandbox folder); such a
 * folder, or one whose temp folder cannot be emptied, is removed instead, and the next submission
 * gets a new one. Neither ever fails the run.
 */
import { existsSync, linkSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { baseListing, createSandboxDir, freshTmp, jsPath, writeStudentFile, type SandboxDir } from "./build.js";
import { mountTableFile, removeSandboxFolder } from "./isolation.js";

/** A folder of the run and the student files last written into it (manifest paths). */
interface Folder {
  dir: SandboxDir;
  written: ReadonlySet<string>;
}

export class SandboxFolders {
  private readonly free: Folder[] = [];
  private readonly inUse = new Map<string, Folder>();
  private made = 0;
  private baseFiles: Set<string> | undefined;

  /**
   * Folders are made in `parent` from `base` (see buildSandboxBase). `lookForStrays`: whether a
   * child may have written into its folder past the permission model, which it can only as the
   * grader's own user (as root, the child is nobody and the folder root's); then every folder is
   * looked over when it is given back (about 0.4 ms).
   */
  constructor(
    private readonly base: string,
    private readonly parent: string,
    private readonly lookForStrays: boolean = process.getuid?.() !== 0,
  ) {}

  /** A folder holding the base with exactly `files` (manifest path → JavaScript) over it; give it back with `release`. */
  acquire(files: ReadonlyMap<string, string>): SandboxDir {
    const reused = this.free.pop();
    if (!reused) {
      let name: string;
      do name = `sandbox-${String(++this.made).padStart(3, "0")}`;
      while (existsSync(join(this.parent, name)) || existsSync(mountTableFile(join(this.parent, name))));
      const dir = createSandboxDir(this.base, this.parent, name, files);
      this.inUse.set(dir.root, { dir, written: new Set(files.keys()) });
      return dir;
    }
    const { root } = reused.dir;
    const base = this.baseSet();
    for (const file of reused.written) {
      if (files.has(file)) continue;
      const target = join(root, jsPath(file));
      rmSync(target, { force: true });
      if (base.has(jsPath(file))) linkSync(join(this.base, jsPath(file)), target);
    }
    for (const [file, code] of files) writeStudentFile(root, file, code);
    this.inUse.set(root, { dir: reused.dir, written: new Set(files.keys()) });
    return reused.dir;
  }

  /** The folder's submission is done (its child has exited or been killed): emptied for the next one, or removed. */
  release(dir: SandboxDir): void {
    const folder = this.inUse.get(dir.root);
    if (!folder) throw new Error(`sandbox: ${dir.root} is not a folder of this run in use`);
    this.inUse.delete(dir.root);
    let clean: boolean;
    try {
      clean = !this.lookForStrays || this.holdsOnlyItsFiles(folder);
      if (clean) freshTmp(dir.root);
    } catch {
      clean = false;
    }
    if (clean) this.free.push(folder);
    else removeSandboxFolder(dir.root);
  }

  private baseSet(): Set<string> {
    return (this.baseFiles ??= new Set(baseListing(this.base).files));
  }

  /** Whether `folder` holds only the base's files and folders, the submission's files and the temp folder (whose content is not looked at). */
  private holdsOnlyItsFiles(folder: Folder): boolean {
    const files = new Set(this.baseSet());
    const dirs = new Set(["", "tmp", ...baseListing(this.base).dirs]);
    for (const file of folder.written) {
      files.add(jsPath(file));
      for (let d = dirname(jsPath(file)); d !== "." && !dirs.has(d); d = dirname(d)) dirs.add(d);
    }
    const walk = (rel: string): boolean => {
      for (const entry of readdirSync(join(folder.dir.root, rel), { withFileTypes: true })) {
        const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
        if (entry.isDirectory() ? !dirs.has(path) || (path !== "tmp" && !walk(path)) : !(entry.isFile() && files.has(path))) return false;
      }
      return true;
    };
    return walk("");
  }
}
