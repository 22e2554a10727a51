/**
 * The `nnkit` program, the one place that brings the parts together: the library commands
 * (src/cli/), the assignment and grading commands (autograder/commands.ts, which loads the
 * grading modules only when their command runs), and the notebook commands (src/notebook/),
 * registered when present — the student kit does not ship the notebook runner. The library
 * itself imports none of them. Started by ../cli.ts once the student's files are built.
 */
import { Command, CommanderError } from "commander";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { registerAssignmentCommands } from "../../autograder/commands.js";
import { registerDemo } from "./demo.js";
import { EXIT, FaultError, UsageError } from "./errors.js";
import { registerSummary } from "./summary.js";
import { registerTrain } from "./train.js";

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

/** Run nnkit with argv (as process.argv); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command("nnkit")
    .description("nnkit: the neural-networks lecture kit (library, notebooks, assignments, autograder)")
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", `\nEvery command has --help. Exit codes: ${EXIT.ok} ok, ${EXIT.failures} the work ran but found failures, ${EXIT.usage} bad usage or input, ${EXIT.fault} the tool or its machine is at fault (e.g. the grading sandbox cannot start).`);
  registerSummary(program);
  registerTrain(program);
  registerDemo(program);
  (await optionalCommands("../notebook/commands.js", "registerNotebookCommands"))?.register(program);
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
