// GEMM: C[M×N] (+)= A[M×K] · B[K×N] in float32 with WebAssembly SIMD (f32x4).
//
// Compiled by AssemblyScript (see ../build-wasm.mjs). Every matrix is addressed by a byte pointer
// and two strides counted in floats (row stride, column stride), so Aᵀ or Bᵀ is the same matrix
// with its strides swapped and no transpose is ever materialised.
//
// Blocking as in BLIS/GotoBLAS: B is packed in panels of KC×NC (kept in L2/L3), A in blocks of
// MC×KC, and a 4×8 register tile of C is updated by the micro-kernel from the packed strips.
// When A has at most MC rows and B's rows are contiguous, the micro-kernel reads B where it is
// instead: each B strip then serves few A strips, so packing it would cost more than it saves
// (a convolution's im2col matrix, a fully connected layer's weights at batch 64).
// (A 6×8 tile measured slower here: V8 spills its 12 accumulators.) Built twice: plain SIMD, and
// with relaxed SIMD, whose f32x4.relaxed_madd is one fused multiply-add on x86 with FMA.

// Register tile: MR rows of A (broadcast one float at a time) times NR columns of B (two f32x4).
const MR: i32 = 4;
const NR: i32 = 8;
// Cache blocks (floats): packed A block MC×KC, packed B panel KC×NC.
const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 512;

/** Bytes of scratch one gemm call needs at `work` (packed A, packed B, one edge tile). */
export function gemmWorkBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) << 2;
}

@inline function at(p: usize, row: i32, col: i32, rs: i32, cs: i32): usize {
  return p + ((<usize>(row * rs + col * cs)) << 2);
}

/**
 * Write the transpose of the 4×4 block whose columns are a, b, c, d (a = column 0, lanes = rows)
 * as 4 rows of 4 floats at dst, dst + rowBytes, dst + 2·rowBytes, dst + 3·rowBytes.
 */
@inline function transpose4(a: v128, b: v128, c: v128, d: v128, dst: usize, rowBytes: usize): void {
  const ab01 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
  const cd01 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
  const ab23 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
  const cd23 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(ab01, cd01, 0, 1, 4, 5));
  v128.store(dst + rowBytes, v128.shuffle<f32>(ab01, cd01, 2, 3, 6, 7));
  v128.store(dst + 2 * rowBytes, v128.shuffle<f32>(ab23, cd23, 0, 1, 4, 5));
  v128.store(dst + 3 * rowBytes, v128.shuffle<f32>(ab23, cd23, 2, 3, 6, 7));
}

/** Pack rows [i0, i0+mc) × cols [k0, k0+kc) of A into strips of MR rows: dst[strip][k][MR]. */
function packA(pA: usize, rsA: i32, csA: i32, i0: i32, mc: i32, k0: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const m = min(MR, mc - ir);
    if (m === MR && csA === 1) {
      // Rows of A are contiguous: read four floats of each of the 4 rows and transpose.
      const r0 = at(pA, i0 + ir, k0, rsA, 1);
      const step = (<usize>rsA) << 2;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const s = r0 + ((<usize>k) << 2);
        transpose4(v128.load(s), v128.load(s + step), v128.load(s + 2 * step), v128.load(s + 3 * step), dst, 16);
        dst += 4 * (MR << 2);
      }
      for (; k < kc; k++) {
        const s = r0 + ((<usize>k) << 2);
        store<f32>(dst, load<f32>(s));
        store<f32>(dst, load<f32>(s + step), 4);
        store<f32>(dst, load<f32>(s + 2 * step), 8);
        store<f32>(dst, load<f32>(s + 3 * step), 12);
        dst += MR << 2;
      }
    } else if (m === MR && rsA === 1) {
      // A is a transposed view: the MR values of one k are adjacent.
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(at(pA, i0 + ir, k0 + k, 1, csA)));
        dst += MR << 2;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let i = 0; i < MR; i++) {
          store<f32>(dst, i < m ? load<f32>(at(pA, i0 + ir + i, k0 + k, rsA, csA)) : <f32>0);
          dst += 4;
        }
      }
    }
  }
}

/** Pack rows [k0, k0+kc) × cols [j0, j0+nc) of B into strips of NR columns: dst[strip][k][NR]. */
function packB(pB: usize, rsB: i32, csB: i32, k0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const n = min(NR, nc - jr);
    if (n === NR && csB === 1) {
      for (let k = 0; k < kc; k++) {
        const s = at(pB, k0 + k, j0 + jr, rsB, 1);
        v128.store(dst, v128.load(s));
        v128.store(dst, v128.load(s, 16), 16);
        dst += NR << 2;
      }
    } else if (n === NR && rsB === 1) {
      // B is a transposed view: its columns are contiguous. Read four floats of each of the 8
      // columns and transpose them as two 4×4 blocks.
      const c0 = at(pB, k0, j0 + jr, 1, csB);
      const step = (<usize>csB) << 2;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const s = c0 + ((<usize>k) << 2);
        transpose4(v128.load(s), v128.load(s + step), v128.load(s + 2 * step), v128.load(s + 3 * step), dst, NR << 2);
        transpose4(v128.load(s + 4 * step), v128.load(s + 5 * step), v128.load(s + 6 * step), v128.load(s + 7 * step), dst + 16, NR << 2);
        dst += 4 * (NR << 2);
      }
      for (; k < kc; k++) {
        for (let j = 0; j < NR; j++) {
          store<f32>(dst, load<f32>(c0 + ((<usize>k) << 2) + (<usize>j) * step));
          dst += 4;
        }
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let j = 0; j < NR; j++) {
          store<f32>(dst, j < n ? load<f32>(at(pB, k0 + k, j0 + jr + j, rsB, csB)) : <f32>0);
          dst += 4;
        }
      }
    }
  }
}

/** c + a·b lane-wise: one fused multiply-add where the module is built with relaxed SIMD. */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * Micro-kernel: the MR×NR tile at `pc` (row stride ldc floats) gets the product of one packed
 * A strip (kc×MR) and one B strip (kc rows of NR floats, `bStep` bytes apart); added to what is
 * there when `accumulate`.
 */
@inline function microKernel(kc: i32, pa: usize, pb: usize, bStep: usize, pc: usize, ldc: i32, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += MR << 2;
    pb += bStep;
  }
  const row = (<usize>ldc) << 2;
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(pc)); c01 = f32x4.add(c01, v128.load(pc, 16));
    c10 = f32x4.add(c10, v128.load(pc + row)); c11 = f32x4.add(c11, v128.load(pc + row, 16));
    c20 = f32x4.add(c20, v128.load(pc + 2 * row)); c21 = f32x4.add(c21, v128.load(pc + 2 * row, 16));
    c30 = f32x4.add(c30, v128.load(pc + 3 * row)); c31 = f32x4.add(c31, v128.load(pc + 3 * row, 16));
  }
  v128.store(pc, c00); v128.store(pc, c01, 16);
  v128.store(pc + row, c10); v128.store(pc + row, c11, 16);
  v128.store(pc + 2 * row, c20); v128.store(pc + 2 * row, c21, 16);
  v128.store(pc + 3 * row, c30); v128.store(pc + 3 * row, c31, 16);
}

/**
 * C[M×N] = A[M×K]·B[K×N] (or C += … when accumulate ≠ 0).
 * A at pA with strides (rsA, csA), B at pB with (rsB, csB), C at pC with row stride ldc (floats);
 * `work` points to gemmWorkBytes() bytes of scratch owned by the caller.
 */
export function gemm(
  M: i32, N: i32, K: i32,
  pA: usize, rsA: i32, csA: i32,
  pB: usize, rsB: i32, csB: i32,
  pC: usize, ldc: i32, accumulate: i32, work: usize,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (accumulate === 0) for (let i = 0; i < M; i++) memory.fill(pC + ((<usize>(i * ldc)) << 2), 0, (<usize>N) << 2);
    return;
  }
  const packedA = work;
  const packedB = work + ((<usize>(MC * KC)) << 2);
  const edge = packedB + ((<usize>(KC * NC)) << 2);
  const direct = csB === 1 && M <= MC;
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = min(NC, N - j0);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = min(KC, K - k0);
      const acc = k0 > 0 || accumulate !== 0;
      if (!direct) packB(pB, rsB, csB, k0, kc, j0, nc, packedB);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = min(MC, M - i0);
        packA(pA, rsA, csA, i0, mc, k0, kc, packedA);
        for (let jr = 0; jr < nc; jr += NR) {
          const n = min(NR, nc - jr);
          let pb = packedB + ((<usize>(jr * kc)) << 2);
          let bStep: usize = NR << 2;
          if (direct && n === NR) {
            pb = at(pB, k0, j0 + jr, rsB, 1);
            bStep = (<usize>rsB) << 2;
          } else if (direct) {
            // The last, narrower strip: packed (zero-filled), as reading NR floats would run past B's rows.
            packB(pB, rsB, csB, k0, kc, j0 + jr, n, packedB);
            pb = packedB;
          }
          for (let ir = 0; ir < mc; ir += MR) {
            const m = min(MR, mc - ir);
            const pa = packedA + ((<usize>(ir * kc)) << 2);
            const pc = at(pC, i0 + ir, j0 + jr, ldc, 1);
            if (m === MR && n === NR) {
              microKernel(kc, pa, pb, bStep, pc, ldc, acc);
            } else {
              // Edge tile: compute the full tile into scratch, then copy the m×n part.
              microKernel(kc, pa, pb, bStep, edge, NR, false);
              for (let i = 0; i < m; i++) {
                for (let j = 0; j < n; j++) {
                  const dst = pc + ((<usize>(i * ldc + j)) << 2);
                  const v = load<f32>(edge + ((<usize>(i * NR + j)) << 2));
                  store<f32>(dst, acc ? load<f32>(dst) + v : v);
                }
              }
            }
          }
        }
      }
    }
  }
}
