#!/usr/bin/env node
/**
 * The `nnkit` command, the one place that brings the parts together: the library commands
 * (src/cli/), the assignment and grading commands (autograder/commands.ts, which loads the
 * grading modules only when their command runs), and the notebook commands (src/notebook/),
 * registered when present — the student kit does not ship the notebook runner. The library
 * itself imports none of them.
 */
import { Command, CommanderError } from "commander";
import { existsSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { registerAssignmentCommands } from "../autograder/commands.js";
import { registerDemo } from "./cli/demo.js";
import { EXIT, FaultError, UsageError } from "./cli/errors.js";
import { registerSummary } from "./cli/summary.js";
import { registerTrain } from "./cli/train.js";

interface CommandModule {
  register(program: Command): void;
}

/** Load `register` from an optional module next to the build (absent in the student kit). */
async function optionalCommands(relative: string, exportName: string): Promise<CommandModule | null> {
  const url = new URL(relative, import.meta.url);
  const path = fileURLToPath(url);
  // Built: the .js file; run from source (tsx src/cli.ts): the .ts file beside it.
  if (!existsSync(path) && !existsSync(path.replace(/\.js$/, ".ts"))) return null;
  const mod = (await import(url.href)) as Record<string, unknown>;
  const register = mod[exportName];
  return typeof register === "function" ? { register: register as (p: Command) => void } : null;
}

export async function main(argv: string[]): Promise<number> {
  // NO_COLOR is the user's explicit wish; an inherited FORCE_COLOR beside it only makes Node warn,
  // on stderr, in every thread that asks for colours (the grading engine's workers do).
  if (process.env.NO_COLOR !== undefined) delete process.env.FORCE_COLOR;
  const program = new Command("nnkit")
    .description("nnkit: the neural-networks lecture kit (library, notebooks, assignments, autograder)")
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", `\nEvery command has --help. Exit codes: ${EXIT.ok} ok, ${EXIT.failures} the work ran but found failures, ${EXIT.usage} bad usage or input, ${EXIT.fault} the tool or its machine is at fault (e.g. the grading sandbox cannot start).`);
  registerSummary(program);
  registerTrain(program);
  registerDemo(program);
  (await optionalCommands("./notebook/commands.js", "registerNotebookCommands"))?.register(program);
  registerAssignmentCommands(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage errors were already printed.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`nnkit: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof FaultError) {
      process.stderr.write(`nnkit: ${e.message}\n`);
      return EXIT.fault;
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`nnkit: ${message}\n`);
    if (process.env.NNKIT_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return EXIT.failures;
  }
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
