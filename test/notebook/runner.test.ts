// Runs fixture notebooks through the real tslab kernel (needs `npm run build` for the "nnkit" import).
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { findBrowser } from "../../src/notebook/chromium.js";
import { Kernel } from "../../src/notebook/kernel.js";
import { runNotebook, runNotebooksCommand } from "../../src/notebook/runner.js";
import { parseNotebook, serializeNotebook, validateNotebook, joinSource, type CodeCell, type Notebook } from "../../src/notebook/nbformat.js";

const fixtures = join(import.meta.dirname, "fixtures");
const root = join(import.meta.dirname, "..", "..");

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

const code = (nb: Notebook, cellNo: number) => nb.cells[cellNo - 1] as CodeCell;
const text = (nb: Notebook, cellNo: number) =>
  code(nb, cellNo).outputs.map((o) => (o.output_type === "stream" ? `${o.name}:${joinSource(o.text)}` : o.output_type)).join("");

beforeAll(() => {
  execFileSync(process.execPath, [join(root, "scripts", "link-self.mjs")]);
});

describe("runNotebook through tslab", () => {
  it("runs cells in order, applies display updates, stops at the failing cell and reports it", async () => {
    const seen: number[] = [];
    const { notebook: nb, failures, timings, kernelPid } = await runNotebook(join(fixtures, "basic.ipynb"), {
      timeoutPerCell: 30_000,
      onCell: (e) => seen.push(e.cell),
    });
    expect(seen).toEqual([2, 3, 4, 5, 6, 7]);
    expect(text(nb, 2)).toBe("stdout:2x2\n"); // `import { tensor } from "nnkit"` resolved
    expect(text(nb, 3)).toBe("stdout:40\n"); // last expression printed by tslab
    expect(code(nb, 4).outputs).toEqual([{ output_type: "display_data", data: { "text/plain": ["done"] }, metadata: {} }]);
    expect(text(nb, 5)).toBe("stdout:awaited 7\n");
    expect(text(nb, 6)).toBe("stderr:a warning\n");
    expect(nb.cells.map((c) => (c.cell_type === "code" ? c.execution_count : "md"))).toEqual(["md", 1, 2, 3, 4, 5, 6, null]);
    expect(code(nb, 8).outputs).toEqual([]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ cell: 7, cellId: "c7", executionCount: 6, kind: "error", ename: "RangeError", evalue: "fixture failure" });
    expect(timings.cells.map((c) => c.cell)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(timings.kernelStartMs).toBeGreaterThan(0);
    const written = parseNotebook(serializeNotebook(nb));
    expect(validateNotebook(written)).toEqual([]);
    expect(written.nbformat_minor).toBe(5);
    expect(written.metadata.kernelspec).toEqual({ name: "tslab", display_name: "TypeScript", language: "typescript" });
    expect(gone(kernelPid)).toBe(true);
  }, 60_000);

  it("interrupts a cell that runs too long, kills the kernel when the interrupt cannot stop it", async () => {
    const { notebook: nb, failures, kernelPid } = await runNotebook(join(fixtures, "timeout.ipynb"), {
      timeoutPerCell: 2000,
      allowErrors: true,
    });
    expect(failures.map((f) => [f.cell, f.kind, f.ename])).toEqual([
      [2, "timeout", "CellTimeoutError"],
      [4, "timeout", "CellTimeoutError"],
    ]);
    expect(failures[0]!.evalue).toBe("cell 2 did not finish within 2 s; the kernel was interrupted");
    expect(failures[1]!.evalue).toMatch(/kernel was killed/);
    expect(text(nb, 3)).toBe("stdout:still alive\n"); // the interrupted kernel kept its state and went on
    expect(code(nb, 5).execution_count).toBeNull();
    expect(gone(kernelPid)).toBe(true);
  }, 60_000);

  it("shows a figure as one output with three MIME types and updates live displays in place", async () => {
    const { notebook: nb, failures } = await runNotebook(join(fixtures, "plots.ipynb"), { timeoutPerCell: 30_000 });
    expect(failures).toEqual([]);
    const [loader, figure] = code(nb, 2).outputs;
    expect(loader).toMatchObject({ output_type: "display_data" });
    expect(joinSource((loader as { data: Record<string, string[]> }).data["text/html"])).toMatch(/^<script type="text\/javascript">if \(!window.Plotly\)/);
    expect(figure).toMatchObject({ output_type: "display_data", data: { "application/vnd.plotly.v1+json": { data: [{ type: "scatter", y: [3, 2, 1.5, 1.2] }] } } });
    expect(Object.keys((figure as { data: object }).data).sort()).toEqual(["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
    // the live display of cell 3 shows the figure that cell 4 put there; cell 4's own figure needs no second loader
    const live = code(nb, 3).outputs;
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ data: { "text/plain": ['A line chart titled "live loss". x axis from 0 to 2; y axis from 0.25 to 1. train: 3 points, from 1 at x = 0 to 0.25 at x = 2; lowest 0.25 at x = 2, highest 1 at x = 0.'] } });
    expect(code(nb, 4).outputs).toHaveLength(1);
    // 3000 updates in a synchronous loop: throttled, the last one arrives after the loop, the kernel goes on
    expect(code(nb, 5).outputs).toEqual([
      { output_type: "display_data", data: { "text/plain": ["step 2999"], "text/html": ["<pre>step 2999</pre>"] }, metadata: {} },
    ]);
    expect(text(nb, 6)).toBe("stdout:kernel still responsive\n");
    expect(code(nb, 7).outputs).toMatchObject([{ data: { "application/vnd.plotly.v1+json": { data: [{ y: [2999, 3000] }] } } }]);
    // 20,000 lines from one synchronous loop all arrive (nnkit queues the kernel's sends and lifts
    // the high-water mark past which zeromq drops them, see outputQueue.ts)
    expect(text(nb, 8)).toBe("stdout:" + Array.from({ length: 20_000 }, (_, i) => `${i}\n`).join(""));
    expect(validateNotebook(nb)).toEqual([]);
  }, 60_000);

  it("the command writes executed notebooks and counts failed ones", async () => {
    const lines: string[] = [];
    const out = join(root, "node_modules", ".cache", "nnkit-test-run");
    const failed = await runNotebooksCommand([join(fixtures, "basic.ipynb")], { out, timeout: 30, log: (l) => lines.push(l) });
    expect(failed).toBe(1);
    expect(lines.filter((l) => /^  cell 7\/8 \[6\] FAILED RangeError: fixture failure \(\d+ ms\)$/.test(l))).toHaveLength(1);
    expect(lines.at(-1)).toBe("notebooks: 0 ok, 1 failed");
    expect(validateNotebook(parseNotebook(readFileSync(join(out, "basic.ipynb"), "utf8")))).toEqual([]);
  }, 60_000);

  it("--in-place never replaces a notebook with a failed run of it", async () => {
    const copy = join(root, "node_modules", ".cache", "nnkit-test-inplace", "basic.ipynb");
    mkdirSync(dirname(copy), { recursive: true });
    copyFileSync(join(fixtures, "basic.ipynb"), copy);
    const before = readFileSync(copy, "utf8");
    const lines: string[] = [];
    expect(await runNotebooksCommand([copy], { inPlace: true, timeout: 30, log: (l) => lines.push(l) })).toBe(1);
    expect(readFileSync(copy, "utf8")).toBe(before);
    expect(lines.at(-2)).toMatch(/basic\.ipynb: FAILED — .*, not written \(the stored notebook is kept; --allow-errors writes it anyway\)$/);
  }, 60_000);
});

describe("static images when notebooks are written", () => {
  const out = join(root, "node_modules", ".cache", "nnkit-test-images");
  const keys = (nb: Notebook) => code(nb, 2).outputs.map((o) => ("data" in o ? Object.keys(o.data).sort() : o.output_type));

  it("without a browser: says so once for the whole run and keeps the outputs as the kernel sent them", async () => {
    const lines: string[] = [];
    const saved = process.env.NNKIT_CHROMIUM;
    process.env.NNKIT_CHROMIUM = "/nonexistent/chromium";
    try {
      const copy = join(out, "copy", "figure.ipynb");
      mkdirSync(dirname(copy), { recursive: true });
      copyFileSync(join(fixtures, "figure.ipynb"), copy);
      expect(await runNotebooksCommand([join(fixtures, "figure.ipynb"), copy], { out: join(out, "none"), timeout: 30, log: (l) => lines.push(l) })).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.NNKIT_CHROMIUM;
      else process.env.NNKIT_CHROMIUM = saved;
    }
    expect(lines.filter((l) => l.startsWith("static images: none, "))).toHaveLength(1);
    const nb = parseNotebook(readFileSync(join(out, "none", "figure.ipynb"), "utf8"));
    expect(keys(nb)).toEqual([
      ["text/html", "text/plain"], // the plotly.js loader, which the figure still needs
      ["application/vnd.plotly.v1+json", "text/html", "text/plain"],
      ["image/svg+xml", "text/html", "text/plain"],
    ]);
  }, 60_000);

  it.skipIf(!findBrowser())("with a browser: figures and drawings carry PNGs and the notebook carries no plotly.js", async () => {
    const lines: string[] = [];
    expect(await runNotebooksCommand([join(fixtures, "figure.ipynb")], { out: join(out, "png"), timeout: 30, log: (l) => lines.push(l) })).toBe(0);
    expect(lines.some((l) => l.startsWith("static images: none"))).toBe(false);
    expect(lines.at(-2)).toMatch(/figure\.ipynb: ok — .*, 1 of 1 figures as PNG, written to /);
    const text = readFileSync(join(out, "png", "figure.ipynb"), "utf8");
    expect(keys(parseNotebook(text))).toEqual([
      ["application/vnd.plotly.v1+json", "image/png", "text/plain"],
      ["image/png", "image/svg+xml", "text/html", "text/plain"],
    ]);
    expect(text).not.toContain("window.Plotly");
    expect(text.length).toBeLessThan(100_000);
  }, 60_000);
});

describe("Kernel", () => {
  it("notices a kernel that stops answering heartbeats and one whose process exits", async () => {
    const kernel = await Kernel.start({ cwd: fixtures });
    try {
      expect(await kernel.heartbeat()).toBe(true);
      process.kill(kernel.pid, "SIGSTOP");
      expect(await kernel.heartbeat(500)).toBe(false);
      process.kill(kernel.pid, "SIGCONT");
      expect(await kernel.heartbeat()).toBe(true);
      const r = await kernel.execute("process.exit(3)", { timeoutMs: 10_000 });
      expect(r.status).toBe("died");
      expect(kernel.describeExit()).toBe("exit code 3");
      expect(await kernel.heartbeat()).toBe(false);
    } finally {
      await kernel.shutdown();
    }
    expect(gone(kernel.pid)).toBe(true);
  }, 60_000);
});
