/**
 * `nnkit check`: the student's quick loop. First every file to hand in is compiled (a syntax error
 * is reported with file, line and column), then the public tests run in a separate vitest process
 * with a time limit, so an infinite loop ends with a clear message instead of a hung terminal.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { compileTs } from "./sandbox/build.js";
import { kitRoot, loadManifest, type Manifest } from "./manifest.js";

/** Compile every file of the manifest; returns one message per problem (missing file or syntax error). */
export function compileProblems(root: string, manifest: Manifest): string[] {
  const problems: string[] = [];
  for (const file of manifest.files) {
    const path = join(root, file);
    if (!existsSync(path)) {
      problems.push(`${file} is missing`);
      continue;
    }
    const c = compileTs(readFileSync(path, "utf8"), file);
    if (!c.ok) problems.push(c.error);
  }
  return problems;
}

export interface CheckOptions {
  root?: string;
  assignment?: string;
  /** Stop the tests after this many seconds (default 120). */
  timeoutSeconds?: number;
  /** Only tests whose name matches this text (a regular expression, e.g. "linearBackward"). */
  filter?: string;
  /** Where messages go (default: stderr); the vitest output itself is inherited. */
  log?: (line: string) => void;
  /** Capture vitest's output instead of inheriting the terminal (for tests). */
  capture?: boolean;
}

/** The names in the public tests' `describe(…)` and `it(…)` calls (what `--only` is matched against). */
export function publicTestNames(root: string, manifest: Manifest): string[] {
  const dir = join(root, manifest.publicTests);
  if (!existsSync(dir)) return [];
  const names: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".test.ts")).sort()) {
    for (const m of readFileSync(join(dir, f), "utf8").matchAll(/\b(?:describe|it|test)\(\s*"((?:[^"\\]|\\.)*)"/g)) names.push(m[1]);
  }
  return names;
}

/** The problem with `--only TEXT` (not a pattern, or no public test matches it), or null when it selects tests. */
export function filterProblem(filter: string, names: readonly string[]): string | null {
  let pattern: RegExp;
  try {
    pattern = new RegExp(filter);
  } catch {
    return `--only "${filter}" is not a valid pattern; give part of a function name, e.g. linearBackward`;
  }
  if (names.some((n) => pattern.test(n))) return null;
  return `--only "${filter}" matches no public test; give part of a function name, e.g. linearBackward or relu (names are case-sensitive)`;
}

/** Run the check; resolves to an exit code (0 all passed, 1 failures, 2 cannot run) and the output if captured. */
export async function runCheck(opts: CheckOptions = {}): Promise<{ code: number; output: string }> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const root = opts.root ?? kitRoot();
  const manifest = loadManifest(root, opts.assignment ?? "a6");
  if (opts.filter !== undefined) {
    const problem = filterProblem(opts.filter, publicTestNames(root, manifest));
    if (problem) {
      log(`✗ ${problem}`);
      return { code: 2, output: "" };
    }
  }
  const problems = compileProblems(root, manifest);
  if (problems.length > 0) {
    for (const p of problems) log(`✗ ${p}`);
    log("Fix these first: the tests cannot load a file that does not compile.");
    return { code: 1, output: "" };
  }
  const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
  if (!existsSync(vitest)) {
    log("vitest is not installed here: run `npm install` in the kit folder first.");
    return { code: 2, output: "" };
  }
  const config = join("assignments", manifest.assignment, "vitest.config.ts");
  const args = [vitest, "run", "--config", config, ...(opts.filter ? ["--testNamePattern", opts.filter] : [])];
  const limit = opts.timeoutSeconds ?? 120;
  log(`Running the public tests of ${manifest.assignment} (time limit ${limit} s)…`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: opts.capture ? ["ignore", "pipe", "pipe"] : "inherit",
      env: opts.capture ? { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } : process.env,
      detached: true,
    });
    let output = "";
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, limit * 1000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (timedOut) {
        log(`✗ The tests did not finish within ${limit} s: look for an infinite loop (a while loop whose condition never changes).`);
        resolve({ code: 1, output });
      } else if (code === 0) {
        if (opts.filter !== undefined) log(`✓ The public tests matching "${opts.filter}" pass. Run \`npm run check\` without --only for all of them.`);
        else log("✓ All public tests pass. The hidden tests use other shapes and seeds: run `npm run submit` when you are done.");
        resolve({ code: 0, output });
      } else {
        log("✗ Some public tests fail. Each message names the function, the output, the shapes and the first wrong element.");
        resolve({ code: 1, output });
      }
    });
  });
}
