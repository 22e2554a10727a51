/**
 * Tensor: a shape plus a row-major Float32Array or Float64Array.
 *
 * Deliberately small: layers do their own loops over `.data`, so a reader sees every
 * multiply-add. Helpers here only create, copy and reshape tensors; checks are in ./shapes.ts.
 */
import { Rng } from "./random.js";

export type DType = "float32" | "float64";
export type TypedArray = Float32Array | Float64Array;
export type Shape = readonly number[];

/** A nested array of numbers of any depth (what `toArray()` returns and `tensor()` accepts). */
export type NestedArray = number | NestedArray[];

export class Tensor {
  readonly shape: number[];
  readonly data: TypedArray;
  readonly dtype: DType;

  /** Wrap `data` (not copied) with `shape`; the product of `shape` must equal `data.length`. */
  constructor(data: TypedArray, shape: Shape) {
    const n = sizeOf(shape);
    if (n !== data.length) {
      throw new Error(`Tensor: shape [${shape.join(", ")}] holds ${n} values but data has ${data.length}`);
    }
    this.shape = [...shape];
    this.data = data;
    this.dtype = data instanceof Float32Array ? "float32" : "float64";
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** The values as nested plain arrays, one level per dimension (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return this.data[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(dim + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /** A deep copy (same shape and dtype). */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  /** Same data viewed with another shape (one entry may be -1 and is inferred). Shares the data. */
  reshape(shape: Shape): Tensor {
    const known = shape.filter((d) => d !== -1);
    const inferred = shape.length - known.length;
    if (inferred > 1) throw new Error(`reshape: at most one -1 allowed, got [${shape.join(", ")}]`);
    const full =
      inferred === 1 ? shape.map((d) => (d === -1 ? this.size / sizeOf(known) : d)) : [...shape];
    if (sizeOf(full) !== this.size || full.some((d) => !Number.isInteger(d))) {
      throw new Error(`reshape: cannot view [${this.shape.join(", ")}] as [${shape.join(", ")}]`);
    }
    return new Tensor(this.data, full);
  }

  /** A copy converted to `dtype`. */
  astype(dtype: DType): Tensor {
    return new Tensor(dtype === "float32" ? Float32Array.from(this.data) : Float64Array.from(this.data), this.shape);
  }

  /** Shape as text, e.g. "[2, 3]" (for error messages and tables). */
  shapeString(): string {
    return `[${this.shape.join(", ")}]`;
  }

  toString(): string {
    return `Tensor(${this.shapeString()}, ${this.dtype}) ${JSON.stringify(this.toArray())}`;
  }
}

/** Product of the dimensions (1 for a scalar shape []). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A typed array of length n of the given dtype, filled with zeros. */
export function allocate(n: number, dtype: DType): TypedArray {
  return dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
}

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

function flatten(values: NestedArray, shape: number[], dim: number, out: number[]): void {
  if (dim === shape.length) {
    if (typeof values !== "number") throw new Error("tensor: ragged nested array (mixed depths)");
    out.push(values);
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[dim]) {
    throw new Error(`tensor: ragged nested array: expected ${shape[dim]} entries at depth ${dim}`);
  }
  for (const v of values) flatten(v, shape, dim + 1, out);
}

/**
 * Make a tensor from a nested array (shape inferred) or a flat array / typed array plus `shape`.
 * dtype defaults to the typed array's own, else float64.
 */
export function tensor(values: NestedArray | ArrayLike<number>, shape?: Shape, dtype?: DType): Tensor {
  if (values instanceof Float32Array || values instanceof Float64Array) {
    const dt = dtype ?? (values instanceof Float32Array ? "float32" : "float64");
    const data = dt === (values instanceof Float32Array ? "float32" : "float64") ? values : convert(values, dt);
    return new Tensor(data, shape ?? [values.length]);
  }
  const dt = dtype ?? "float64";
  if (typeof values === "number") return new Tensor(convert([values], dt), shape ?? []);
  if (shape !== undefined && !Array.isArray((values as ArrayLike<number>)[0])) {
    return new Tensor(convert(values as ArrayLike<number>, dt), shape);
  }
  const inferred = inferShape(values as NestedArray);
  const flat: number[] = [];
  flatten(values as NestedArray, inferred, 0, flat);
  const t = new Tensor(convert(flat, dt), inferred);
  return shape === undefined ? t : t.reshape(shape);
}

function convert(values: ArrayLike<number>, dtype: DType): TypedArray {
  return dtype === "float32" ? Float32Array.from(values) : Float64Array.from(values);
}

/** A tensor of zeros. */
export function zeros(shape: Shape, dtype: DType = "float64"): Tensor {
  return new Tensor(allocate(sizeOf(shape), dtype), shape);
}

/** A tensor filled with `value`. */
export function full(shape: Shape, value: number, dtype: DType = "float64"): Tensor {
  const t = zeros(shape, dtype);
  t.data.fill(value);
  return t;
}

/** A tensor of ones. */
export function ones(shape: Shape, dtype: DType = "float64"): Tensor {
  return full(shape, 1, dtype);
}

/** Zeros with the shape and dtype of `t`. */
export function zerosLike(t: Tensor): Tensor {
  return zeros(t.shape, t.dtype);
}

export interface RandomOptions {
  /** Seed for a fresh generator (default 0). Ignored when `rng` is given. */
  seed?: number;
  /** A generator to draw from (advances it). */
  rng?: Rng;
  dtype?: DType;
}

/** Normal(mean, std) samples, seeded: same seed → same numbers. */
export function randn(shape: Shape, opts: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  const rng = opts.rng ?? new Rng(opts.seed ?? 0);
  const t = zeros(shape, opts.dtype ?? "float64");
  const mean = opts.mean ?? 0;
  const std = opts.std ?? 1;
  for (let i = 0; i < t.size; i++) t.data[i] = mean + std * rng.normal();
  return t;
}

/** Uniform[low, high) samples, seeded. */
export function rand(shape: Shape, opts: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  const rng = opts.rng ?? new Rng(opts.seed ?? 0);
  const t = zeros(shape, opts.dtype ?? "float64");
  const low = opts.low ?? 0;
  const high = opts.high ?? 1;
  for (let i = 0; i < t.size; i++) t.data[i] = low + (high - low) * rng.uniform();
  return t;
}

/** True when two shapes are equal. */
export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** "[2, 3]" for a shape. */
export function shapeStr(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}
