/**
 * Writing graded outputs: every file goes through here, which refuses paths outside the output
 * folder and writes atomically (a temporary file in the same folder, then rename), so a reader
 * never sees half a file and an interrupted run leaves no truncated results.
 */
import { mkdirSync, renameSync, writeFileSync, copyFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";

/** A writer confined to `root`. */
export class OutDir {
  readonly root: string;
  /** Folders made (or found) by this writer: a class's hundreds of files need one mkdir per folder. */
  private readonly made = new Set<string>();

  constructor(root: string) {
    this.root = resolve(root);
    mkdirSync(this.root, { recursive: true });
  }

  /** Absolute path of `rel`, refusing anything that would land outside the folder. */
  path(rel: string): string {
    const p = resolve(this.root, rel);
    const r = relative(this.root, p);
    if (r === "" || r.startsWith("..") || isAbsolute(r)) throw new Error(`refusing to write ${rel}: outside ${this.root}`);
    return p;
  }

  /** Write `content` to `rel` atomically. */
  write(rel: string, content: string | Uint8Array): void {
    const p = this.path(rel);
    this.folderOf(p);
    const tmp = `${p}.tmp-${process.pid}`;
    writeFileSync(tmp, content);
    renameSync(tmp, p);
  }

  /** Copy a file into the folder atomically. */
  copy(from: string, rel: string): void {
    const p = this.path(rel);
    this.folderOf(p);
    const tmp = `${p}.tmp-${process.pid}`;
    copyFileSync(from, tmp);
    renameSync(tmp, p);
  }

  /** Make the folder of `path` unless this writer made it already. */
  private folderOf(path: string): void {
    const dir = dirname(path);
    if (this.made.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.made.add(dir);
  }
}
