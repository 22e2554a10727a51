/**
 * The IDX file format of the MNIST database.
 *
 * Header: two zero bytes, a dtype byte (0x08 = unsigned byte, the only one MNIST uses), a byte
 * giving the number of dimensions d, then d big-endian uint32 sizes. The values follow, row-major.
 * So images are magic 0x00000803 (N×28×28) and labels 0x00000801 (N).
 * This module parses bytes (in Node or a browser); reading a file, gzipped or not, is readIdx in
 * ./files.ts (the "nnkit/node" entry).
 */

/** An IDX array of unsigned bytes: `dims` (e.g. [60000, 28, 28]) and the values, row-major. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** What the caller expects; checked with an error naming `source`. */
export interface IdxExpect {
  /** Required number of dimensions (3 for images, 1 for labels). */
  rank?: number;
  /** Required sizes of the dimensions after the first (e.g. [28, 28]). */
  innerDims?: readonly number[];
  /** Prefix for error messages, e.g. "MNIST" (default "IDX"). */
  label?: string;
  /** What one byte of the body is, for messages, e.g. "pixels" (default "values"). */
  unit?: string;
}

const UNSIGNED_BYTE = 0x08;
const DTYPE_NAMES: Record<number, string> = {
  0x08: "unsigned byte",
  0x09: "signed byte",
  0x0b: "int16",
  0x0c: "int32",
  0x0d: "float32",
  0x0e: "float64",
};

const hex = (v: number): string => "0x" + (v >>> 0).toString(16).padStart(8, "0");

/** True when `bytes` starts with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parse IDX bytes (not gzipped: decompress them first) into dims + a Uint8Array view of the values.
 * Throws an Error naming `source` when the magic, dtype, rank or size is wrong.
 */
export function parseIdx(bytes: Uint8Array, source: string, expect: IdxExpect = {}): IdxArray {
  const label = expect.label ?? "IDX";
  const fail = (what: string): never => {
    throw new Error(`${label}: ${source} ${what}`);
  };
  if (isGzip(bytes)) fail("is gzipped (starts with 1f 8b); decompress it first (readIdx of \"nnkit/node\" reads .gz files)");
  if (bytes.length < 4) fail(`is too short to be an IDX file (${bytes.length} bytes; the header alone needs at least 4)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const rankWanted = expect.rank;
  const wanted = rankWanted === undefined ? "" : ` (expected ${hex(0x800 + rankWanted)})`;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const html = bytes[0] === 0x3c ? "; it starts with '<', so it is probably an HTML page saved instead of the data" : "";
    fail(`is not an IDX file: magic number ${hex(magic)}${wanted}${html}`);
  }
  const dtype = bytes[2];
  if (dtype !== UNSIGNED_BYTE) {
    const name = DTYPE_NAMES[dtype] ?? "unknown";
    fail(`has IDX dtype byte 0x${dtype.toString(16).padStart(2, "0")} (${name}); only 0x08 (unsigned byte) is supported`);
  }
  const rank = bytes[3];
  if (rankWanted !== undefined && rank !== rankWanted) {
    fail(`has magic number ${hex(magic)}${wanted}: ${rank} dimension(s) instead of ${rankWanted}; is it the wrong file?`);
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    fail(`is truncated: its header needs ${headerBytes} bytes for ${rank} dimension(s) but the file has ${bytes.length}`);
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i));
  const inner = expect.innerDims;
  if (inner !== undefined && inner.some((d, i) => dims[i + 1] !== d)) {
    fail(`has dimensions ${dims.join("×")}, expected N×${inner.join("×")}`);
  }
  let count = 1;
  for (const d of dims) count *= d;
  const body = bytes.length - headerBytes;
  if (body !== count) {
    const how = body < count ? "is truncated" : "is too long";
    fail(`${how}: header says ${dims.join("×")} = ${count} bytes of ${expect.unit ?? "values"} but the file has ${body} after its ` +
      `${headerBytes}-byte header; download it again`);
  }
  return { dims, data: bytes.subarray(headerBytes) };
}
