// The fully connected layer's primitives besides its GEMMs (src/engine/assembly/gemm.as): the
// bias, broadcast over the rows of the output, and its gradient, the column sums of dout.

/** out [N, M] at pOut: every row = b [M] (the GEMM then adds x·W). */
export function biasRows(pB: usize, N: i32, M: i32, pOut: usize): void {
  const row = (<usize>M) << 2;
  for (let n = 0; n < N; n++) memory.copy(pOut + <usize>n * row, pB, row);
}

/** db [M] = the column sums of dout [N, M] (db += … when accumulate ≠ 0). */
export function biasGradient(pDout: usize, N: i32, M: i32, pDb: usize, accumulate: i32): void {
  const row = (<usize>M) << 2;
  const vecEnd = (<usize>(M & ~3)) << 2;
  if (accumulate === 0) memory.fill(pDb, 0, row);
  for (let n = 0; n < N; n++) {
    const g = pDout + <usize>n * row;
    let j: usize = 0;
    for (; j < vecEnd; j += 16) v128.store(pDb + j, f32x4.add(v128.load(pDb + j), v128.load(g + j)));
    for (; j < row; j += 4) store<f32>(pDb + j, load<f32>(pDb + j) + load<f32>(g + j));
  }
}
