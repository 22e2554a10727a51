/**
 * Removing what a sandbox child may have written, without ever failing the run. Student code may
 * leave a folder it has made unreadable (mode 000) in its temporary folder: when the grader is not
 * root, removing it then fails with EACCES, so the grader first gives itself back the rights on
 * everything below (it owns all of it: the child runs as the grader's own user there).
 */
import { chmodSync, lstatSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

/** Remove `path` and everything below it; true when it is gone (or was never there), false if it could not be removed. Never throws. */
export function removeTree(path: string): boolean {
  try {
    rmSync(path, { recursive: true, force: true });
    return true;
  } catch {
    allowAccess(path);
  }
  try {
    rmSync(path, { recursive: true, force: true });
    return true;
  } catch {
    return false;
  }
}

/** Make every folder at and below `path` readable, writable and searchable by its owner (errors ignored). */
function allowAccess(path: string): void {
  try {
    if (!lstatSync(path).isDirectory()) return;
    chmodSync(path, 0o700);
    for (const name of readdirSync(path)) allowAccess(join(path, name));
  } catch {
    /* not ours, or gone: removing says what is left */
  }
}
