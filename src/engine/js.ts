/**
 * The plain TypeScript engine, used where WebAssembly SIMD is not available (or when asked for
 * with NNKIT_KERNELS=js). Same memory model as the WebAssembly engine (./wasm.ts); every primitive
 * runs its TypeScript twin (Kernel.js), with the same results up to float32 rounding order.
 */
import { Arena, ArenaEngine } from "./arena.js";
import { programOf, runSerially, type Engine, type Program } from "./engine.js";
import type { JsMemory, Kernel, KernelArgs } from "./kernel.js";

/** Initial heap: 64 Ki floats (it doubles whenever an allocation needs more). */
const INITIAL_FLOATS = 1 << 16;
/** The heap starts after a first block (pointer 0 stays unused, as in the WebAssembly module). */
const HEAP_BASE = 64;
/** The TypeScript GEMM packs nothing: its scratch is nominal. */
const GEMM_WORK_BYTES = 64;

export class JsEngine extends ArenaEngine implements Engine {
  readonly name = "js";
  readonly threads = 1;
  private heap = new Float32Array(INITIAL_FLOATS);
  private memory: JsMemory = { f32: this.heap, i32: new Int32Array(this.heap.buffer) };
  protected readonly arena = new Arena(
    HEAP_BASE,
    () => this.heap.byteLength,
    (bytes) => {
      const grown = new Float32Array(Math.max(bytes >> 2, this.heap.length * 2));
      grown.set(this.heap);
      this.heap = grown;
      this.memory = { f32: grown, i32: new Int32Array(grown.buffer) };
    },
  );

  f32(): Float32Array {
    return this.heap;
  }
  /** The heap is replaced when it grows, so nothing stays in it: always null. */
  residentArray(): Float32Array | null {
    return null;
  }
  pointerOf(): number {
    return -1;
  }
  gemmWorkBytes(): number {
    return GEMM_WORK_BYTES;
  }
  run<K extends Kernel>(kernel: K, items: readonly KernelArgs<K>[]): void {
    this.execute(programOf(kernel, items));
  }
  execute(program: Program): void {
    runSerially(program, (c) => c.kernel.js(this.memory, ...c.args));
  }
}
