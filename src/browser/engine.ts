/**
 * The fast kernels in the page: the WebAssembly SIMD module (kernels-fma.wasm where relaxed SIMD
 * is available, else kernels.wasm), fetched from the site and compiled, on Web Worker threads that
 * share its memory when the page is cross-origin isolated (its host sends COOP and COEP headers),
 * else on the kernel worker's own thread. Where WebAssembly SIMD is missing, the plain TypeScript
 * kernels run instead.
 */
import { configureKernels, kernelEngine, setWasmHost } from "../engine/index.js";
import { relaxedSimd, WasmEngine } from "../engine/wasm.js";
import { webAssembly } from "../engine/webassembly.js";
import { PageThread } from "./threads.js";

/**
 * Set up the kernels for a page whose site root is `base`, on up to `threads` threads; resolves,
 * once the threads run, to the engine's name, its threads and, if WebAssembly could not be used, why.
 */
export async function startPageKernels(base: string, threads: number): Promise<{ engine: string; threads: number; problem?: string }> {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  let problem: string | undefined;
  try {
    const fma = webAssembly !== undefined && relaxedSimd(webAssembly);
    const response = await fetch(new URL(`assets/${fma ? "kernels-fma.wasm" : "kernels.wasm"}`, base));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const module = await WebAssembly.compile(await response.arrayBuffer());
    setWasmHost({ module, fma, Worker: isolated ? PageThread : undefined });
  } catch (e) {
    problem = `the WebAssembly kernels could not be loaded (${(e as Error).message})`;
  }
  const info = configureKernels({ threads: isolated ? threads : 1 });
  const engine = kernelEngine();
  if (engine instanceof WasmEngine) engine.startThreads();
  await PageThread.started();
  return { ...info, problem };
}
