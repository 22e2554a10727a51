/**
 * Running an assignment's vitest files for several submissions at once, through vitest's Node API.
 *
 * Each submission being graded has a slot k, and the run has one small wrapper file per slot,
 * `slot-<k>.test.ts`, that imports every test file of the assignment with the query `?slot=<k>`:
 * each slot gets its own copy of the test files (their tests register under that wrapper, and a
 * test's calls go to slot k's sandbox), while the modules they import (the reference, the cases,
 * nnkit/grading) are loaded once per worker. One vitest run grades a batch of slots; results come
 * back per wrapper file through the reporter below.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createVitest, type Vitest } from "vitest/node";
import type { Reporter, TestCase, TestModule } from "vitest/node";
import type { TestRecord } from "../testing/failure.js";
import { CONTEXT_KEY, type GradingContext } from "./protocol.js";

/** One test's result as the grader reads it. */
export interface TestOutcome {
  /** Describe names and test name joined by dots, e.g. "linearBackward.dW". */
  id: string;
  state: "passed" | "failed" | "skipped" | "pending";
  record?: TestRecord;
  /** The errors the test threw (name and message). */
  errors: { name: string; message: string }[];
}

/** Everything one slot's wrapper file gave. */
export interface SlotOutcome {
  tests: TestOutcome[];
  /** Errors outside any test: a test file that failed to import, a failing hook. */
  moduleErrors: string[];
}

export interface EngineOptions {
  /** The kit root: where the test files' imports (vitest, the reference) resolve. */
  root: string;
  /** The test files, paths from the kit root. */
  testFiles: readonly string[];
  /** A folder of the grader's own for the wrapper files. */
  work: string;
  /** Worker threads (each runs wrapper files one after another). */
  workers: number;
  /** What every test can read (the channel's name is added). */
  context: GradingContext;
  /** A test's time limit, ms (the sandbox limits each call; this only catches a test that waits forever). */
  testTimeoutMs: number;
}

/** The id of a test: its describe names and its own name joined by dots. */
export function testId(tc: TestCase): string {
  const names = [tc.name];
  for (let p = tc.parent; p.type === "suite"; p = p.parent) names.unshift(p.name);
  return names.join(".");
}

/** The slot of a wrapper file, or undefined for another file. */
function slotOf(moduleId: string): number | undefined {
  const m = /slot-(\d+)\.test\.ts$/.exec(moduleId);
  return m ? Number(m[1]) : undefined;
}

/** Collects each slot's outcome as its wrapper file ends. */
class SlotReporter implements Reporter {
  readonly outcomes = new Map<number, SlotOutcome>();
  runErrors: string[] = [];
  onSlotEnd?: (slot: number, outcome: SlotOutcome) => void;

  private of(slot: number): SlotOutcome {
    let o = this.outcomes.get(slot);
    if (!o) this.outcomes.set(slot, (o = { tests: [], moduleErrors: [] }));
    return o;
  }

  onTestCaseResult(tc: TestCase): void {
    const slot = slotOf(tc.module.moduleId);
    if (slot === undefined) return;
    const r = tc.result();
    const errors = (r.errors ?? []).map((e) => ({ name: String(e.name ?? "Error"), message: String(e.message ?? "") }));
    this.of(slot).tests.push({ id: testId(tc), state: r.state, record: tc.meta().nnkit, errors });
  }

  onTestModuleEnd(m: TestModule): void {
    const slot = slotOf(m.moduleId);
    if (slot === undefined) return;
    const o = this.of(slot);
    for (const e of m.errors()) o.moduleErrors.push(`${e.name ?? "Error"}: ${e.message}`);
    this.onSlotEnd?.(slot, o);
  }

  onTestRunEnd(_modules: readonly TestModule[], unhandled: readonly { message?: string; name?: string }[]): void {
    this.runErrors = unhandled.map((e) => `${e.name ?? "Error"}: ${e.message ?? ""}`);
  }
}

/** The assignment's test files under vitest, reused run after run. */
export class TestEngine {
  private readonly wrappers = new Map<number, string>();

  private constructor(
    private readonly vitest: Vitest,
    private readonly reporter: SlotReporter,
    private readonly opts: EngineOptions,
  ) {}

  /** Start vitest (no test runs yet). */
  static async create(opts: EngineOptions): Promise<TestEngine> {
    mkdirSync(opts.work, { recursive: true });
    const reporter = new SlotReporter();
    const grading = join(opts.root, "autograder", "testing", "index.ts");
    const vitest = await createVitest(
      "test",
      {
        watch: false,
        root: opts.work,
        config: false,
        include: ["slot-*.test.ts"],
        reporters: [reporter],
        pool: "threads",
        isolate: false,
        maxWorkers: opts.workers,
        testTimeout: opts.testTimeoutMs,
        hookTimeout: opts.testTimeoutMs,
        silent: true,
        passWithNoTests: true,
      },
      { resolve: { alias: { "nnkit/grading": grading } }, server: { fs: { strict: false } }, logLevel: "silent" },
    );
    vitest.provide(CONTEXT_KEY, opts.context);
    return new TestEngine(vitest, reporter, opts);
  }

  private wrapper(slot: number): string {
    let path = this.wrappers.get(slot);
    if (path) return path;
    path = join(this.opts.work, `slot-${slot}.test.ts`);
    const lines = this.opts.testFiles.map((f) => `import ${JSON.stringify(`${pathToFileURL(resolve(this.opts.root, f)).pathname}?slot=${slot}`)};`);
    writeFileSync(path, `// The tests of one submission being graded (slot ${slot}).\n${lines.join("\n")}\n`);
    this.wrappers.set(slot, path);
    return path;
  }

  /** Run every test file for each of `slots`; `onSlotEnd` is called as each slot's tests end. */
  async run(slots: readonly number[], onSlotEnd?: (slot: number, outcome: SlotOutcome) => void): Promise<{ outcomes: Map<number, SlotOutcome>; runErrors: string[] }> {
    this.reporter.outcomes.clear();
    this.reporter.runErrors = [];
    this.reporter.onSlotEnd = onSlotEnd;
    const project = this.vitest.getRootProject();
    const specs = slots.map((s) => project.createSpecification(this.wrapper(s)));
    // vitest sets process.exitCode to 1 when a test fails: a graded test that fails is the
    // student's result, and the process's exit code stays its caller's to set
    const exitCode = process.exitCode;
    try {
      await this.vitest.runTestSpecifications(specs, true);
    } finally {
      process.exitCode = exitCode;
    }
    return { outcomes: new Map(this.reporter.outcomes), runErrors: [...this.reporter.runErrors] };
  }

  /** Stop vitest. */
  async close(): Promise<void> {
    await this.vitest.close();
  }
}
