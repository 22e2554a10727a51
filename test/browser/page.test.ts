// A notebook page in a real headless Chromium: Run all runs the cells in the page's kernel worker,
// cells share their names, check() and console.log print into the cell, a figure is drawn by
// plotly.js, a live display is updated in place, loadMnist reads the site's files, an error shows
// with its cell line, an edited cell runs again; the kernels run WebAssembly on several threads
// when the server sends the isolation headers, and on one thread (saying why) when it does not.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSER_ARGS, findBrowser } from "../../src/notebook/chromium.js";
import { serializeNotebook, type Notebook } from "../../src/notebook/nbformat.js";
import { serveSite } from "../../src/notebook/serve.js";
import { buildSite } from "../../src/notebook/site.js";

const executablePath = findBrowser();
const work = mkdtempSync(join(tmpdir(), "nnkit-page-"));
const code = (id: string, source: string) => ({ cell_type: "code" as const, id, metadata: {}, execution_count: null, source, outputs: [] });
const notebook: Notebook = {
  nbformat: 4, nbformat_minor: 5, metadata: {},
  cells: [
    { cell_type: "markdown", id: "m", metadata: {}, source: "# A page\n" },
    code("c0", 'import { tensor, check, kernelInfo } from "nnkit";\nimport { linePlot, show, liveDisplay } from "nnkit/plot";\nimport { loadMnist } from "nnkit/node";'),
    code("c1", 'let count = 0;\nfunction bump(): number { return ++count; }\nconst t = tensor([[1, 2], [3, 4]]);\nconsole.log("shape", t.shape);\ncheck("sum", Array.from(t.data).reduce((a, b) => a + b, 0), 10);'),
    code("c2", 'bump(); bump();\nconst live = liveDisplay("step 0");\nfor (let i = 1; i <= 50; i++) live.update(`step ${i}`);\nshow(linePlot([3, 2, 1], { title: "loss" }));\ncount'),
    code("c3", 'const test = loadMnist({ split: "test", limit: 100, flatten: true });\ncheck("images", test.images.shape, [100, 784]);\nconsole.log(test.labels.slice(0, 5).join(" "));\nconsole.log(JSON.stringify(kernelInfo()));'),
    code("c4", 'const before = 1;\n\nthrow new RangeError("on purpose");'),
  ],
};

let browser: Browser | undefined;
const servers: Server[] = [];
let isolatedUrl = "", plainUrl = "";

beforeAll(async () => {
  if (!executablePath) return;
  mkdirSync(join(work, "notebooks"));
  writeFileSync(join(work, "notebooks", "01-page.ipynb"), serializeNotebook(notebook));
  buildSite({ notebooks: join(work, "notebooks"), out: join(work, "site") });
  const isolated = await serveSite(join(work, "site"), 0);
  const plain = await serveSite(join(work, "site"), 0, { isolated: false });
  servers.push(isolated.server, plain.server);
  isolatedUrl = isolated.url;
  plainUrl = plain.url;
  browser = await chromium.launch({ executablePath, headless: true, args: BROWSER_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const s of servers) s.close();
  rmSync(work, { recursive: true, force: true });
});

/** Open the page with ?run=all and wait until it is done or failed; off-site requests are recorded. */
async function runAll(url: string): Promise<{ page: Page; offSite: string[] }> {
  const page = await browser!.newPage();
  const offSite: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(url) && !r.url().startsWith("blob:") && !r.url().startsWith("data:")) offSite.push(r.url());
  });
  await page.goto(`${url}01-page.html?run=all`);
  await page.waitForFunction(() => ["done", "failed"].includes(document.body.dataset.nnkitRun ?? ""), null, { timeout: 120_000 });
  return { page, offSite };
}

const outputs = (page: Page, cell: number) =>
  page.evaluate((k) => [...document.querySelectorAll(`.cell.code[data-cell="${k}"] .out > *`)].map((e) => `${e.className}: ${(e as HTMLElement).innerText.trim()}`), cell);

// On a maintainer's machine without Chromium these tests are skipped; in CI, which installs it, they must run.
it.runIf(process.env.CI === "true")("has a Chromium to run pages in (CI installs Debian's chromium)", () => {
  expect(executablePath).toBeDefined();
});

describe.skipIf(!executablePath)("a notebook page in Chromium", () => {
  it("runs every cell in the page, with shared names, outputs in their cells and the error's line", async () => {
    const { page, offSite } = await runAll(isolatedUrl);
    expect(await page.evaluate(() => document.body.dataset.nnkitRun)).toBe("failed"); // the last cell throws
    expect(await page.evaluate(() => [...document.querySelectorAll(".cell.code")].map((c) => (c as HTMLElement).dataset.state))).toEqual(["ok", "ok", "ok", "ok", "failed"]);
    expect(await outputs(page, 1)).toEqual(["stdout: shape [ 2, 2 ]\n✓ sum = 10"]);
    const c2 = await outputs(page, 2);
    expect(c2).toEqual(["nnkit-display text: step 50", expect.stringMatching(/^nnkit-display nnkit-plot: [^]*loss\nFigure as text and data$/), "result: 2"]);
    expect(await page.locator('.cell.code[data-cell="2"] .nnkit-plot .main-svg').count()).toBeGreaterThan(0); // drawn by plotly.js
    expect(await outputs(page, 3)).toEqual([expect.stringMatching(/^stdout: ✓ images = \[100,784\]\n7 2 1 0 4\n\{"engine":"wasm-simd(-fma)?","threads":\d+\}$/)]);
    expect(await outputs(page, 4)).toEqual(['error: RangeError: on purpose (line 3 of this cell)\n  3 | throw new RangeError("on purpose");']);
    expect(offSite).toEqual([]);

    // edit the failing cell and run it again: it sees the names of the earlier cells
    const editor = page.locator('.cell.code[data-cell="4"] .in pre code');
    await editor.click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type("console.log(bump(), before);");
    await page.keyboard.press("Shift+Enter");
    await page.waitForFunction(() => (document.querySelector('.cell.code[data-cell="4"]') as HTMLElement).dataset.state === "ok");
    expect(await outputs(page, 4)).toEqual(["stdout: 3 1"]);
    await page.close();
  }, 180_000);

  it("runs the kernels on several threads when the server sends the isolation headers, on one when it does not", async () => {
    const cores = await (await browser!.newPage()).evaluate(() => navigator.hardwareConcurrency);
    const kernel = async (url: string) => {
      const { page } = await runAll(url);
      const k = await page.evaluate(() => {
        const el = document.querySelector<HTMLElement>(".nnkit-kernel")!;
        return { engine: el.dataset.engine, threads: Number(el.dataset.threads), text: el.textContent };
      });
      await page.close();
      return k;
    };
    const isolated = await kernel(isolatedUrl);
    expect(isolated.engine).toMatch(/^wasm-simd/);
    expect(isolated.threads).toBe(Math.min(cores, 8));
    expect(isolated.text).toContain(cores > 1 ? `on ${isolated.threads} threads` : "on one thread");
    const plain = await kernel(plainUrl);
    expect(plain).toMatchObject({ engine: isolated.engine, threads: 1 });
    expect(plain.text).toContain("on one thread — this host does not send the headers that allow threads");
  }, 180_000);
});
