/**
 * Typed primitives. A primitive is one function of the WebAssembly module (AssemblyScript source:
 * src/engine/assembly/*.as and src/ops/<op>/kernels.as) with a twin in plain TypeScript for the
 * engine without WebAssembly. Its `Kernel` lists the parameter names in the order of the export;
 * callers pass arguments by name (`KernelArgs`), and the engine turns them into the positional
 * list the export takes, in this one place. A test checks every export's arity and parameter
 * names against its Kernel, and the twins' too.
 *
 * Pointers are byte offsets into the engine's linear memory; matrices are (pointer, row stride,
 * column stride) with strides counted in floats, so a transposed operand is the same data with
 * swapped strides.
 */

/** The engine's linear memory as the TypeScript twins see it (fresh views on every call: memory may grow). */
export interface JsMemory {
  f32: Float32Array;
  i32: Int32Array;
}

/** One primitive: its export name, its parameters in order, and its plain TypeScript twin. */
export interface Kernel<P extends string = string> {
  readonly name: string;
  readonly params: readonly P[];
  /** The same computation on `m` (arguments in the order of `params`). */
  readonly js: (m: JsMemory, ...args: number[]) => void;
}

/** The arguments of one call of kernel `K`, by name. */
export type KernelArgs<K extends Kernel> = K extends Kernel<infer P> ? { readonly [name in P]: number } : never;

/** Define a primitive (see Kernel); `params` as a const tuple, e.g. ["pX", "pOut", "n"] as const. */
export function defineKernel<P extends string>(name: string, params: readonly P[], js: (m: JsMemory, ...args: number[]) => void): Kernel<P> {
  return { name, params, js };
}

/** The positional argument list of one call: `args` in the order of `k.params`. */
export function positional<K extends Kernel>(k: K, args: KernelArgs<K>): number[] {
  const named = args as Readonly<Record<string, number>>;
  return k.params.map((p) => named[p]);
}

/**
 * A record of integers packed as int32 in the order of `fields` (how a kernel takes an op's
 * geometry: one pointer instead of ten arguments). Returns fields.length int32 values.
 */
export function packFields<F extends string>(fields: readonly F[], values: Readonly<Record<F, number>>): Int32Array {
  return Int32Array.from(fields, (f) => values[f]);
}

/** The record packed by packFields at pointer `p` of `m` (what the TypeScript twins read). */
export function unpackFields<F extends string>(fields: readonly F[], m: JsMemory, p: number): Record<F, number> {
  const out = {} as Record<F, number>;
  fields.forEach((f, i) => (out[f] = m.i32[(p >> 2) + i]));
  return out;
}
