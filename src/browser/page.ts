/**
 * A notebook page of the course site, made runnable: every code cell gets Run, the page gets Run
 * all and Restart; the code is editable (an edited cell runs again with Run or Shift+Enter); the
 * cells run in a kernel worker (./worker.ts) and their outputs replace the stored ones. The bar at
 * the top says where the kernels run (WebAssembly on N threads, or one thread and why).
 *
 * Test hook: `?run=all` runs every cell on load; <body data-nnkit-run> is "running", then "done"
 * or "failed", and data-nnkit-seconds the time it took.
 */
import { drawContent, drawFigure, fitFigures } from "./figures.js";
import type { Figure } from "../plot/figure.js";
import { watchScrollable } from "./scrollable.js";
import { FILE_SHORT, fileNote, LiveRegion, openedFromFile } from "./status.js";
import { MAX_PAGE_THREADS, type DisplayContent, type FromKernel, type PageNotebook, type ToKernel } from "./protocol.js";

class Cell {
  readonly run: HTMLButtonElement;
  readonly status: HTMLElement;
  out: HTMLElement;
  /** Whether the reader has changed the code (then it runs as shown, else as the notebook has it). */
  edited = false;
  lastStream: { name: string; el: HTMLElement } | undefined;

  constructor(readonly index: number, readonly el: HTMLElement, readonly code: HTMLElement, private readonly original: string) {
    const bar = document.createElement("div");
    bar.className = "nnkit-cellbar";
    this.run = button("▶ Run", "Run this cell (Shift+Enter in the code)");
    this.status = document.createElement("span");
    this.status.className = "nnkit-status";
    bar.append(this.run, this.status);
    el.querySelector(".in")!.prepend(bar);
    code.contentEditable = "plaintext-only";
    if (code.contentEditable !== "plaintext-only") code.contentEditable = "true";
    code.spellcheck = false;
    code.tabIndex = 0; // a tab stop that every checker sees ("plaintext-only" is not known to all)
    code.setAttribute("aria-label", `code of cell ${index + 1} (editable)`);
    this.out = el.querySelector(".out") ?? el.appendChild(Object.assign(document.createElement("div"), { className: "out" }));
  }

  get source(): string {
    return this.edited ? this.code.innerText.replace(/\u00a0/g, " ").replace(/\n$/, "") : this.original;
  }

  clear(): void {
    this.out.replaceChildren();
    this.lastStream = undefined;
  }

  setStatus(text: string, state: "queued" | "running" | "ok" | "failed" | "idle"): void {
    this.status.textContent = text;
    this.el.dataset.state = state;
  }

  append(child: HTMLElement): void {
    this.out.append(child);
    this.lastStream = undefined;
  }

  stream(name: string, text: string): void {
    if (this.lastStream?.name !== name) {
      const pre = document.createElement("pre");
      pre.className = name;
      this.out.append(pre);
      this.lastStream = { name, el: pre };
    }
    this.lastStream.el.append(text);
  }
}

function button(label: string, title: string): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.title = title;
  return b;
}

class Page {
  private worker!: Worker;
  private readonly cells: Cell[];
  private readonly queue: number[] = [];
  private running: number | undefined;
  /** Runs so far in this kernel (the prompts' "In [n]"). */
  private executions = 0;
  private runAllState: { started: number; failed: boolean } | undefined;
  private readonly displays = new Map<string, HTMLElement>();
  private readonly pendingDraws = new Map<HTMLElement, DisplayContent>();
  private drawScheduled = false;
  /** Live figures' latest content, held back until their cell ends when the reader prefers reduced motion. */
  private readonly held = new Map<HTMLElement, DisplayContent>();
  private readonly kernelStatus: HTMLElement;
  private readonly runAllButton: HTMLButtonElement;
  private readonly live: LiveRegion;
  /** Why the page cannot run its cells (opened from a file), or undefined when it can. */
  private readonly cannotRun: string | undefined;

  constructor(notebook: PageNotebook) {
    const els = [...document.querySelectorAll<HTMLElement>(".cell.code[data-cell]")];
    this.cells = els.map((el) => {
      const index = Number(el.dataset.cell);
      return new Cell(index, el, el.querySelector<HTMLElement>(".in pre code")!, notebook.cells[index] ?? "");
    });
    this.cells.forEach((cell) => {
      cell.run.addEventListener("click", () => this.enqueue([cell.index]));
      cell.code.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && (e.shiftKey || e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          this.enqueue([cell.index]);
        }
      });
      cell.code.addEventListener("input", () => {
        cell.edited = true;
        cell.setStatus("edited", "idle");
      });
    });
    const bar = document.createElement("div");
    bar.className = "nnkit-bar";
    this.runAllButton = button("▶▶ Run all", "Run every cell, in order");
    const restart = button("↻ Restart", "Stop what runs and forget every name (a fresh kernel)");
    this.kernelStatus = document.createElement("span");
    this.kernelStatus.className = "nnkit-kernel";
    bar.append(this.runAllButton, restart, this.kernelStatus);
    this.live = new LiveRegion(bar);
    document.querySelector("main")!.prepend(bar);
    this.runAllButton.addEventListener("click", () => this.runAll());
    restart.addEventListener("click", () => this.restart());
    this.cannotRun = openedFromFile() ? FILE_SHORT : undefined;
    if (this.cannotRun) {
      this.kernelStatus.textContent = this.cannotRun;
      bar.after(fileNote());
    } else this.start();
    watchScrollable(document.querySelector("main")!);
    // the stored figures, drawn by the same code as the page's own (fitted to a phone's width)
    for (const json of document.querySelectorAll<HTMLScriptElement>(".nnkit-plot > script.nnkit-figure")) {
      drawFigure(json.parentElement!, JSON.parse(json.textContent ?? "{}") as Figure);
    }
    let refit = 0;
    window.addEventListener("resize", () => {
      cancelAnimationFrame(refit);
      refit = requestAnimationFrame(fitFigures);
    });
    if (new URLSearchParams(location.search).get("run") === "all") this.runAll();
  }

  private start(): void {
    const base = new URL(".", document.baseURI).href;
    this.worker = new Worker(new URL("assets/nnkit-kernel.js", base), { type: "module" });
    this.worker.onmessage = (e: MessageEvent<FromKernel>) => this.receive(e.data);
    this.worker.onerror = (e) => {
      this.kernelStatus.textContent = `The kernel could not start: ${e.message || "the browser refused the worker"}.`;
      this.live.say(this.kernelStatus.textContent);
      this.fail();
    };
    this.kernelStatus.textContent = "starting the kernel…";
    const threads = Math.max(1, Math.min(navigator.hardwareConcurrency || 1, MAX_PAGE_THREADS));
    this.send({ type: "init", base, threads });
  }

  private send(message: ToKernel): void {
    this.worker.postMessage(message);
  }

  private restart(): void {
    if (this.cannotRun) {
      this.live.say(this.cannotRun);
      return;
    }
    this.worker.terminate();
    if (this.running !== undefined) this.cells[this.running]!.setStatus("stopped", "failed");
    for (const i of this.queue) this.cells[i]!.setStatus("", "idle");
    this.queue.length = 0;
    this.running = undefined;
    if (this.runAllState) this.finishRunAll(true);
    this.releaseHeld();
    this.displays.clear();
    this.executions = 0;
    this.start();
  }

  private runAll(): void {
    this.runAllState = { started: performance.now(), failed: false };
    document.body.dataset.nnkitRun = "running";
    if (!this.cannotRun) this.live.say(`Running all ${this.cells.length} cells…`);
    this.enqueue(this.cells.map((c) => c.index));
  }

  private finishRunAll(failed: boolean): void {
    const state = this.runAllState!;
    this.runAllState = undefined;
    const seconds = ((performance.now() - state.started) / 1000).toFixed(1);
    document.body.dataset.nnkitSeconds = seconds;
    document.body.dataset.nnkitRun = failed ? "failed" : "done";
    if (!failed) this.live.say(`Run all: ✓ ${this.cells.length} cells in ${seconds} s`);
  }

  private fail(): void {
    if (this.runAllState) this.finishRunAll(true);
  }

  private enqueue(indices: number[]): void {
    if (this.cannotRun) {
      this.live.say(this.cannotRun); // the stored outputs stay
      this.fail();
      return;
    }
    for (const i of indices) {
      if (this.queue.includes(i) || this.running === i) continue;
      this.queue.push(i);
      this.cells[i]!.setStatus("queued", "queued");
    }
    this.next();
  }

  private next(): void {
    if (this.running !== undefined) return;
    const i = this.queue.shift();
    if (i === undefined) {
      if (this.runAllState) this.finishRunAll(this.runAllState.failed);
      return;
    }
    const cell = this.cells[i]!;
    this.running = i;
    cell.clear();
    const prompt = cell.el.querySelector(".prompt");
    if (prompt) prompt.textContent = `In [${++this.executions}]:`;
    cell.setStatus("running…", "running");
    if (!this.runAllState) this.live.say(`Cell ${i + 1}: running…`);
    this.send({ type: "run", cell: i, source: cell.source });
  }

  private receive(m: FromKernel): void {
    if (m.type === "ready") {
      this.kernelStatus.textContent = kernelDescription(m.engine, m.threads, m.isolated) + (m.problem ? ` (${m.problem})` : "");
      this.kernelStatus.dataset.engine = m.engine;
      this.kernelStatus.dataset.threads = String(m.threads);
      return;
    }
    const cell = this.cells[m.cell];
    if (!cell) return;
    switch (m.type) {
      case "stream":
        cell.stream(m.name, m.text);
        return;
      case "display":
        this.display(cell, m.content, m.id, m.update);
        return;
      case "result": {
        const pre = document.createElement("pre");
        pre.className = "result";
        pre.textContent = m.text;
        cell.append(pre);
        return;
      }
      case "error": {
        const pre = document.createElement("pre");
        pre.className = "error";
        const where = m.line !== undefined ? ` (line ${m.line} of this cell)` : "";
        const line = m.line !== undefined ? cell.source.split("\n")[m.line - 1]?.trim() : undefined;
        pre.textContent = `${m.name}: ${m.message}${where}${line ? `\n  ${m.line} | ${line}` : ""}`;
        cell.append(pre);
        if (m.line !== undefined) cell.el.dataset.errorLine = String(m.line);
        return;
      }
      case "done":
        cell.setStatus(`${m.ok ? "✓" : "✗"} ${m.seconds.toFixed(1)} s`, m.ok ? "ok" : "failed");
        this.releaseHeld();
        this.announceDone(cell, m.ok);
        this.running = undefined;
        if (!m.ok) {
          for (const i of this.queue) this.cells[i]!.setStatus("", "idle");
          this.queue.length = 0;
          if (this.runAllState) this.runAllState.failed = true;
        }
        this.next();
        return;
    }
  }

  /** A cell's end in the live region: "Cell 3: ✓ 0.3 s" (not for each cell of Run all), or its error. */
  private announceDone(cell: Cell, ok: boolean): void {
    if (ok) {
      if (!this.runAllState) this.live.say(`Cell ${cell.index + 1}: ${cell.status.textContent}`);
      return;
    }
    const error = cell.out.querySelector("pre.error")?.textContent?.split("\n")[0] ?? "";
    this.live.say(`Cell ${cell.index + 1} failed (${cell.status.textContent}): ${error}`);
  }

  private display(cell: Cell, content: DisplayContent, id: string | undefined, update: boolean): void {
    let el = id !== undefined && update ? this.displays.get(id) : undefined;
    if (!el) {
      el = document.createElement("div");
      el.className = "nnkit-display";
      cell.append(el);
      if (id !== undefined) this.displays.set(id, el);
    }
    if (update && content.kind === "figure" && matchMedia("(prefers-reduced-motion: reduce)").matches) {
      // the reader asked for less motion: a live figure is drawn once more when its cell ends, not every frame
      this.held.set(el, content);
      el.setAttribute("aria-busy", "true");
      return;
    }
    this.pendingDraws.set(el, content);
    if (!this.drawScheduled) {
      this.drawScheduled = true;
      requestAnimationFrame(() => this.draw());
    }
  }

  /** Draw the figures held back for reduced motion (when a cell ends). */
  private releaseHeld(): void {
    for (const [el, content] of this.held) {
      el.removeAttribute("aria-busy");
      drawContent(el, content);
    }
    this.held.clear();
  }

  /** Draw the latest content of every display that changed since the last frame. */
  private draw(): void {
    this.drawScheduled = false;
    const draws = [...this.pendingDraws];
    this.pendingDraws.clear();
    for (const [el, content] of draws) drawContent(el, content);
  }
}

function kernelDescription(engine: string, threads: number, isolated: boolean): string {
  const where = engine.startsWith("wasm")
    ? `WebAssembly SIMD${engine.endsWith("fma") ? " with fused multiply-add" : ""}`
    : "plain TypeScript loops";
  if (threads > 1) return `Kernels: ${where} on ${threads} threads (the page is cross-origin isolated).`;
  const why = isolated ? "" : " — this host does not send the headers that allow threads; `nnkit site --serve` does";
  return `Kernels: ${where} on one thread${why}.`;
}

const embedded = document.getElementById("nnkit-notebook");
if (embedded) new Page(JSON.parse(embedded.textContent ?? "{}") as PageNotebook);
