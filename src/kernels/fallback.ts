/**
 * The plain TypeScript engine, used where WebAssembly SIMD is not available (or when asked for with
 * NNKIT_KERNELS=js). Same primitives and memory model as the WebAssembly engine (./wasm.ts), same
 * results up to float32 rounding order; loops in i-k-j order so the innermost one runs along rows.
 */
import { Arena, ArenaEngine, type Engine, type ParallelKernel } from "./engine.js";

export class JsEngine extends ArenaEngine implements Engine {
  readonly name = "js";
  readonly threads = 1;
  private heap = new Float32Array(1 << 16);
  protected readonly arena = new Arena(
    64,
    () => this.heap.byteLength,
    (bytes) => {
      const grown = new Float32Array(Math.max(bytes >> 2, this.heap.length * 2));
      grown.set(this.heap);
      this.heap = grown;
    },
  );

  f32(): Float32Array {
    return this.heap;
  }
  /** The heap is replaced when it grows, so nothing stays in it: always null. */
  residentArray(): Float32Array | null {
    return null;
  }
  pointerOf(): number {
    return -1;
  }
  parallel(kernel: ParallelKernel, argLists: number[][]): void {
    const f = this[kernel] as (...args: number[]) => void;
    for (const args of argLists) f.apply(this, args);
  }

  gemmWorkBytes(): number {
    return 64;
  }

  gemm(
    M: number, N: number, K: number,
    pA: number, rsA: number, csA: number,
    pB: number, rsB: number, csB: number,
    pC: number, ldc: number, accumulate: number,
  ): void {
    const h = this.heap;
    const a = pA >> 2, b = pB >> 2, c = pC >> 2;
    for (let i = 0; i < M; i++) {
      const ci = c + i * ldc;
      if (accumulate === 0) h.fill(0, ci, ci + N);
      for (let k = 0; k < K; k++) {
        const aik = h[a + i * rsA + k * csA];
        if (aik === 0) continue;
        const bk = b + k * rsB;
        if (csB === 1) {
          for (let j = 0; j < N; j++) h[ci + j] += aik * h[bk + j];
        } else {
          for (let j = 0; j < N; j++) h[ci + j] += aik * h[bk + j * csB];
        }
      }
    }
  }

  im2col(pX: number, C: number, H: number, W: number, KH: number, KW: number, stride: number, pad: number, Ho: number, Wo: number, pCol: number): void {
    const h = this.heap;
    const x = pX >> 2;
    let d = pCol >> 2;
    for (let c = 0; c < C; c++) {
      for (let kh = 0; kh < KH; kh++) {
        for (let kw = 0; kw < KW; kw++) {
          for (let oh = 0; oh < Ho; oh++) {
            const ih = oh * stride - pad + kh;
            for (let ow = 0; ow < Wo; ow++, d++) {
              const iw = ow * stride - pad + kw;
              h[d] = ih >= 0 && ih < H && iw >= 0 && iw < W ? h[x + (c * H + ih) * W + iw] : 0;
            }
          }
        }
      }
    }
  }

  col2im(pCol: number, C: number, H: number, W: number, KH: number, KW: number, stride: number, pad: number, Ho: number, Wo: number, pX: number): void {
    const h = this.heap;
    const x = pX >> 2;
    h.fill(0, x, x + C * H * W);
    // BEGIN SOLUTION
    let s = pCol >> 2;
    for (let c = 0; c < C; c++) {
      for (let kh = 0; kh < KH; kh++) {
        for (let kw = 0; kw < KW; kw++) {
          for (let oh = 0; oh < Ho; oh++) {
            const ih = oh * stride - pad + kh;
            for (let ow = 0; ow < Wo; ow++, s++) {
              const iw = ow * stride - pad + kw;
              if (ih >= 0 && ih < H && iw >= 0 && iw < W) h[x + (c * H + ih) * W + iw] += h[s];
            }
          }
        }
      }
    }
    // END SOLUTION
  }

  relu(pX: number, pOut: number, n: number): void {
    // BEGIN SOLUTION
    const h = this.heap;
    for (let i = pX >> 2, o = pOut >> 2, end = i + n; i < end; i++, o++) h[o] = h[i] > 0 ? h[i] : 0;
    // END SOLUTION
  }

  reluGrad(pX: number, pDout: number, pDx: number, n: number): void {
    // BEGIN SOLUTION
    const h = this.heap;
    for (let i = 0, x = pX >> 2, g = pDout >> 2, d = pDx >> 2; i < n; i++) h[d + i] = h[x + i] > 0 ? h[g + i] : 0;
    // END SOLUTION
  }

  adam(pX: number, pG: number, pM: number, pV: number, n: number, pConsts: number): void {
    const h = this.heap;
    const c = pConsts >> 2;
    const [beta1, beta2, stepSize, vScale, eps] = [h[c], h[c + 1], h[c + 2], h[c + 3], h[c + 4]];
    for (let i = 0, x = pX >> 2, g = pG >> 2, m = pM >> 2, v = pV >> 2; i < n; i++) {
      const gi = h[g + i];
      const mi = (h[m + i] = beta1 * h[m + i] + (1 - beta1) * gi);
      const vi = (h[v + i] = beta2 * h[v + i] + (1 - beta2) * gi * gi);
      h[x + i] -= (stepSize * mi) / (Math.sqrt(vi) * vScale + eps);
    }
  }

  maxPool(pX: number, p0: number, p1: number, H: number, W: number, size: number, stride: number, Ho: number, Wo: number, pOut: number, pArg: number): void {
    // BEGIN SOLUTION
    const h = this.heap;
    const args = new Int32Array(h.buffer);
    const x = pX >> 2;
    let o = p0 * Ho * Wo;
    for (let base = p0 * H * W; base < p1 * H * W; base += H * W) {
      for (let i = 0; i < Ho; i++) {
        for (let j = 0; j < Wo; j++, o++) {
          const corner = base + i * stride * W + j * stride;
          let best = -Infinity;
          let at = corner;
          for (let ky = 0; ky < size; ky++) {
            for (let k = corner + ky * W, end = k + size; k < end; k++) {
              if (h[x + k] > best) {
                best = h[x + k];
                at = k;
              }
            }
          }
          h[(pOut >> 2) + o] = best;
          args[(pArg >> 2) + o] = at;
        }
      }
    }
    // END SOLUTION
  }

  /** Claims the next image index from the int32 counter at pNext (one thread here: all of them in turn). */
  private claim(pNext: number): number {
    return new Int32Array(this.heap.buffer)[pNext >> 2]++;
  }

  convForwardRange(
    pNext: number, N: number, pX: number, pW: number, pB: number, pOut: number,
    C: number, H: number, W: number, F: number, KH: number, KW: number, stride: number, pad: number, Ho: number, Wo: number,
    pCol: number, work: number,
  ): void {
    // BEGIN SOLUTION
    const K = C * KH * KW;
    const P = Ho * Wo;
    for (let n = this.claim(pNext); n < N; n = this.claim(pNext)) {
      const out = pOut + n * F * P * 4;
      this.im2col(pX + n * C * H * W * 4, C, H, W, KH, KW, stride, pad, Ho, Wo, pCol);
      for (let f = 0; f < F; f++) this.heap.fill(this.heap[(pB >> 2) + f], (out >> 2) + f * P, (out >> 2) + (f + 1) * P);
      this.gemm(F, P, K, pW, K, 1, pCol, P, 1, out, P, 1);
    }
    // END SOLUTION
    void work;
  }

  convBackwardRange(
    pNext: number, N: number, pX: number, pW: number, pDout: number, pDx: number, pDw: number,
    C: number, H: number, W: number, F: number, KH: number, KW: number, stride: number, pad: number, Ho: number, Wo: number,
    pCol: number, pDcol: number, work: number, needDx: number,
  ): void {
    // BEGIN SOLUTION
    const K = C * KH * KW;
    const P = Ho * Wo;
    for (let n = this.claim(pNext); n < N; n = this.claim(pNext)) {
      const dout = pDout + n * F * P * 4;
      this.im2col(pX + n * C * H * W * 4, C, H, W, KH, KW, stride, pad, Ho, Wo, pCol);
      this.gemm(F, K, P, dout, P, 1, pCol, 1, P, pDw, K, 1);
      if (needDx !== 0) {
        this.gemm(K, P, F, pW, 1, K, dout, P, 1, pDcol, P, 0);
        this.col2im(pDcol, C, H, W, KH, KW, stride, pad, Ho, Wo, pDx + n * C * H * W * 4);
      }
    }
    void work;
    // END SOLUTION
  }
}
