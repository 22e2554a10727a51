/**
 * Grading throughput: generates a class of submissions from the samples (correct ones, partly
 * wrong ones with a random subset of the typical mistakes, broken ones) in a temporary folder,
 * grades it exactly like `nnkit grade` (full isolation, one sandbox child per submission), and
 * prints submissions per minute and the cost per submission.
 *
 * With --profile, it also prints where a submission's time goes, phase by phase (see profile.ts).
 *
 *   npm run bench:grade -- [--count 200] [--jobs N] [--profile]   (--help lists them)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { UsageError } from "../src/cli/errors.js";
import { positiveInt } from "../src/cli/options.js";
import { Rng } from "../src/random.js";
import { gradeClass } from "./grade.js";
import { kitRoot, loadManifest } from "./manifest.js";
import { GradeProfile } from "./profile.js";
import { cpuMsOf } from "./sandbox/process.js";
import { loadSamples, writeSample, type SampleSpec } from "./samples.js";

/** The goal for a class graded on two cores with the vitest engine, each submission in its own sandbox. */
const GOAL_PER_MINUTE = 600;

/** The class: about 50% correct, 35% partly wrong (random subsets of the typical mistakes), 15% broken. */
export function benchClass(count: number, seed = 6): { name: string; sample: SampleSpec }[] {
  const samples = loadSamples();
  const pick = (n: string): SampleSpec => samples.find((s) => s.name === n)!;
  const correct = pick("correct");
  const wrong = pick("partly-wrong");
  const broken = pick("broken");
  const rng = new Rng(seed);
  const out: { name: string; sample: SampleSpec }[] = [];
  for (let k = 0; k < count; k++) {
    const u = rng.uniform();
    const name = `student${String(k).padStart(3, "0")}`;
    if (u < 0.5) out.push({ name, sample: correct });
    else if (u < 0.85) {
      const edits = (wrong.edits ?? []).filter(() => rng.uniform() < 0.5);
      out.push({ name, sample: { ...wrong, name: `${wrong.name}-${k}`, edits } });
    } else out.push({ name, sample: broken });
  }
  return out;
}

/** CPU seconds used by the reaped children of this process (the sandboxes), from /proc (Linux only). */
function childrenCpuSeconds(): number {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime + cstime, in clock ticks of 1/100 s
  } catch {
    return NaN;
  }
}

/** CPU seconds used so far by the live processes this one started, from any of its threads (esbuild's service), from /proc (Linux only). */
function liveChildrenCpuSeconds(): number {
  const pids: number[] = [];
  const walk = (pid: number): void => {
    try {
      for (const task of readdirSync(`/proc/${pid}/task`)) {
        for (const kid of readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean)) {
          pids.push(Number(kid));
          walk(Number(kid));
        }
      }
    } catch {
      /* gone, or not Linux */
    }
  };
  walk(process.pid);
  return cpuMsOf(pids) / 1000;
}

async function main(): Promise<void> {
  const opts = new Command("npm run bench:grade --")
    .description("grade a generated class (about half correct, a third partly wrong, the rest broken) as nnkit grade does; print submissions per minute and the cost of one")
    .option("--count <n>", "submissions in the class", positiveInt("--count"), 200)
    .option("--jobs <n>", "sandboxes at a time", positiveInt("--jobs"), availableParallelism())
    .option("--profile", "where a submission's time goes, phase by phase")
    .parse()
    .opts<{ count: number; jobs: number; profile?: boolean }>();
  const { count, jobs } = opts;
  const profile = opts.profile ? new GradeProfile() : undefined;
  const root = kitRoot();
  const manifest = loadManifest(root);
  const work = mkdtempSync(join(tmpdir(), "nnkit-bench-"));
  try {
    const input = join(work, "class");
    const made = Date.now();
    for (const { name, sample } of benchClass(count)) writeSample({ ...sample, name: sample.name.replace(/-\d+$/, "") }, manifest, join(input, name), root);
    process.stdout.write(`generated ${count} submissions in ${((Date.now() - made) / 1000).toFixed(1)} s; grading with ${jobs} jobs…\n`);
    const load = loadavg()[0];
    const started = Date.now();
    const cpu0 = process.cpuUsage();
    const children0 = childrenCpuSeconds();
    const r = await gradeClass({ input, out: join(work, "out"), jobs, ...(profile ? { profile } : {}) });
    const seconds = (Date.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const parentMs = (cpu.user + cpu.system) / 1000 / r.results.length;
    const childMs = (1000 * (childrenCpuSeconds() - children0)) / r.results.length;
    const helperMs = (1000 * liveChildrenCpuSeconds()) / r.results.length;
    const scores = r.results.map((x) => x.score);
    const perMinute = (60 * r.results.length) / seconds;
    process.stdout.write(
      [
        `graded ${r.results.length} submissions in ${seconds.toFixed(1)} s (setup, reference answers and reports included)`,
        `throughput: ${perMinute.toFixed(0)} submissions/min on ${jobs} parallel sandboxes, Node ${process.version} (the sandboxes run the same Node)`,
        `cost per submission: ${((1000 * seconds * jobs) / r.results.length).toFixed(0)} ms of one sandbox slot (wall); CPU ${parentMs.toFixed(0)} ms in the grader and its vitest workers (+ ${helperMs.toFixed(0)} ms in esbuild's service) + ${childMs.toFixed(0)} ms in its sandbox`,
        `machine load average when grading started: ${load.toFixed(1)} on ${availableParallelism()} cores (other work slows the wall-clock figures, not the CPU ones)`,
        `mean score ${(scores.reduce((a, b) => a + b, 0) / scores.length).toFixed(1)}; not graded: ${r.notGraded}`,
        r.isolation,
        `goal grading ≥ ${GOAL_PER_MINUTE.toLocaleString("en-US")} submissions/min on 2 cores: ${perMinute.toFixed(0)}/min on ${availableParallelism()} cores ${availableParallelism() !== 2 ? "(not judged: not 2 cores)" : perMinute >= GOAL_PER_MINUTE ? "met" : "NOT met"}`,
        ...(profile ? profile.lines() : []),
      ].join("\n") + "\n",
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main().catch((e: unknown) => {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  });
}
