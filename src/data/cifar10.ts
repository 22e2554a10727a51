/**
 * CIFAR-10 from its binary batches (the "binary version" archive, folder cifar-10-batches-bin):
 * data_batch_1.bin … data_batch_5.bin (training, 10,000 images each) and test_batch.bin.
 * Each record is 1 label byte then 3072 pixel bytes: the 32×32 red plane, then green, then blue,
 * each row-major. nnkit never downloads it: `cifar10FromBytes` takes batches you have read, and
 * `loadCifar10` of the "nnkit/node" entry (./files.ts) reads them from a folder.
 */
import { Tensor, allocate, type DType } from "../tensor.js";

export const CIFAR10_CLASSES: readonly string[] = [
  "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
];

/** Bytes per record: 1 label + 3 × 32 × 32 pixels. */
export const CIFAR10_RECORD_BYTES = 3073;
const PIXELS = 3072;

export interface Cifar10Set {
  /** [N, 3, 32, 32], channels R, G, B, values in [0, 1]. */
  images: Tensor;
  /** [N] class indices 0–9 into classNames. */
  labels: Int32Array;
  classNames: readonly string[];
  count: number;
}

/** One batch to decode: where it came from (for messages), its size in bytes, and its bytes when needed. */
export interface Cifar10Batch {
  source: string;
  byteLength: number;
  bytes(): Uint8Array;
}

/** Number of records in a batch of `byteLength` bytes; throws (naming `source`) unless a positive multiple of 3073. */
export function cifar10Records(byteLength: number, source: string): number {
  if (byteLength === 0 || byteLength % CIFAR10_RECORD_BYTES !== 0) {
    const hint = byteLength > 0 && byteLength % 3074 === 0 ? " (a multiple of 3074: is it the CIFAR-100 binary, with 2 label bytes?)" : "";
    throw new Error(`CIFAR-10: ${source} has ${byteLength} bytes, not a positive multiple of the record size ` +
      `${CIFAR10_RECORD_BYTES} (1 label + 3072 pixels)${hint}; the file is truncated or not a CIFAR-10 batch`);
  }
  return byteLength / CIFAR10_RECORD_BYTES;
}

/**
 * CIFAR-10 from the bytes of binary batches, in order (e.g. data_batch_1..5 for training).
 * Returns images [N, 3, 32, 32] scaled to [0, 1], labels [N] (0–9), and the class names.
 */
export function cifar10FromBytes(batches: readonly Uint8Array[], opts: { limit?: number; dtype?: DType } = {}): Cifar10Set {
  return decodeCifar10(batches.map((b, i) => ({ source: `batch ${i + 1}`, byteLength: b.length, bytes: () => b })), opts);
}

/** Decode `batches` in order: all sizes are checked first, then only the batches the limit needs are read. */
export function decodeCifar10(batches: readonly Cifar10Batch[], opts: { limit?: number; dtype?: DType }): Cifar10Set {
  const counts = batches.map((b) => cifar10Records(b.byteLength, b.source));
  const total = counts.reduce((a, b) => a + b, 0);
  const n = Math.min(total, opts.limit ?? Infinity);

  const dtype = opts.dtype ?? "float32";
  const table = allocate(256, dtype);
  for (let v = 0; v < 256; v++) table[v] = v / 255;
  const out = allocate(n * PIXELS, dtype);
  const labels = new Int32Array(n);
  let k = 0;
  for (let f = 0; f < batches.length && k < n; f++) {
    const bytes = batches[f].bytes();
    for (let r = 0; r < counts[f] && k < n; r++, k++) {
      const at = r * CIFAR10_RECORD_BYTES;
      const label = bytes[at];
      if (label > 9) {
        throw new Error(`CIFAR-10: ${batches[f].source} record ${r} has label byte ${label}; CIFAR-10 labels are 0–9`);
      }
      labels[k] = label;
      const o = k * PIXELS;
      for (let i = 0; i < PIXELS; i++) out[o + i] = table[bytes[at + 1 + i]];
    }
  }
  return { images: new Tensor(out, [n, 3, 32, 32]), labels, classNames: CIFAR10_CLASSES, count: n };
}
