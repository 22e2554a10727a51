/**
 * The sandbox folders of one grading run, each used by one submission at a time and then by the
 * next: building a folder (a hundred links) and removing it cost the grader more CPU than laying a
 * submission's few files over one. What a child sees is what a new folder would hold, at the path
 * a new folder would have (`<parent>/<submission id>`): every file of the base, the submission's
 * compiled files over it (a file the previous submission had and this one has not is the base's
 * again), and an empty temp folder. The child can write nothing else there (the permission model;
 * as root it is also user nobody, and the base is root's).
 */
import { linkSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { baseListing, createSandboxDir, freshTmp, jsPath, writeStudentFile, type SandboxDir } from "./build.js";
import { mountTableFile } from "./isolation.js";

export class SandboxFolders {
  private readonly free: { dir: SandboxDir; written: Set<string> }[] = [];
  private readonly inUse = new Map<string, Set<string>>();
  private baseFiles: Set<string> | undefined;

  /** Folders are made in `parent` from `base` (see buildSandboxBase). */
  constructor(
    private readonly base: string,
    private readonly parent: string,
  ) {}

  /**
   * The folder `<parent>/<name>` (`name`: the submission's id, unique in the run) holding the base
   * with exactly `files` (manifest path → JavaScript) over it; give it back with `release`.
   */
  acquire(name: string, files: ReadonlyMap<string, string>): SandboxDir {
    const root = join(this.parent, name);
    const reused = this.free.pop();
    if (!reused) {
      const dir = createSandboxDir(this.base, this.parent, name, files);
      this.inUse.set(dir.root, new Set(files.keys()));
      return dir;
    }
    if (reused.dir.root !== root) {
      renameSync(reused.dir.root, root);
      rmSync(mountTableFile(reused.dir.root), { force: true }); // it names the old path; the child's start writes one for the new
    }
    const base = (this.baseFiles ??= new Set(baseListing(this.base).files));
    for (const file of reused.written) {
      if (files.has(file)) continue;
      const target = join(root, jsPath(file));
      rmSync(target, { force: true });
      if (base.has(jsPath(file))) linkSync(join(this.base, jsPath(file)), target);
    }
    for (const [file, code] of files) writeStudentFile(root, file, code);
    this.inUse.set(root, new Set(files.keys()));
    return { root, tmp: freshTmp(root) };
  }

  /** The folder's submission is done (its child has exited or been killed): the next one may use it. */
  release(dir: SandboxDir): void {
    const written = this.inUse.get(dir.root);
    if (!written) throw new Error(`sandbox: ${dir.root} is not a folder of this run in use`);
    this.inUse.delete(dir.root);
    this.free.push({ dir, written });
  }
}
