// Entry of the WebAssembly kernel module: the engine's own primitives (GEMM, whole-array helpers)
// and heapBase. The build (../build-wasm.mjs) adds `export * from` every op's primitives
// (src/ops/<op>/kernels.as) present in the tree, so the module holds exactly the fast paths the
// kit ships. Memory is imported (one shared linear memory); the JavaScript side owns every byte
// above heapBase().
export { gemm, gemmWorkBytes } from "./gemm";
export { addParts, zeroFloats } from "./arrays";

/** First byte of linear memory free for the caller (after the module's own static data). */
export function heapBase(): usize {
  return __heap_base;
}
