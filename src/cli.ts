#!/usr/bin/env node
/**
 * The `nnkit` command. In a student kit it first compiles the student's changed files into dist/
 * (cli/fresh.ts), so that check, submit, train and the notebooks afterwards run the current code;
 * then it loads and runs the program (cli/program.ts). Nothing else is imported before that.
 */
import { realpathSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { EXIT } from "./cli/errors.js";
import { refreshBuild, studentKit } from "./cli/fresh.js";

/** Run `nnkit` with `argv` (process.argv's layout) after bringing the student's build up to date; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  // NO_COLOR is the user's explicit wish; an inherited FORCE_COLOR beside it only makes Node warn,
  // on stderr, in every thread that asks for colours (the grading engine's workers do).
  if (process.env.NO_COLOR !== undefined) delete process.env.FORCE_COLOR;
  const kit = studentKit(dirname(fileURLToPath(import.meta.url)));
  if (kit) {
    const r = await refreshBuild(kit.root, kit.files);
    for (const p of r.problems) process.stderr.write(`nnkit: ${p}\n  (this file does not compile: the commands and notebooks keep using its previous build until it does)\n`);
  }
  const program = await import("./cli/program.js");
  return program.main(argv);
}

const invoked = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === realpathSync(process.argv[1]);
if (invoked) {
  // Ctrl-C and SIGTERM end the process through its exit handlers, which remove the grader's
  // temporary folders and end its sandbox children (the default would skip them).
  process.once("SIGINT", () => process.exit(130));
  process.once("SIGTERM", () => process.exit(143));
  // `nnkit summary vgg16 | head` closes the pipe early: stop quietly instead of printing a stack trace.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    process.exit(typeof process.exitCode === "number" ? process.exitCode : EXIT.ok);
  });
  // Not a top-level await: the grading sandbox loads the kit's files as CommonJS, which has none.
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
