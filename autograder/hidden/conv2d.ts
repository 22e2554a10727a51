/** Hidden tests: conv2dForward and conv2dBackward, with stride and padding mistakes recognised. */
import { Tensor } from "../../src/tensor.js";
import { conv2dBackward, conv2dForward } from "../../src/layers/conv2d.js";
import type { Candidate } from "../mistakes.js";
import { dims, memo, normal, studentCall, type FunctionSpec, type HiddenCase } from "../spec.js";

const FILE = "src/layers/conv2d.ts";
// [N, C, H, W, F, KH, KW, stride, pad]: pad 1, stride 2 pad 0, stride 2 pad 1 non-square, pad 2 non-square kernel.
const CASES: number[][] = [
  [2, 3, 5, 5, 4, 3, 3, 1, 1],
  [1, 2, 7, 7, 3, 3, 3, 2, 0],
  [2, 2, 7, 9, 3, 3, 3, 2, 1],
  [2, 3, 6, 5, 2, 3, 2, 1, 2],
];

/** One conv case: [N, C, H, W, F, KH, KW, stride, pad] and the seed its inputs are drawn from. */
export interface ConvCase {
  dims: number[];
  seed: number;
}

const HIDDEN: ConvCase[] = CASES.map((dims, k) => ({ dims, seed: 3000 + 10 * k }));

interface ConvInputs {
  x: Tensor;
  w: Tensor;
  b: Tensor;
  stride: number;
  pad: number;
  dout: Tensor;
}

function inputs({ dims: [N, C, H, W, F, KH, KW, stride, pad], seed: s }: ConvCase): ConvInputs {
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
  if (c.pad > 0) {
    const hint = `the padding is ignored: pad the input with ${c.pad} row(s)/column(s) of zeros on each side (pad = ${c.pad}) before sliding the filters.`;
    out.push({ mistake: "padding ignored in conv forward", hint, value: conv2dForward(c.x, c.w, c.b, { stride: c.stride, pad: 0 })[0] });
  }
  return out;
}

/** The specs of conv2dForward and conv2dBackward over `list` (the hidden cases, or the public ones). */
export function conv2dSpecs(list: readonly ConvCase[]): [FunctionSpec, FunctionSpec] {
  return [conv2dForwardSpecOf(list), conv2dBackwardSpecOf(list)];
}

export const [conv2dForwardSpec, conv2dBackwardSpec] = conv2dSpecs(HIDDEN);

function conv2dForwardSpecOf(list: readonly ConvCase[]): FunctionSpec {
  return {
    id: "conv2dForward",
    fn: "conv2dForward",
    file: FILE,
    outputs: { out: [0] },
    cases: memo(() =>
      list.map((row): HiddenCase => {
        const c = inputs(row);
        return {
          label: label(c),
          batch: c.x.shape[0],
          args: [c.x, c.w, c.b, { stride: c.stride, pad: c.pad }],
          expected: { out: conv2dForward(c.x, c.w, c.b, { stride: c.stride, pad: c.pad })[0] },
          candidates: { out: convForwardCandidates(c) },
        };
      }),
    ),
  };
}

function conv2dBackwardSpecOf(list: readonly ConvCase[]): FunctionSpec {
  return {
    id: "conv2dBackward",
    fn: "conv2dBackward",
    file: FILE,
    outputs: { dx: ["dx"], dw: ["dw"], db: ["db"] },
    cases: memo(() =>
      list.map((row): HiddenCase => {
        const c = inputs(row);
        const params = { stride: c.stride, pad: c.pad };
        const [, cache] = conv2dForward(c.x, c.w, c.b, params);
        const { dx, dw, db } = conv2dBackward(c.dout, cache);
        return {
          label: `${label(c)}, dout ${dims(c.dout)}`,
          batch: c.x.shape[0],
          args: [c.dout, studentCall(FILE, "conv2dForward", [c.x, c.w, c.b, params], [1], cache)],
          expected: { dx, dw, db },
          candidates: convCandidates(c),
        };
      }),
    ),
  };
}

/** The cases' inputs, for tests of the variants. */
export const conv2dCaseInputs = (k: number): ConvInputs => inputs(HIDDEN[k]);
export const conv2dCaseCount = CASES.length;
