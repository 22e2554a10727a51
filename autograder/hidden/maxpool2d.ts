/** Hidden tests: maxPool2dForward and maxPool2dBackward. */
import { Tensor } from "../../src/tensor.js";
import { maxPool2dBackward, maxPool2dForward } from "../../src/layers/maxpool2d.js";
import { dims, memo, normal, studentCall, type FunctionSpec, type HiddenCase } from "../spec.js";

const FILE = "src/layers/maxpool2d.ts";
// [N, C, H, W, size, stride]: plain 2×2/2, overlapping 3/2, non-square input.
const CASES: number[][] = [
  [2, 3, 4, 4, 2, 2],
  [1, 2, 5, 5, 3, 2],
  [2, 1, 6, 4, 2, 2],
];

/** One max-pool case: [N, C, H, W, size, stride] and the seed its inputs are drawn from. */
export interface PoolCase {
  dims: number[];
  seed: number;
}

const HIDDEN: PoolCase[] = CASES.map((dims, k) => ({ dims, seed: 4000 + 10 * k }));

function inputs({ dims: [N, C, H, W, size, stride], seed: s }: PoolCase): { x: Tensor; size: number; stride: number; dout: Tensor } {
  const Ho = (H - size) / stride + 1;
  const Wo = (W - size) / stride + 1;
  return { x: normal([N, C, H, W], s), size, stride, dout: normal([N, C, Ho, Wo], s + 1) };
}

/** dout spread over every position of its window, each weighted by `weight` (1: all; 1/size²: average pooling). */
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

/** The specs of maxPool2dForward and maxPool2dBackward over `list` (the hidden cases, or the public ones). */
export function maxPool2dSpecs(list: readonly PoolCase[]): [FunctionSpec, FunctionSpec] {
  return [maxPool2dForwardSpecOf(list), maxPool2dBackwardSpecOf(list)];
}

export const [maxPool2dForwardSpec, maxPool2dBackwardSpec] = maxPool2dSpecs(HIDDEN);

function maxPool2dForwardSpecOf(list: readonly PoolCase[]): FunctionSpec {
  return {
    id: "maxPool2dForward",
    fn: "maxPool2dForward",
    file: FILE,
    outputs: { out: [0] },
    cases: memo(() =>
      list.map((row): HiddenCase => {
        const { x, size, stride } = inputs(row);
        return {
          label: `x ${dims(x)}, size ${size}, stride ${stride}`,
          batch: x.shape[0],
          args: [x, { size, stride }],
          expected: { out: maxPool2dForward(x, { size, stride })[0] },
        };
      }),
    ),
  };
}

function maxPool2dBackwardSpecOf(list: readonly PoolCase[]): FunctionSpec {
  return {
    id: "maxPool2dBackward",
    fn: "maxPool2dBackward",
    file: FILE,
    outputs: { dx: [] },
    cases: memo(() =>
      list.map((row): HiddenCase => {
        const { x, size, stride, dout } = inputs(row);
        const [, cache] = maxPool2dForward(x, { size, stride });
        return {
          label: `x ${dims(x)}, size ${size}, stride ${stride}, dout ${dims(dout)}`,
          batch: x.shape[0],
          args: [dout, studentCall(FILE, "maxPool2dForward", [x, { size, stride }], [1], cache)],
          expected: { dx: maxPool2dBackward(dout, cache) },
          candidates: {
            dx: [
              { mistake: "max-pool gradient sent to every position", hint: "each window's dout went to all of its positions: only the position that held the maximum receives it; the others get 0.", value: spread(x, dout, size, stride, 1) },
              { mistake: "average-pool gradient", hint: "each window's dout was shared equally by its positions (that is average pooling): in max-pooling all of it goes to the maximum.", value: spread(x, dout, size, stride, 1 / (size * size)) },
            ],
          },
        };
      }),
    ),
  };
}
