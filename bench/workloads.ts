/**
 * What the benchmark measures, independent of who computes it: the matrix sizes, LeNet-5's two
 * convolution layers, the flop counts, and the interface every contender (nnkit, tfjs, ConvNetJS)
 * implements.
 */

export const MATMUL_SIZES = [128, 512, 1024];
/** Batch of the conv rows and of the main training row. */
export const BATCH = 64;
/** Batches of the LeNet-5 training rows (Adam, lr 1e-3): the benchmark's batch and `nnkit train lenet5`'s default. */
export const TRAIN_BATCHES = [64, 16];

/** One of LeNet-5's conv layers (stride 1, "same" padding): input [N, C, H, W], F filters K×K. */
export interface ConvCase {
  name: string;
  C: number;
  H: number;
  W: number;
  F: number;
  K: number;
  pad: number;
}

export const LENET_CONVS: ConvCase[] = [
  { name: "conv1 1→20 5×5, 28×28", C: 1, H: 28, W: 28, F: 20, K: 5, pad: 2 },
  { name: "conv2 20→50 5×5, 14×14", C: 20, H: 14, W: 14, F: 50, K: 5, pad: 2 },
];

/** Flops of one forward pass over N images (2 per multiply-add); backward (dx and dw) is twice this. */
export function convFlops(c: ConvCase, N: number): number {
  return 2 * N * c.F * c.H * c.W * c.C * c.K * c.K;
}

/** A measured figure in the row's unit, or why there is none; `batch` when measured at a smaller batch. */
export interface Figure {
  /** Per wall-clock second. */
  value?: number;
  /** Per CPU second of the process (all its threads). */
  cpuValue?: number;
  batch?: number;
  note?: string;
}

/**
 * A contender. Rates: matmul and conv in GFLOP/s, training (LeNet-5 steps with Adam at `batch`, the
 * median step and a whole epoch) in images/s; a missing method = not applicable.
 */
export interface Contender {
  name: string;
  prepare?(): Promise<void>;
  matmul?(n: number): Promise<Figure>;
  convForward?(c: ConvCase): Promise<Figure>;
  convBackward?(c: ConvCase): Promise<Figure>;
  train?(batch: number): Promise<Figure>;
  /** One whole epoch of LeNet-5 training over real MNIST images (bench/epoch.ts), in images/s. */
  epoch?(batch: number): Promise<Figure>;
}

/** Deterministic pseudo-random floats in [-1, 1) (contenders get the same inputs without a shared RNG). */
export function noise(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

/** Random MNIST-shaped training data: n images [n, 1, 28, 28] and labels in 0..9 (speed does not depend on content). */
export function fakeMnist(n: number): { images: Float32Array; labels: Int32Array } {
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = (i * 7) % 10;
  return { images: noise(n * 784, 42).map((v) => (v + 1) / 2), labels };
}
