/**
 * The cases of twoLayerGradient: points (w1, b1, w2, b2, x, t) of the lecture's 2-layer net
 * y = w2·max(0, w1·x + b1) + b2, L = (y − t)², with the reference gradient and the gradients of
 * the usual slips of a derivation by hand.
 */
import { Tensor, randn } from "../../../../src/tensor.js";
import { twoLayerGradient } from "../../../../src/autograd/byhand.js";
import type { Candidate, CaseTable, GradedCase } from "nnkit/grading";

/** A point of the net: [w1, b1, w2, b2, x, t]. */
export type Point = [number, number, number, number, number, number];

/** The slide's point: w1 = 3, b1 = 1, w2 = 2, b2 = −5 on x = 1 with target t = 1 (gradient (8, 8, 16, 4)). */
export const SLIDE: Point = [3, 1, 2, -5, 1, 1];

/** The gradient (w1, b1, w2, b2) as the variant computes it from ∂L/∂y, the gate, h and the inputs. */
function gradientWith(p: Point, slip: { noGate?: boolean; half?: boolean; noX?: boolean; zForH?: boolean }): Tensor {
  const [w1, b1, w2, b2, x, t] = p;
  const z = w1 * x + b1;
  const h = Math.max(0, z);
  const dy = (slip.half ? 1 : 2) * (w2 * h + b2 - t);
  const dz = slip.noGate || z > 0 ? dy * w2 : 0;
  return new Tensor(Float64Array.of(slip.noX ? dz : dz * x, dz, dy * (slip.zForH ? z : h), dy), [4]);
}

const SLIPS: { mistake: string; hint: string; slip: Parameters<typeof gradientWith>[1] }[] = [
  { mistake: "ReLU gate missing", hint: "∂L/∂z = ∂L/∂h·1[z > 0]: where z = w1·x + b1 ≤ 0 the ReLU passes no gradient, so ∂L/∂w1 = ∂L/∂b1 = 0 there.", slip: { noGate: true } },
  { mistake: "factor 2 missing", hint: "every component is half the right one: ∂L/∂y = 2(y − t), the derivative of the square.", slip: { half: true } },
  { mistake: "x missing in ∂L/∂w1", hint: "∂L/∂w1 equals ∂L/∂z: the local derivative of z = w1·x + b1 with respect to w1 is x, so ∂L/∂w1 = ∂L/∂z·x.", slip: { noX: true } },
  { mistake: "z used for h in ∂L/∂w2", hint: "∂L/∂w2 = ∂L/∂y·h with h = max(0, z), not z.", slip: { zForH: true } },
];

function gradientCase(p: Point): GradedCase {
  const expected = twoLayerGradient(...p);
  const candidates: Candidate[] = SLIPS.map((s) => ({ mistake: s.mistake, hint: s.hint, value: gradientWith(p, s.slip) }));
  const z = p[0] * p[4] + p[1];
  return {
    label: `w1 ${p[0]}, b1 ${p[1]}, w2 ${p[2]}, b2 ${p[3]}, x ${p[4]}, t ${p[5]} (z ${z > 0 ? "> 0" : "≤ 0"})`,
    batch: 1,
    args: [...p],
    expected: { gradient: expected },
    mistakes: { gradient: candidates.filter((c) => c.value.data.some((v, k) => v !== expected.data[k])) },
  };
}

/** Seeded points, every other one with the ReLU's gate closed (z < 0), rounded to two decimals. */
export function randomPoints(count: number, seed: number): Point[] {
  const r = randn([count * 6], { seed }).data;
  return Array.from({ length: count }, (_, i) => {
    const p = Array.from(r.subarray(6 * i, 6 * i + 6), (v) => Math.round(200 * v) / 100) as Point;
    const z = p[0] * p[4] + p[1];
    if ((i % 2 === 1) === z > 0) p[1] = Math.round(100 * (p[1] - 2 * z - (z > 0 ? 0.5 : -0.5))) / 100; // flip the gate: z' ≈ −z ∓ 0.5
    return p;
  });
}

/** The table of twoLayerGradient over `points`. */
export function twoLayerTable(points: readonly Point[]): CaseTable {
  return { fn: "twoLayerGradient", returns: "gradient", cases: points.map(gradientCase) };
}
