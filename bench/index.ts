/**
 * `npm run bench`: nnkit's fast kernels side by side with its reference loops, PyTorch's CPU build
 * (in a Python process, when one with torch is found), TensorFlow.js 4.22 (`cpu` and `wasm`
 * backends) and ConvNetJS, in one run: matmul 128/512/1024 (GFLOP/s), LeNet-5's two conv layers
 * forward and backward at batch 64 (GFLOP/s), LeNet-5 training with Adam at batch 64 and 16 (images/s:
 * the median step, and a whole epoch over real MNIST images as a user times it, bench/epoch.ts),
 * the ratios nnkit/peer, peak resident memory, and the goals met or not.
 * `--quick` for a short run; `--grading` (what `npm run bench` adds) then runs the grading benchmark too.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { availableParallelism, loadavg } from "node:os";
import { Command } from "commander";
import { kernelInfo } from "../src/engine/index.js";
import { convnetJs } from "./convnetjs.js";
import { epochImages, mnistEpoch } from "./epoch.js";
import { nnkitFast, nnkitReference } from "./nnkit.js";
import { findTorchPython, pytorch } from "./pytorch.js";
import { tfjs } from "./tfjs.js";
import { printTable } from "./timing.js";
import { LENET_CONVS, MATMUL_SIZES, TRAIN_BATCHES, type Contender, type Figure } from "./workloads.js";

const { quick = false, grading = false } = new Command("npm run bench --")
  .description(
    "LeNet-5 training, its convolutions and matmul: nnkit on all cores and on one, beside its reference loops, PyTorch's CPU build " +
      "(set NNKIT_BENCH_PYTHON to a Python with torch, or have python3 import it), TensorFlow.js and ConvNetJS; then the goals met or not. " +
      "Run on quiet cores: other work lowers the figures.",
  )
  .option("--quick", "a short run: fewer repeats, rougher figures")
  .option("--grading", "then grading throughput too (what npm run bench:grade measures)")
  .parse()
  .opts<{ quick?: boolean; grading?: boolean }>();
const budget = quick ? 0.2 : 0.8;
const threads = availableParallelism();
const mb = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);
const BATCH_MAIN = TRAIN_BATCHES[0];
/** Peak resident memory once the nnkit contenders have run (before the peers in this process). */
let rssAfterNnkit = "";
const loadAtStart = loadavg()[0];

interface Row {
  task: string;
  unit: string;
  run: (c: Contender) => Promise<Figure> | undefined;
}

const rows: Row[] = [
  ...MATMUL_SIZES.map((n) => ({ task: `matmul ${n}³`, unit: "GFLOP/s", run: (c: Contender) => c.matmul?.(n) })),
  ...LENET_CONVS.flatMap((conv) => [
    { task: `${conv.name} fwd`, unit: "GFLOP/s", run: (c: Contender) => c.convForward?.(conv) },
    { task: `${conv.name} bwd`, unit: "GFLOP/s", run: (c: Contender) => c.convBackward?.(conv) },
  ]),
  ...TRAIN_BATCHES.map((batch) => ({ task: `LeNet-5 training b${batch}`, unit: "images/s", run: (c: Contender) => c.train?.(batch) })),
  ...TRAIN_BATCHES.map((batch) => ({ task: `LeNet-5 epoch b${batch}`, unit: "images/s", run: (c: Contender) => c.epoch?.(batch) })),
];

/** Seconds of training steps per batch size, for nnkit and PyTorch alike (each reports the median step). */
const trainSeconds = quick ? 1 : 3;
/** MNIST images of each whole-epoch row, for nnkit and PyTorch alike. */
const images = epochImages(quick);
const fast = [nnkitFast(threads, budget, trainSeconds, images), ...(threads > 1 ? [nnkitFast(1, budget, trainSeconds, images)] : [])];
const torchRequest = { matmul: MATMUL_SIZES, convs: LENET_CONVS, train: TRAIN_BATCHES, budget, trainSeconds, epoch: { batches: TRAIN_BATCHES, images } };
const torch = [pytorch(threads, torchRequest), ...(threads > 1 ? [pytorch(1, torchRequest)] : [])];
const peers: Contender[] = [nnkitReference(budget, quick), ...torch, tfjs("cpu", budget, quick), tfjs("wasm", budget, quick), convnetJs(quick ? 4 : 16)];
const contenders = [...fast, ...peers];
/**
 * The order they run in: each nnkit column next to PyTorch's on as many threads, so that the two
 * figures a goal compares are measured a few seconds apart (the speed of a shared machine drifts).
 */
const paired = new Set<Contender>(torch);
const runOrder: Contender[] = [...fast.flatMap((c, i) => [c, ...(torch[i] ? [torch[i]] : [])]), ...peers.filter((p) => !paired.has(p))];

/** The CPU's SIMD features that matter for these kernels, from /proc/cpuinfo (Linux). */
function simdFeatures(): string {
  try {
    const flags = new Set(/^flags\s*:(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1].trim().split(/\s+/) ?? []);
    return ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_vnni"].filter((f) => flags.has(f)).join(" ") || "unknown";
  } catch {
    return "unknown (no /proc/cpuinfo)";
  }
}

type Basis = "value" | "cpuValue";

function cell(f: Figure | undefined, basis: Basis): string {
  if (!f) return "—";
  const x = f[basis];
  if (x === undefined) return f.note ?? "—";
  const v = x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toPrecision(2);
  return f.batch ? `${v} (b${f.batch})` : v;
}

/** The results as table rows (header first), rates per wall-clock second or per CPU second. */
function tableOf(results: Map<Contender, Figure[]>, basis: Basis): string[][] {
  const best = (i: number) => Math.max(...fast.map((c) => results.get(c)?.[i]?.[basis] ?? 0));
  const ratioPeers = peers.filter((p) => p.name !== "nnkit reference");
  const header = ["task", "unit", ...contenders.map((c) => c.name), ...ratioPeers.map((p) => `nnkit/${p.name}`)];
  const body = rows.map((row, i) => [
    row.task,
    row.unit,
    ...contenders.map((c) => cell(results.get(c)?.[i], basis)),
    ...ratioPeers.map((p) => {
      const v = results.get(p)?.[i]?.[basis];
      return v && best(i) ? `${(best(i) / v).toFixed(1)}×` : "—";
    }),
  ]);
  return [header, ...body];
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`nnkit benchmark${quick ? " (--quick)" : ""}: node ${process.version}, ${threads} cores, kernels ${kernelInfo().engine}, load average ${loadavg()[0].toFixed(2)}`);
  console.log(`CPU SIMD: ${simdFeatures()}; threads: nnkit ${fast.map((c) => c.name.replace("nnkit ", "")).join(" and ")}, PyTorch the same`);
  // The epoch rows' MNIST images, read now: the whole training file passes through memory while
  // they are decoded, and here that does not add to the kernel memory of the runs that follow.
  mnistEpoch(images);
  const torchFound = findTorchPython();
  if ("missing" in torchFound) console.log(`PyTorch: not measured (${torchFound.missing})`);
  const results = new Map<Contender, Figure[]>();
  for (const c of runOrder) {
    // What the runs before left behind (an nnkit column's kernel memory once the next column has
    // its own engine) goes now, where npm run bench lets it (node --expose-gc), rather than whenever
    // the collector runs: the peak memory then is that of the runs, not of when it ran.
    gc?.();
    try {
      await c.prepare?.();
    } catch (e) {
      results.set(c, rows.map(() => ({ note: "unavailable" })));
      console.log(`  ${c.name}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const figures: Figure[] = [];
    for (const row of rows) {
      try {
        figures.push((await row.run(c)) ?? { note: "—" });
      } catch (e) {
        figures.push({ note: `error` });
        console.log(`  ${c.name}, ${row.task}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    results.set(c, figures);
    if (fast.includes(c)) rssAfterNnkit = mb();
    console.log(`  measured ${c.name} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }

  console.log();
  console.log("Per wall-clock second:");
  printTable(tableOf(results, "value"));
  console.log();
  console.log("Per CPU second of this process (all threads; on an otherwise idle machine the single-threaded");
  console.log("columns equal the wall-clock ones, so these show what the code does when other processes share the cores):");
  printTable(tableOf(results, "cpuValue"));
  console.log();
  console.log("(bN) = measured on N images because the full batch of 64 would take minutes; rates scale with the batch.");
  console.log("Ratios use the faster nnkit column. Backward = dx and dw (twice the forward flops). Conv GFLOP/s count the direct convolution's flops");
  console.log("(nnkit runs conv2 as Winograd F(2×2, 5×5), with fewer: src/ops/conv2d/winograd.ts).");
  console.log("LeNet-5 training bN: the median step (PyTorch: a bare loop of steps over one fixed batch). LeNet-5 epoch bN: one whole epoch");
  console.log(`over the first ${images.toLocaleString("en-US")} MNIST training images, shuffling and batching included (nnkit: train() with the CLI's progress line; PyTorch: a DataLoader loop).`);
  console.log("matmul: nnkit and PyTorch write the product into a result allocated once (matmul(a, b, out), torch.mm(a, b, out=c)); tfjs allocates one per call.");

  for (const t of torch) if (t.info()) console.log(t.info());
  console.log();
  goals(results);
  console.log(`peak RSS: ${rssAfterNnkit} MB after the nnkit runs, ${mb()} MB at the end (PyTorch runs in its own process; tfjs and ConvNetJS included)`);
  console.log(`load average at the end ${loadavg()[0].toFixed(2)} (figures are lower when other processes share the cores); ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
  if (grading) {
    console.log();
    const r = spawnSync(process.execPath, [fileURLToPath(new URL("../autograder/bench.js", import.meta.url))], { stdio: "inherit" });
    process.exit(r.status ?? 1);
  }
  process.exit(0); // the worker threads of the engines measured would keep the process alive
}

/** One goal line: what, the figures, met or not. */
function goal(what: string, ok: boolean | undefined, figures: string): void {
  console.log(`goal ${what}: ${figures} ${ok === undefined ? "(not measured)" : ok ? "met" : "NOT met"}`);
}

/** The goals of the benchmark, each from the figures of this run. */
function goals(results: Map<Contender, Figure[]>): void {
  // The load when the run started: by its end the 1-minute average also counts this run's own
  // threads (0.9–1.9 from a start at 0.1), so it would call every run busy.
  if (loadAtStart > 0.5) console.log(`(the machine was busy when the run started, load average ${loadAtStart.toFixed(1)}: figures and goals below are not reliable; run on quiet cores)`);
  const value = (c: Contender | undefined, task: string): number | undefined => (c ? results.get(c)?.[rows.findIndex((r) => r.task === task)]?.value : undefined);
  const f = (x: number | undefined, digits = 0) => (x === undefined ? "—" : x.toFixed(digits));
  const [nnAll, nnOne] = [fast[0], fast[fast.length - 1]];
  const [ptAll, ptOne] = [torch[0], torch[torch.length - 1]];
  const versus = (what: string, ours: number | undefined, theirs: number | undefined, factor = 1) =>
    goal(what, theirs === undefined ? undefined : (ours ?? 0) >= factor * theirs, `${f(ours)} vs ${f(theirs)} images/s${ours && theirs ? ` (${(ours / theirs).toFixed(2)}×)` : ""}`);
  for (const batch of TRAIN_BATCHES) {
    const task = `LeNet-5 training b${batch}`;
    versus(`LeNet-5 training step at batch ${batch} ≥ PyTorch (${nnAll.name} vs ${ptAll.name})`, value(nnAll, task), value(ptAll, task));
  }
  const epoch = (batch: number) => value(nnAll, `LeNet-5 epoch b${batch}`);
  const [big, small] = TRAIN_BATCHES;
  versus(`LeNet-5 epoch at batch ${big} ≥ PyTorch's epoch (${nnAll.name} vs ${ptAll.name})`, epoch(big), value(ptAll, `LeNet-5 epoch b${big}`));
  versus(`LeNet-5 epoch at batch ${big} ≥ PyTorch's bare loop over one batch`, epoch(big), value(ptAll, `LeNet-5 training b${big}`));
  versus(`LeNet-5 epoch at batch ${small} ≥ 1.1× PyTorch's epoch`, epoch(small), value(ptAll, `LeNet-5 epoch b${small}`), 1.1);
  if (fast.length > 1) {
    const task = `LeNet-5 training b${TRAIN_BATCHES[0]}`;
    const all = value(nnAll, task), one = value(nnOne, task);
    const scale = all && one ? all / one : undefined;
    const pt = value(ptAll, task) && value(ptOne, task) ? value(ptAll, task)! / value(ptOne, task)! : undefined;
    goal(`${nnAll.name} ≥ 1.8× one thread (LeNet-5, batch ${TRAIN_BATCHES[0]})`, scale === undefined ? undefined : scale >= 1.8, `${f(scale, 2)}×${pt ? ` (PyTorch ${pt.toFixed(2)}×)` : ""}`);
  }
  const mmOurs = value(nnOne, "matmul 512³"), mmTheirs = value(ptOne, "matmul 512³");
  goal("matmul 512³ on one thread ≥ half of PyTorch's", mmTheirs === undefined ? undefined : (mmOurs ?? 0) >= mmTheirs / 2, `${f(mmOurs, 1)} vs ${f(mmTheirs, 1)} GFLOP/s`);
  const wasm = peers.find((p) => p.name === "tfjs wasm");
  const mmWasm = value(wasm, "matmul 512³");
  goal("matmul 512³ on one thread ≥ tfjs wasm", mmWasm === undefined ? undefined : (mmOurs ?? 0) >= mmWasm, `${f(mmOurs, 1)} vs ${f(mmWasm, 1)} GFLOP/s`);
  const cnj = value(peers[peers.length - 1], `LeNet-5 training b${BATCH_MAIN}`);
  const best = Math.max(...fast.map((c) => value(c, `LeNet-5 training b${BATCH_MAIN}`) ?? 0));
  goal("LeNet-5 training ≥ 40× ConvNetJS", cnj === undefined ? undefined : best / cnj >= 40, `${f(cnj ? best / cnj : undefined)}×`);
  const rss = Number(rssAfterNnkit);
  goal("peak memory of the nnkit runs ≤ 500 MB", Number.isFinite(rss) ? rss <= 500 : undefined, `${rssAfterNnkit} MB`);
}

void main();
