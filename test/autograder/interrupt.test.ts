/**
 * Ctrl-C (or SIGTERM) during grading: the grader exits through its exit handlers, so a sandbox
 * child spinning in a student's infinite loop (which never reads the end of its input) is ended
 * and the grader's temporary folders are removed; nothing is left behind on the TA's machine.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { descendants } from "../../autograder/sandbox/process.js";
import { ROOT, tempDir } from "./helpers.js";

/** The process's arguments, or [] when it is gone. */
function argv(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return [];
  }
}

/** User + system CPU seconds of a process (0 when gone), and whether it is still alive (not gone, not a zombie). */
function stat(pid: number): { cpu: number; alive: boolean } {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return { cpu: (Number(fields[11]) + Number(fields[12])) / 100, alive: fields[0] !== "Z" && fields[0] !== "X" };
  } catch {
    return { cpu: 0, alive: false };
  }
}

describe.runIf(process.platform === "linux")("interrupting nnkit grade", () => {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(`${signal} while a child spins in the hangs sample's reluBackward: exit ${code}, the child ended, the grader's folders removed`, async () => {
      const out = join(tempDir("interrupt"), "graded");
      const cli = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src", "cli.ts"), "grade", join(ROOT, "data", "submissions", "hangs"), "--out", out], { cwd: ROOT, stdio: "ignore" });
      const exited = new Promise<number | null>((resolve) => cli.on("exit", (c) => resolve(c)));
      // The spinning child: a sandbox child (its script is child.cjs) that has computed for over a second.
      let child: number | undefined;
      for (let waited = 0; child === undefined && waited < 60_000; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
        child = descendants(cli.pid!).find((p) => argv(p).some((a) => a.endsWith("child.cjs")) && stat(p).cpu >= 1);
      }
      expect(child, "no sandbox child spun for a second").toBeDefined();
      const root = argv(child!).find((a) => a.startsWith("--allow-fs-read="))!.slice("--allow-fs-read=".length);
      expect(existsSync(root)).toBe(true);
      cli.kill(signal);
      expect(await exited).toBe(code);
      for (let waited = 0; stat(child!).alive && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      expect(stat(child!).alive).toBe(false);
      expect(existsSync(dirname(root))).toBe(false); // the run's work folder: its sandboxes and base
    }, 90_000);
  }
});
