/** The cases of maxPool2dForward and maxPool2dBackward, with their reference answers and known wrong answers. */
import { Tensor } from "../../../../src/tensor.js";
import { maxPool2dBackward, maxPool2dForward } from "../../../../src/layers/maxpool2d.js";
import { offByOneCandidates, type Candidate, type CaseTable, type GradedCase } from "nnkit/grading";
import { dims, map, memo, normal } from "./util.js";

/** One max-pool case: [N, C, H, W, size, stride], the seed its inputs are drawn from, and whether x holds whole numbers (so windows have tied maxima). */
export interface PoolCase {
  dims: number[];
  seed: number;
  ties?: boolean;
}

function inputs({ dims: [N, C, H, W, size, stride], seed: s, ties }: PoolCase): { x: Tensor; size: number; stride: number; dout: Tensor } {
  const Ho = (H - size) / stride + 1;
  const Wo = (W - size) / stride + 1;
  const x = normal([N, C, H, W], s);
  return { x: ties ? map(x, (v) => Math.round(v)) : x, size, stride, dout: normal([N, C, Ho, Wo], s + 1) };
}

/** dx [N, C, H, W] when each window's dout goes to the LAST of its maxima (`last`), or to every maximum (`all`). */
function tieRouted(x: Tensor, dout: Tensor, size: number, stride: number, rule: "last" | "all"): Tensor {
  const [N, C, H, W] = x.shape;
  const [, , Ho, Wo] = dout.shape;
  const dx = new Float64Array(x.size);
  for (let nc = 0; nc < N * C; nc++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++) {
        const at: number[] = [];
        for (let ky = 0; ky < size; ky++) for (let kx = 0; kx < size; kx++) at.push(nc * H * W + (i * stride + ky) * W + j * stride + kx);
        const best = Math.max(...at.map((k) => x.data[k]));
        const winners = at.filter((k) => x.data[k] === best);
        for (const k of rule === "last" ? winners.slice(-1) : winners) dx[k] += dout.data[(nc * Ho + i) * Wo + j];
      }
  return new Tensor(dx, x.shape);
}

/** The tie mistakes of a case whose windows have tied maxima (none when no window has a tie). */
function tieMistakes(x: Tensor, dout: Tensor, expected: Tensor, size: number, stride: number): Candidate[] {
  const last = tieRouted(x, dout, size, stride, "last");
  if (last.data.every((v, k) => v === expected.data[k])) return [];
  return [
    { mistake: "max-pool tie sent to the last maximum", hint: "where a window holds its maximum twice, your gradient goes to the last one: the handout gives it to the first maximum in row-major order (compare with >, not >=).", value: last },
    { mistake: "max-pool tie sent to every maximum", hint: "where a window holds its maximum twice, every copy gets the gradient: only the first maximum in row-major order receives it (stop at the first).", value: tieRouted(x, dout, size, stride, "all") },
  ];
}

/** dout [N, C, Ho, Wo] spread over every position of its window of x [N, C, H, W], each weighted by `weight` (1: all; 1/size²: average pooling). */
function spread(x: Tensor, dout: Tensor, size: number, stride: number, weight: number): Tensor {
  const [N, C, H, W] = x.shape;
  const [, , Ho, Wo] = dout.shape;
  const dx = new Float64Array(x.size);
  for (let nc = 0; nc < N * C; nc++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++)
        for (let ky = 0; ky < size; ky++)
          for (let kx = 0; kx < size; kx++) dx[nc * H * W + (i * stride + ky) * W + j * stride + kx] += weight * dout.data[(nc * Ho + i) * Wo + j];
  return new Tensor(dx, x.shape);
}

/** out [N, C, Ho, Wo] of forward loops that read x [N, C, H, W] as [N, C, W, H]; a read past the end (undefined) is never the maximum. */
function swappedForward(x: Tensor, out: Tensor, size: number, stride: number): Tensor {
  const [N, C, W, H] = x.shape;
  const [, , Ho, Wo] = out.shape;
  const res = new Float64Array(out.size);
  for (let nc = 0; nc < N * C; nc++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++) {
        let best = -Infinity;
        for (let ky = 0; ky < size; ky++)
          for (let kx = 0; kx < size; kx++) {
            const k = nc * H * W + (i * stride + ky) * W + j * stride + kx;
            if (k < x.size && x.data[k] > best) best = x.data[k];
          }
        res[(nc * Ho + i) * Wo + j] = best;
      }
  return new Tensor(res, out.shape);
}

function forwardCase(row: PoolCase): GradedCase {
  const { x, size, stride } = inputs(row);
  const [out] = maxPool2dForward(x, { size, stride });
  const swapHint = `your loops read x as if it were [N, C, W, H]: x is [N, C, H, W] = ${dims(x)}, so row y, column xx of a channel is at offset y·W + xx (H rows of W values).`;
  return {
    label: `x ${dims(x)}, size ${size}, stride ${stride}`,
    batch: x.shape[0],
    args: [x, { size, stride }],
    expected: { out },
    mistakes: {
      out: [
        ...(x.shape[2] !== x.shape[3] ? [{ mistake: "H and W swapped", hint: swapHint, value: swappedForward(x, out, size, stride) }] : []),
        ...offByOneCandidates("out", out, "Ho = (H − size)/stride + 1 and Wo = (W − size)/stride + 1"),
      ],
    },
  };
}

function backwardCase(row: PoolCase): GradedCase {
  const { x, size, stride, dout } = inputs(row);
  const [, cache] = maxPool2dForward(x, { size, stride });
  const dx = maxPool2dBackward(dout, cache);
  return {
    label: `x ${dims(x)}${row.ties ? " (whole numbers: tied maxima)" : ""}, size ${size}, stride ${stride}, dout ${dims(dout)}`,
    batch: x.shape[0],
    args: [dout, null],
    forward: { fn: "maxPool2dForward", args: [x, { size, stride }], reference: cache, at: 1 },
    expected: { dx },
    mistakes: {
      dx: [
        ...tieMistakes(x, dout, dx, size, stride),
        { mistake: "max-pool gradient sent to every position", hint: "each window's dout went to all of its positions: only the position that held the maximum receives it; the others get 0.", value: spread(x, dout, size, stride, 1) },
        { mistake: "average-pool gradient", hint: "each window's dout was shared equally by its positions (that is average pooling): in max-pooling all of it goes to the maximum.", value: spread(x, dout, size, stride, 1 / (size * size)) },
      ],
    },
  };
}

const tables = memo((key: string): { forward: CaseTable; backward: CaseTable } => {
  const list = JSON.parse(key) as PoolCase[];
  return {
    forward: { fn: "maxPool2dForward", returns: "[out, cache]", cases: list.map(forwardCase) },
    backward: { fn: "maxPool2dBackward", returns: "dx", cases: list.map(backwardCase) },
  };
});

/** The tables of maxPool2dForward and maxPool2dBackward over `list` (computed once per process). */
export function maxPool2dTables(list: readonly PoolCase[]): { forward: CaseTable; backward: CaseTable } {
  return tables(JSON.stringify(list));
}
