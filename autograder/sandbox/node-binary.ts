/**
 * The Node binary a sandbox child runs: this very Node, at a path the sandbox user (nobody, when the
 * grader is root) can reach. A Node installed under a private folder (nvm in /root, a CI temp folder
 * of mode 0700) cannot be executed by nobody; then the binary is hard-linked (or, across file
 * systems, copied) once per grading process into a folder everyone can traverse, removed at exit.
 */
import { chmodSync, constants, copyFileSync, linkSync, realpathSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { tempFolder } from "./tempfolder.js";

const cache = new Map<string, string>();

/** True when every folder above `file` lets others through and others may execute `file`. */
function othersCanExecute(file: string): boolean {
  try {
    if ((statSync(file).mode & constants.S_IXOTH) === 0) return false;
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      if ((statSync(dir).mode & constants.S_IXOTH) === 0) return false;
      if (dirname(dir) === dir) return true;
    }
  } catch {
    return false;
  }
}

/** Path of a Node binary identical to `execPath` (default: this Node) that the sandbox user can execute. */
export function sandboxNode(execPath: string = process.execPath): string {
  const known = cache.get(execPath);
  if (known) return known;
  const real = realpathSync(execPath);
  let path = execPath;
  if (process.getuid?.() === 0 && !othersCanExecute(real)) {
    path = join(tempFolder("nnkit-node-").path, "node");
    // A hard link shares the original's mode, which is never changed here: link only a binary others may run.
    if ((statSync(real).mode & constants.S_IXOTH) !== 0) {
      try {
        linkSync(real, path);
      } catch {
        copyFileSync(real, path);
      }
    } else {
      copyFileSync(real, path);
      chmodSync(path, 0o755);
    }
  }
  cache.set(execPath, path);
  return path;
}
