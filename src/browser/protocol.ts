/**
 * The messages between a notebook page and its kernel worker (the Web Worker that runs the cells).
 * The page sends `init` once, then `run` for one cell at a time; the worker answers each run with
 * outputs (stream, display, result, error) and one `done`.
 */
import type { Figure } from "../plot/figure.js";

/** The most threads a page runs its kernels on (one per core up to this). */
export const MAX_PAGE_THREADS = 8;

/** What the site embeds in a notebook page (script#nnkit-notebook). */
export interface PageNotebook {
  /** The source of each code cell, in order (cell k is the element .cell.code[data-cell="k"]). */
  cells: string[];
}

/** Page → worker. */
export type ToKernel =
  | {
      type: "init";
      /** URL of the site's root folder (ends with "/"): the worker finds assets/ and data/ there. */
      base: string;
      /** Threads the fast kernels may use (1 = the worker's own thread only). */
      threads: number;
    }
  | { type: "run"; cell: number; source: string };

/** What a display shows. */
export type DisplayContent =
  | { kind: "figure"; figure: Figure }
  | { kind: "svg"; svg: string; text: string }
  | { kind: "text"; text: string };

/** Worker → page. */
export type FromKernel =
  | {
      type: "ready";
      /** The fast kernels' engine ("wasm-simd", "wasm-simd-fma" or "js") and the threads they use. */
      engine: string;
      threads: number;
      /** Whether the page is cross-origin isolated (shared memory between threads allowed). */
      isolated: boolean;
      /** Why the WebAssembly kernels are not used, when they are not. */
      problem?: string;
    }
  | { type: "stream"; cell: number; name: "stdout" | "stderr"; text: string }
  | {
      type: "display";
      cell: number;
      content: DisplayContent;
      /** Set for a live display; `update` true replaces what that display shows. */
      id?: string;
      update: boolean;
    }
  | { type: "result"; cell: number; text: string }
  | { type: "error"; cell: number; name: string; message: string; line?: number; stack: string }
  | { type: "done"; cell: number; ok: boolean; seconds: number };
