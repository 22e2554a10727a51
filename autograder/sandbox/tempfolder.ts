/**
 * Temporary folders of a grading process: made with mkdtemp (mode 0711, so that the sandbox user
 * can reach what is inside), removed when the process is done with them or, at the latest, when it
 * exits — also after Ctrl-C or a kill by SIGTERM, which the CLI turns into an exit (src/cli.ts).
 */
import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeTree } from "./remove.js";

const open = new Set<string>();
let hooked = false;

function removeAll(): void {
  for (const path of open) removeTree(path);
  open.clear();
}

/** A new folder `<parent>/<prefix>XXXXXX`, and `remove` to delete it (at the process's exit if not before; never throws, see remove.ts). */
export function tempFolder(prefix: string, parent: string = tmpdir()): { path: string; remove: () => void } {
  const path = mkdtempSync(join(parent, prefix));
  chmodSync(path, 0o711);
  open.add(path);
  if (!hooked) {
    hooked = true;
    process.on("exit", removeAll);
  }
  return {
    path,
    remove: () => {
      open.delete(path);
      removeTree(path);
    },
  };
}
