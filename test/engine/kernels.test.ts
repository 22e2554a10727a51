/**
 * Typed primitives: every export of the WebAssembly module has a Kernel (src/engine/kernel.ts)
 * whose parameter list matches the AssemblyScript source name for name and the export's arity,
 * and whose plain TypeScript twin takes the same parameters (after the memory).
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { configureKernels, kernelEngine } from "../../src/engine/index.js";
import { GEMM } from "../../src/engine/gemm.js";
import type { Kernel } from "../../src/engine/kernel.js";
import { WasmEngine } from "../../src/engine/wasm.js";
import { ADAGRAD_STEP, ADAM_STEP, MOMENTUM_STEP, RMSPROP_STEP, SGD_STEP } from "../../src/ops/update/kernels.js";
import { CONV_BACKWARD_INPUT, CONV_BACKWARD_WEIGHTS, CONV_FORWARD, WINOGRAD_CONV, WINOGRAD_CONV_WEIGHTS, WINOGRAD_FILTER_GRADIENT, WINOGRAD_FILTERS } from "../../src/ops/conv2d/kernels.js";
import { MAX_POOL, MAX_POOL_BACKWARD } from "../../src/ops/maxpool2d/kernels.js";
import { ADD_PARTS, ZERO_FLOATS } from "../../src/engine/arrays.js";
import { BIAS_GRADIENT, BIAS_ROWS } from "../../src/ops/linear/kernels.js";
import { RELU, RELU_GRAD } from "../../src/ops/relu/kernels.js";
import { useEngine } from "./compare.js";
import { CONV_FIELDS } from "../../src/ops/conv2d/contract.js";
import { POOL_FIELDS } from "../../src/ops/maxpool2d/contract.js";

afterAll(() => configureKernels({ engine: "wasm", threads: 1 }));

/** Each kernel and the AssemblyScript file that defines its export. */
const KERNELS: [Kernel, string][] = [
  [GEMM, "src/engine/assembly/gemm.as"],
  [ZERO_FLOATS, "src/engine/assembly/arrays.as"],
  [ADD_PARTS, "src/engine/assembly/arrays.as"],
  [BIAS_ROWS, "src/ops/linear/kernels.as"],
  [BIAS_GRADIENT, "src/ops/linear/kernels.as"],
  [CONV_FORWARD, "src/ops/conv2d/kernels.as"],
  [CONV_BACKWARD_WEIGHTS, "src/ops/conv2d/kernels.as"],
  [CONV_BACKWARD_INPUT, "src/ops/conv2d/kernels.as"],
  [WINOGRAD_FILTERS, "src/ops/conv2d/winograd.as"],
  [WINOGRAD_CONV, "src/ops/conv2d/winograd.as"],
  [WINOGRAD_CONV_WEIGHTS, "src/ops/conv2d/winograd.as"],
  [WINOGRAD_FILTER_GRADIENT, "src/ops/conv2d/winograd.as"],
  [RELU, "src/ops/relu/kernels.as"],
  [RELU_GRAD, "src/ops/relu/kernels.as"],
  [MAX_POOL, "src/ops/maxpool2d/kernels.as"],
  [MAX_POOL_BACKWARD, "src/ops/maxpool2d/kernels.as"],
  [SGD_STEP, "src/ops/update/kernels.as"],
  [MOMENTUM_STEP, "src/ops/update/kernels.as"],
  [ADAGRAD_STEP, "src/ops/update/kernels.as"],
  [RMSPROP_STEP, "src/ops/update/kernels.as"],
  [ADAM_STEP, "src/ops/update/kernels.as"],
];
const root = new URL("../../", import.meta.url);

/** The parameter names of `export function name(…)` in AssemblyScript source. */
function asParams(source: string, name: string): string[] {
  const m = new RegExp(`export function ${name}\\(([^)]*)\\)`).exec(source);
  if (!m) throw new Error(`no export function ${name}`);
  return m[1].split(",").map((p) => p.trim()).filter(Boolean).map((p) => p.split(":")[0].trim());
}

/** The parameter names of a plain function or arrow function. */
function jsParams(f: (...a: never[]) => unknown): string[] {
  const text = f.toString();
  const m = /^[^(]*\(([^)]*)\)/.exec(text);
  if (!m) throw new Error(`cannot read the parameters of ${text.slice(0, 40)}`);
  return m[1].split(",").map((p) => p.trim().replace(/[:=].*$/, "").trim()).filter(Boolean);
}

describe("typed WebAssembly primitives", () => {
  it("each kernel's parameters are the AssemblyScript export's, in order, and its twin's after the memory", () => {
    for (const [k, file] of KERNELS) {
      const source = readFileSync(new URL(file, root), "utf8");
      expect(asParams(source, k.name), `${k.name} in ${file}`).toEqual([...k.params]);
      expect(k.js.length, `${k.name}'s TypeScript twin`).toBe(k.params.length + 1);
      expect(jsParams(k.js).slice(1), `${k.name}'s TypeScript twin`).toEqual([...k.params]);
    }
  });

  it("each export of the built module has its kernel's arity, and every function export has a kernel", () => {
    useEngine({ engine: "wasm", threads: 1 });
    const e = kernelEngine();
    expect(e).toBeInstanceOf(WasmEngine);
    const wasm = e as WasmEngine;
    for (const [k] of KERNELS) expect(wasm.exported(k.name)?.length, k.name).toBe(k.params.length);
    const exports = wasm.kernelNames.filter((n) => !["heapBase", "gemmWorkBytes"].includes(n)).sort();
    expect(exports).toEqual(KERNELS.map(([k]) => k.name).sort());
  });
});

/** The byte offset at which AssemblyScript source reads each field of a packed geometry: `name = load<i32>(pGeom, 8)` or `function gName(p: usize): i32 { return load<i32>(p, 8); }`. */
function packedOffsets(source: string, fields: readonly string[]): Map<string, number> {
  const offsets = new Map<string, number>();
  const field = (name: string) => (fields.includes(name) ? name : name[0].toLowerCase() + name.slice(1));
  for (const m of source.matchAll(/(\w+) = load<i32>\(pGeom, (\d+)\)/g)) offsets.set(field(m[1]), Number(m[2]));
  for (const m of source.matchAll(/function g(\w+)\(p: usize\): i32 \{ return load<i32>\(p, (\d+)\); \}/g)) offsets.set(field(m[1]), Number(m[2]));
  return offsets;
}

describe("packed geometries", () => {
  it("the AssemblyScript kernels read each field of a geometry at 4 × its index in the TypeScript field list", () => {
    for (const [fields, file, read] of [
      [CONV_FIELDS, "src/ops/conv2d/geometry.as", 10],
      [POOL_FIELDS, "src/ops/maxpool2d/kernels.as", 6],
    ] as const) {
      const offsets = packedOffsets(readFileSync(new URL(file, root), "utf8"), fields);
      expect(offsets.size, file).toBe(read);
      for (const [name, offset] of offsets) expect(offset, `${name} in ${file}`).toBe(4 * (fields as readonly string[]).indexOf(name));
    }
  });
});
