// Whole-array primitives the programs of src/ops need between the ops' own kernels: zeroing, and
// summing the per-thread partial sums of a gradient into it.

/** n floats at p = 0. */
export function zeroFloats(p: usize, n: i32): void {
  memory.fill(p, 0, (<usize>n) << 2);
}

/**
 * out[i] = Σ_t part_t[i] for i < n (out[i] += … when accumulate ≠ 0), then part_t[i] = 0: `parts`
 * partial sums of n floats each, `stride` bytes apart from pParts (ready to accumulate again).
 */
export function addParts(pParts: usize, stride: i32, parts: i32, pOut: usize, n: i32, accumulate: i32): void {
  const vecEnd = (<usize>(n & ~3)) << 2;
  const end = (<usize>n) << 2;
  const zero = f32x4.splat(0);
  if (accumulate === 0) memory.fill(pOut, 0, end);
  for (let t = 0; t < parts; t++) {
    const part = pParts + <usize>(t * stride);
    let i: usize = 0;
    for (; i < vecEnd; i += 16) {
      v128.store(pOut + i, f32x4.add(v128.load(pOut + i), v128.load(part + i)));
      v128.store(part + i, zero);
    }
    for (; i < end; i += 4) {
      store<f32>(pOut + i, load<f32>(pOut + i) + load<f32>(part + i));
      store<f32>(part + i, 0);
    }
  }
}
