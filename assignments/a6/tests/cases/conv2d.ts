/** The cases of conv2dForward and conv2dBackward, with stride and padding mistakes recognised. */
import { Tensor } from "../../../../src/tensor.js";
import { conv2dBackward, conv2dForward } from "../../../../src/layers/conv2d.js";
import { offByOneCandidates, type Candidate, type CaseTable, type GradedCase } from "nnkit/grading";
import { dims, memo, normal } from "./util.js";

/** One conv case: [N, C, H, W, F, KH, KW, stride, pad] and the seed its inputs are drawn from. */
export interface ConvCase {
  dims: number[];
  seed: number;
}

/** The inputs of a case: x [N, C, H, W], w [F, C, KH, KW], b [F], dout [N, F, Ho, Wo], stride and pad. */
export interface ConvInputs {
  x: Tensor;
  w: Tensor;
  b: Tensor;
  stride: number;
  pad: number;
  dout: Tensor;
}

/** The inputs of case `c` (seeded: the same case, the same inputs). */
export function convInputs({ dims: [N, C, H, W, F, KH, KW, stride, pad], seed: s }: ConvCase): ConvInputs {
  const Ho = (H - KH + 2 * pad) / stride + 1;
  const Wo = (W - KW + 2 * pad) / stride + 1;
  return {
    x: normal([N, C, H, W], s),
    w: normal([F, C, KH, KW], s + 1),
    b: normal([F], s + 2),
    stride,
    pad,
    dout: normal([N, F, Ho, Wo], s + 3),
  };
}

function label(c: ConvInputs): string {
  return `x ${dims(c.x)}, w ${dims(c.w)}, stride ${c.stride}, pad ${c.pad}`;
}

/**
 * The backward loops with a typical bug switched on: `strideInIndex = false` indexes the input
 * with i + ky instead of i·stride + ky; `padInIndex = false` forgets to subtract the padding.
 * `keepPadded` returns dx of the padded size (padding not cropped). Only for recognising mistakes.
 */
export function convBackwardVariant(
  c: ConvInputs,
  opts: { strideInIndex: boolean; padInIndex: boolean; keepPadded?: boolean },
): { dx: Tensor; dw: Tensor } {
  const [N, C, H, W] = c.x.shape;
  const [F, , KH, KW] = c.w.shape;
  const [, , Ho, Wo] = c.dout.shape;
  const s = opts.strideInIndex ? c.stride : 1;
  const p = opts.padInIndex ? c.pad : 0;
  const Hd = opts.keepPadded ? H + 2 * c.pad : H;
  const Wd = opts.keepPadded ? W + 2 * c.pad : W;
  const shift = opts.keepPadded ? c.pad : 0;
  const dx = new Float64Array(N * C * Hd * Wd);
  const dw = new Float64Array(c.w.size);
  for (let n = 0; n < N; n++)
    for (let f = 0; f < F; f++)
      for (let i = 0; i < Ho; i++)
        for (let j = 0; j < Wo; j++) {
          const g = c.dout.data[((n * F + f) * Ho + i) * Wo + j];
          for (let ch = 0; ch < C; ch++)
            for (let ky = 0; ky < KH; ky++)
              for (let kx = 0; kx < KW; kx++) {
                const y = i * s + ky - p;
                const xx = j * s + kx - p;
                if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
                const wi = ((f * C + ch) * KH + ky) * KW + kx;
                dw[wi] += g * c.x.data[((n * C + ch) * H + y) * W + xx];
                dx[((n * C + ch) * Hd + y + shift) * Wd + xx + shift] += g * c.w.data[wi];
              }
        }
  return { dx: new Tensor(dx, [N, C, Hd, Wd]), dw: new Tensor(dw, c.w.shape) };
}

function convCandidates(c: ConvInputs): Record<string, Candidate[]> {
  const out: Record<string, Candidate[]> = { dx: [], dw: [], db: [] };
  if (c.stride > 1) {
    const v = convBackwardVariant(c, { strideInIndex: false, padInIndex: true });
    const hint = `the stride is ignored in the backward pass: the window of output (i, j) starts at input row i·stride and column j·stride (stride = ${c.stride}), not at (i, j).`;
    out.dx.push({ mistake: "stride ignored in conv backward", hint, value: v.dx });
    out.dw.push({ mistake: "stride ignored in conv backward", hint, value: v.dw });
  }
  if (c.pad > 0) {
    const v = convBackwardVariant(c, { strideInIndex: true, padInIndex: false });
    const hint = `the padding is ignored in the backward pass: output (i, j) reads padded row i·stride + ky, which is input row i·stride + ky − pad (pad = ${c.pad}).`;
    out.dx.push({ mistake: "padding ignored in conv backward", hint, value: v.dx });
    out.dw.push({ mistake: "padding ignored in conv backward", hint, value: v.dw });
    const padded = convBackwardVariant(c, { strideInIndex: true, padInIndex: true, keepPadded: true });
    out.dx.push({
      mistake: "padding not cropped from dx",
      hint: `dx has the padded shape ${dims(padded.dx)}: drop the ${c.pad} padding row(s)/column(s) on each side so dx has x's shape ${dims(c.x)}.`,
      value: padded.dx,
    });
  }
  return out;
}

/**
 * The forward loops with H and W swapped: everywhere (`all`: x read as [N, C, W, H]), or only in
 * the index of x (`index`: x.data[((n·C + c)·W + y)·H + xx]). out [N, F, Ho, Wo], NaN where such a
 * loop reads past the end of x (undefined in arithmetic).
 */
export function convForwardSwapped(c: ConvInputs, where: "all" | "index"): Tensor {
  const [N, C, Hx, Wx] = c.x.shape;
  const [H, W] = where === "all" ? [Wx, Hx] : [Hx, Wx];
  const [F, , KH, KW] = c.w.shape;
  const [, , Ho, Wo] = c.dout.shape;
  const out = new Float64Array(N * F * Ho * Wo);
  for (let n = 0; n < N; n++)
    for (let f = 0; f < F; f++)
      for (let i = 0; i < Ho; i++)
        for (let j = 0; j < Wo; j++) {
          let s = c.b.data[f];
          for (let ch = 0; ch < C; ch++)
            for (let ky = 0; ky < KH; ky++)
              for (let kx = 0; kx < KW; kx++) {
                const y = i * c.stride + ky - c.pad;
                const xx = j * c.stride + kx - c.pad;
                if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
                const k = ((n * C + ch) * W + y) * H + xx; // the swapped index (the same as the right one for `all`)
                const xv = where === "all" ? c.x.data[((n * C + ch) * H + y) * W + xx] : k < c.x.size ? c.x.data[k] : NaN;
                s += c.w.data[((f * C + ch) * KH + ky) * KW + kx] * xv;
              }
          out[((n * F + f) * Ho + i) * Wo + j] = s;
        }
  return new Tensor(out, [N, F, Ho, Wo]);
}

/** Forward outputs with the stride or the padding left out (the window start, or the output size, computed as if stride 1 / pad 0). */
function convForwardCandidates(c: ConvInputs): Candidate[] {
  const out: Candidate[] = [];
  if (c.stride > 1) {
    const dense = conv2dForward(c.x, c.w, c.b, { stride: 1, pad: c.pad })[0];
    const hint = `the stride is ignored: output (i, j) is the window starting at input row i·stride and column j·stride (stride = ${c.stride}), and there are (H + 2·pad − KH)/stride + 1 output rows.`;
    out.push({ mistake: "stride ignored in conv forward", hint, value: dense });
    const [N, F, Ho, Wo] = conv2dForward(c.x, c.w, c.b, { stride: c.stride, pad: c.pad })[0].shape;
    const [, , Hd, Wd] = dense.shape;
    const corner = new Tensor(new Float64Array(N * F * Ho * Wo), [N, F, Ho, Wo]);
    for (let nf = 0; nf < N * F; nf++) for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) corner.data[(nf * Ho + i) * Wo + j] = dense.data[(nf * Hd + i) * Wd + j];
    out.push({ mistake: "stride ignored in conv forward", hint, value: corner });
  }
  const [, , H, W] = c.x.shape;
  if (H !== W) {
    const hint = `your loops read x with H and W swapped: x is [N, C, H, W] = ${dims(c.x)}, so row y (< H), column xx (< W) of channel c is x.data[((n·C + c)·H + y)·W + xx] (H rows of W values); a read past the end of x gives undefined, hence NaN.`;
    for (const where of ["index", "all"] as const) out.push({ mistake: "H and W swapped", hint, value: convForwardSwapped(c, where) });
  }
  if (c.pad > 0) {
    const hint = `the padding is ignored: pad the input with ${c.pad} row(s)/column(s) of zeros on each side (pad = ${c.pad}) before sliding the filters.`;
    out.push({ mistake: "padding ignored in conv forward", hint, value: conv2dForward(c.x, c.w, c.b, { stride: c.stride, pad: 0 })[0] });
  }
  out.push(...offByOneCandidates("out", conv2dForward(c.x, c.w, c.b, { stride: c.stride, pad: c.pad })[0], "Ho = (H − KH + 2·pad)/stride + 1 and Wo = (W − KW + 2·pad)/stride + 1"));
  return out;
}

function forwardCase(row: ConvCase): GradedCase {
  const c = convInputs(row);
  return {
    label: label(c),
    batch: c.x.shape[0],
    args: [c.x, c.w, c.b, { stride: c.stride, pad: c.pad }],
    expected: { out: conv2dForward(c.x, c.w, c.b, { stride: c.stride, pad: c.pad })[0] },
    mistakes: { out: convForwardCandidates(c) },
  };
}

function backwardCase(row: ConvCase): GradedCase {
  const c = convInputs(row);
  const params = { stride: c.stride, pad: c.pad };
  const [, cache] = conv2dForward(c.x, c.w, c.b, params);
  const { dx, dw, db } = conv2dBackward(c.dout, cache);
  return {
    label: `${label(c)}, dout ${dims(c.dout)}`,
    batch: c.x.shape[0],
    args: [c.dout, null],
    forward: { fn: "conv2dForward", args: [c.x, c.w, c.b, params], reference: cache, at: 1 },
    expected: { dx, dw, db },
    mistakes: convCandidates(c),
  };
}

const tables = memo((key: string): { forward: CaseTable; backward: CaseTable } => {
  const list = JSON.parse(key) as ConvCase[];
  return {
    forward: { fn: "conv2dForward", returns: "[out, cache]", cases: list.map(forwardCase) },
    backward: { fn: "conv2dBackward", returns: "{ dx, dw, db }", cases: list.map(backwardCase) },
  };
});

/** The tables of conv2dForward and conv2dBackward over `list` (computed once per process). */
export function conv2dTables(list: readonly ConvCase[]): { forward: CaseTable; backward: CaseTable } {
  return tables(JSON.stringify(list));
}
