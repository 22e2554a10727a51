// The course site's accessibility in a real headless Chromium: a small notebook page (comments in its
// code, a line too long for the page, an output, a figure) audited by axe-core for WCAG 2.1 A/AA
// after Run all, in light and dark colour schemes; what scrolls sideways takes the focus; the live
// region announces runs and errors; a page opened from a file keeps its outputs and says how to serve it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, formatViolations } from "../../scripts/axe.js";
import { BROWSER_ARGS, findBrowser } from "../../src/notebook/chromium.js";
import { serializeNotebook, type Notebook, type Output } from "../../src/notebook/nbformat.js";
import { serveSite } from "../../src/notebook/serve.js";
import { buildSite } from "../../src/notebook/site.js";

const executablePath = findBrowser();
const work = mkdtempSync(join(tmpdir(), "nnkit-a11y-"));
const code = (id: string, source: string, outputs: Output[] = []) =>
  ({ cell_type: "code" as const, id, metadata: {}, execution_count: 1, source, outputs });
const longLine = `const wide = [${Array.from({ length: 60 }, (_, i) => i * 1000).join(", ")}]; // a line wider than the page`;
const notebook: Notebook = {
  nbformat: 4, nbformat_minor: 5, metadata: {},
  cells: [
    { cell_type: "markdown", id: "m", metadata: {}, source: "# A page\n\nSome prose and $x^2$.\n" },
    code("c0", 'import { check } from "nnkit";\nimport { linePlot, show } from "nnkit/plot";\n// a comment', [{ output_type: "stream", name: "stdout", text: "stored\n" }]),
    code("c1", `${longLine}\nconsole.log(wide.join(" "));`),
    code("c2", 'show(linePlot([{ y: [3, 2, 1], name: "train" }, { y: [3, 2.5, 2], name: "test" }], { title: "loss", xLabel: "epoch", yLabel: "loss" }));'),
    code("c3", 'console.log("short");'),
  ],
};

let browser: Browser | undefined;
let server: Server | undefined;
let url = "";

beforeAll(async () => {
  if (!executablePath) return;
  mkdirSync(join(work, "notebooks"));
  writeFileSync(join(work, "notebooks", "01-page.ipynb"), serializeNotebook(notebook));
  writeFileSync(join(work, "notebooks", "02-next.ipynb"), serializeNotebook({ ...notebook, cells: [notebook.cells[0]!] }));
  buildSite({ notebooks: join(work, "notebooks"), out: join(work, "site") });
  ({ server, url } = await serveSite(join(work, "site"), 0));
  browser = await chromium.launch({ executablePath, headless: true, args: BROWSER_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  rmSync(work, { recursive: true, force: true });
});

/** The page after Run all, in the colour scheme asked for. */
async function ranPage(colorScheme: "light" | "dark", width = 1280): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width, height: 900 } });
  await page.emulateMedia({ colorScheme });
  await page.goto(`${url}01-page.html?run=all`);
  await page.waitForFunction(() => document.body.dataset.nnkitRun === "done", null, { timeout: 120_000 });
  await page.waitForTimeout(100); // the frame that checks what scrolls
  return page;
}

describe.skipIf(!executablePath)("the course site's accessibility", () => {
  it("has no WCAG 2.1 A/AA violation after Run all, in light and dark, nor on the index", async () => {
    for (const scheme of ["light", "dark"] as const) {
      const page = await ranPage(scheme);
      expect([scheme, formatViolations(await axeViolations(page))]).toEqual([scheme, []]);
      await page.close();
    }
    const index = await browser!.newPage();
    await index.goto(`${url}index.html`);
    expect(formatViolations(await axeViolations(index))).toEqual([]);
    await index.close();
  }, 180_000);

  it("gives the two nav bars distinct names and a tab stop to what scrolls sideways, only that", async () => {
    const page = await ranPage("light");
    expect(await page.locator("nav").evaluateAll((navs) => navs.map((n) => n.getAttribute("aria-label")))).toEqual(["Pages (top)", "Pages (bottom)"]);
    const stops = await page.evaluate(() => ({
      code: [...document.querySelectorAll<HTMLElement>(".cell.code .in code")].map((c) => c.tabIndex),
      wideOutput: document.querySelector<HTMLElement>('[data-cell="1"] .out pre')?.tabIndex,
      shortOutput: document.querySelector<HTMLElement>('[data-cell="3"] .out pre')?.tabIndex,
    }));
    expect(stops).toEqual({ code: [0, 0, 0, 0], wideOutput: 0, shortOutput: -1 });
    await page.close();
  }, 180_000);

  it("announces a cell's run, its time and its error in a live region, from the keyboard alone", async () => {
    const page = await ranPage("light");
    await page.evaluate(() => {
      const live = document.querySelector<HTMLElement>("[role=status][aria-live=polite]")!;
      const said: string[] = [];
      (window as unknown as { said: string[] }).said = said;
      new MutationObserver(() => said.push(live.textContent ?? "")).observe(live, { childList: true, characterData: true, subtree: true });
    });
    const said = () => page.evaluate(() => (window as unknown as { said: string[] }).said);
    await page.locator('[data-cell="3"] .in code').focus();
    await page.keyboard.press("Shift+Enter");
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-cell="3"]')!.dataset.state === "ok");
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type('throw new RangeError("on purpose");');
    await page.keyboard.press("Shift+Enter");
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-cell="3"]')!.dataset.state === "failed");
    const lines = await said();
    expect(lines.slice(0, 2)).toEqual(["Cell 4: running…", expect.stringMatching(/^Cell 4: ✓ \d+\.\d s$/)]);
    expect(lines.at(-1)).toMatch(/^Cell 4 failed \(✗ \d+\.\d s\): RangeError: on purpose \(line 1 of this cell\)$/);
    await page.close();
  }, 180_000);

  it("opened from a file: keeps the stored outputs, runs nothing and says how to serve the folder", async () => {
    const page = await browser!.newPage();
    await page.goto(`file://${join(work, "site", "01-page.html")}?run=all`);
    await page.waitForFunction(() => document.body.dataset.nnkitRun === "failed", null, { timeout: 30_000 });
    const seen = await page.evaluate(() => ({
      stored: document.querySelector('[data-cell="0"] .out pre')?.textContent,
      state: document.querySelector<HTMLElement>('[data-cell="0"]')!.dataset.state ?? "",
      live: document.querySelector("[role=status]")?.textContent,
      note: document.querySelector(".nnkit-file-note")?.textContent,
    }));
    expect(seen).toMatchObject({ stored: "stored\n", state: "", live: expect.stringContaining("the code cannot run here") });
    expect(seen.note).toContain("run python3 -m http.server 8000 and open http://localhost:8000/01-page.html.");
    expect(formatViolations(await axeViolations(page))).toEqual([]);
    await page.close();
  }, 60_000);
});
