/**
 * PyTorch's CPU build as a benchmark contender, run in a Python process of its own (pytorch_peer.py)
 * on the same workloads: matmul, LeNet-5's two conv layers, LeNet-5 training steps with Adam (the
 * bare loop over one batch, and a whole epoch through a DataLoader over the same MNIST images). The
 * Python is `NNKIT_BENCH_PYTHON`, else `python3` if it imports torch; without one the contender says
 * how to get it. OpenBLAS tuning variables of the environment are not passed on (they slow torch).
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { withEpochFiles } from "./epoch.js";
import type { Timing } from "./timing.js";
import { rate } from "./timing.js";
import { BATCH, convFlops, type Contender, type ConvCase, type Figure } from "./workloads.js";

/** What pytorch_peer.py reports: one timing per requested workload, in request order. */
interface PeerReport {
  torch: string;
  capability: string;
  threads: number;
  matmul: Timing[];
  convForward: Timing[];
  convBackward: Timing[];
  train: Timing[];
  epoch: Timing[];
}

/** The peer script, next to this file in the sources (bench/) and found from dist/bench/ too. */
function peerScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.endsWith(join("dist", "bench")) ? join(here, "..", "..", "bench", "pytorch_peer.py") : join(here, "pytorch_peer.py");
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/** The Python that has torch, or why there is none. */
export function findTorchPython(): { python: string; version: string } | { missing: string } {
  const python = process.env.NNKIT_BENCH_PYTHON ?? "python3";
  const r = spawnSync(python, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8", env: cleanEnv(), timeout: 60_000 });
  if (r.status === 0) return { python, version: r.stdout.trim() };
  const why = r.error ? `${python} was not found` : `${python} cannot import torch`;
  return { missing: `${why}: \`pip install torch==2.13.0+cpu\` (or set NNKIT_BENCH_PYTHON to a Python that has torch)` };
}

export interface TorchRequest {
  matmul: readonly number[];
  convs: readonly ConvCase[];
  train: readonly number[];
  budget: number;
  trainSeconds: number;
  /** The whole-epoch rows: batch sizes and the number of MNIST images (bench/epoch.ts). */
  epoch: { batches: readonly number[]; images: number };
}

/** PyTorch on `threads` threads; every figure is measured in one Python run during prepare(). */
export function pytorch(threads: number, req: TorchRequest): Contender & { info(): string | undefined } {
  let report: PeerReport | undefined;
  const timing = (list: keyof Pick<PeerReport, "matmul" | "convForward" | "convBackward" | "train" | "epoch">, i: number): Timing => {
    const t = report?.[list][i];
    if (!t) throw new Error(`no ${list} figure from PyTorch`);
    return t;
  };
  return {
    name: threads === 1 ? "PyTorch 1 thread" : `PyTorch ${threads} threads`,
    info: () => (report ? `PyTorch ${report.torch}, CPU capability ${report.capability}, ${report.threads} thread${report.threads === 1 ? "" : "s"}` : undefined),
    async prepare(): Promise<void> {
      const found = findTorchPython();
      if ("missing" in found) throw new Error(found.missing);
      const r = withEpochFiles(req.epoch.images, (dir) => {
        const epoch = { dir, images: req.epoch.images, batches: req.epoch.batches };
        const input = JSON.stringify({ threads, budget: req.budget, trainSeconds: req.trainSeconds, batch: BATCH, matmul: req.matmul, convs: req.convs, train: req.train, epoch });
        return spawnSync(found.python, [peerScript()], { input, encoding: "utf8", env: cleanEnv(), maxBuffer: 1 << 20, timeout: 30 * 60_000 });
      });
      if (r.status !== 0) throw new Error(`the PyTorch run failed: ${(r.stderr || r.error?.message || "").trim().split("\n").pop()}`);
      report = JSON.parse(r.stdout) as PeerReport;
    },
    async matmul(n: number): Promise<Figure> {
      return rate(2 * n ** 3, timing("matmul", req.matmul.indexOf(n)), 1e9);
    },
    async convForward(c: ConvCase): Promise<Figure> {
      return rate(convFlops(c, BATCH), timing("convForward", req.convs.indexOf(c)), 1e9);
    },
    async convBackward(c: ConvCase): Promise<Figure> {
      return rate(2 * convFlops(c, BATCH), timing("convBackward", req.convs.indexOf(c)), 1e9);
    },
    async train(batch: number): Promise<Figure> {
      return rate(batch, timing("train", req.train.indexOf(batch)));
    },
    async epoch(batch: number): Promise<Figure> {
      return rate(req.epoch.images, timing("epoch", req.epoch.batches.indexOf(batch)));
    },
  };
}
