/** Small helpers of Assignment 6's case tables: seeded inputs, labels, elementwise maps. */
import { Tensor, randn } from "../../../../src/tensor.js";

/** Seeded normal tensor of `shape` (every table derives its seeds from a fixed base, so cases never change). */
export function normal(shape: number[], seed: number, std = 1): Tensor {
  return randn(shape, { seed, std });
}

/** "[2, 3]" for labels. */
export function dims(t: Tensor): string {
  return `[${t.shape.join(", ")}]`;
}

/** Elementwise map of t [any shape] into a new float64 tensor of the same shape. */
export function map(t: Tensor, f: (v: number, i: number) => number): Tensor {
  return new Tensor(Float64Array.from(t.data, f), t.shape);
}

/** `make()` computed once per key in this process (the reference runs once per worker, not once per submission). */
export function memo<T>(make: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, make(key));
    return cache.get(key)!;
  };
}
