/**
 * The part of the WebAssembly JavaScript API the kernels use, typed here because the project's
 * TypeScript library settings (ES2022, no DOM) do not declare it.
 */

/** A linear memory; its buffer is a SharedArrayBuffer when created with shared: true. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/** A compiled module (opaque; can be sent to worker threads). */
export interface WasmModule {
  readonly __brand?: "WasmModule";
}

export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: {
    new (bytes: Uint8Array): WasmModule;
    /** The module's exports, e.g. [{ name: "gemm", kind: "function" }, …]. */
    exports(module: WasmModule): { name: string; kind: string }[];
  };
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/** The global WebAssembly object, or undefined where there is none. */
export const webAssembly: WasmApi | undefined = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
