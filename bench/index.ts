/**
 * `npm run bench`: nnkit's fast kernels side by side with its reference loops, TensorFlow.js 4.22
 * (`cpu` and `wasm` backends) and ConvNetJS, in one process: matmul 128/512/1024 (GFLOP/s), LeNet-5's
 * two conv layers forward and backward at batch 64 (GFLOP/s), LeNet-5 training steps at batch 64
 * (images/s), the ratios nnkit/peer, and peak resident memory. `--quick` for a short run.
 */
import { availableParallelism, loadavg } from "node:os";
import { kernelInfo } from "../src/kernels/index.js";
import { convnetJs } from "./convnetjs.js";
import { nnkitFast, nnkitReference } from "./nnkit.js";
import { tfjs } from "./tfjs.js";
import { printTable } from "./timing.js";
import { LENET_CONVS, MATMUL_SIZES, type Contender, type Figure } from "./workloads.js";

const quick = process.argv.includes("--quick");
const budget = quick ? 0.2 : 0.8;
const threads = availableParallelism();
const mb = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);

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
  { task: "LeNet-5 training", unit: "images/s", run: (c: Contender) => c.train?.() },
];

const fast = [nnkitFast(threads, budget, quick ? 6 : 20), ...(threads > 1 ? [nnkitFast(1, budget, quick ? 6 : 20)] : [])];
const peers: Contender[] = [nnkitReference(budget, quick), tfjs("cpu", budget, quick), tfjs("wasm", budget, quick), convnetJs(quick ? 4 : 16)];
const contenders = [...fast, ...peers];

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
  const results = new Map<Contender, Figure[]>();
  let rssAfterNnkit = "";
  for (const c of contenders) {
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
  console.log("Ratios use the faster nnkit column. Backward = dx and dw (twice the forward flops).");

  const mm512 = MATMUL_SIZES.indexOf(512);
  const one = fast[fast.length - 1];
  const wasm = peers.find((p) => p.name === "tfjs wasm");
  const mmOne = results.get(one)?.[mm512]?.value;
  const mmWasm = wasm ? results.get(wasm)?.[mm512]?.value : undefined;
  const trainIdx = rows.length - 1;
  const imagesPerSecond = Math.max(...fast.map((c) => results.get(c)?.[trainIdx]?.value ?? 0));
  const cnj = results.get(peers[peers.length - 1])?.[trainIdx]?.value;
  console.log();
  if (mmOne && mmWasm) {
    console.log(`goal matmul 512³ on one thread ≥ tfjs wasm: ${mmOne.toFixed(1)} vs ${mmWasm.toFixed(1)} GFLOP/s (${(mmOne / mmWasm).toFixed(2)}×) ${mmOne >= mmWasm ? "met" : "NOT met"}`);
    const cOne = results.get(one)?.[mm512]?.cpuValue, cWasm = wasm ? results.get(wasm)?.[mm512]?.cpuValue : undefined;
    if (cOne && cWasm) console.log(`  per CPU second: ${cOne.toFixed(1)} vs ${cWasm.toFixed(1)} GFLOP/s (${(cOne / cWasm).toFixed(2)}×)`);
  }
  console.log(`goal LeNet-5 training ≥ 500 images/s at batch 64: ${imagesPerSecond.toFixed(0)} images/s ${imagesPerSecond >= 500 ? "met" : "NOT met"}`);
  if (cnj) console.log(`goal ≥ 40× ConvNetJS: ${(imagesPerSecond / cnj).toFixed(0)}× ${imagesPerSecond / cnj >= 40 ? "met" : "NOT met"}`);
  console.log(`peak RSS: ${rssAfterNnkit} MB after the nnkit runs, ${mb()} MB at the end (tfjs and ConvNetJS included)`);
  console.log(`load average at the end ${loadavg()[0].toFixed(2)} (figures are lower when other processes share the cores); ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
  process.exit(0);
}

void main();
