/**
 * summary must not allocate weights: every Tensor-creating export of src/tensor.js is wrapped to
 * count its calls, and summarizing VGG-16 must make none (building a small model must make some,
 * which shows the counter works).
 */
import { describe, expect, it, vi } from "vitest";

const created = vi.hoisted(() => ({ count: 0 }));

vi.mock("../../src/tensor.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/tensor.js")>();
  const counted = <A extends unknown[], R>(f: (...a: A) => R) => (...a: A): R => {
    created.count++;
    return f(...a);
  };
  class CountedTensor extends real.Tensor {
    constructor(...args: ConstructorParameters<typeof real.Tensor>) {
      super(...args);
      created.count++;
    }
  }
  return {
    ...real,
    Tensor: CountedTensor,
    tensor: counted(real.tensor),
    zeros: counted(real.zeros),
    ones: counted(real.ones),
    full: counted(real.full),
    zerosLike: counted(real.zerosLike),
    randn: counted(real.randn),
    rand: counted(real.rand),
    allocate: counted(real.allocate),
  };
});

const { summary } = await import("../../src/summary.js");
const { vgg16, alexnet, mlp } = await import("../../src/models/specs.js");
const { build } = await import("../../src/models/sequential.js");

describe("summary allocates nothing", () => {
  it("VGG-16 and AlexNet summaries create no tensor; building an MLP does", () => {
    created.count = 0;
    expect(summary(vgg16()).totalParams).toBe(138_357_544);
    expect(summary(alexnet()).totalParams).toBe(61_100_840);
    expect(created.count).toBe(0);
    build(mlp([3, 4, 2]));
    expect(created.count).toBeGreaterThan(0);
  });
});
