// Entry of the WebAssembly kernel module: what the JavaScript side (../wasm.ts) and the worker
// threads call. Memory is imported (one shared linear memory); the JavaScript side owns every
// byte above heapBase().
export { gemm, gemmWorkBytes } from "./gemm";
export { im2col, col2im } from "./im2col";
export { convForwardRange, convBackwardRange } from "./conv2d";
export { relu, reluGrad, maxPool } from "./elementwise";
export { adam } from "./adam";

/** First byte of linear memory free for the caller (after the module's own static data). */
export function heapBase(): usize {
  return __heap_base;
}
