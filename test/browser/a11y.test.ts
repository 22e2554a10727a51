// The course site's accessibility in a real headless Chromium: a small notebook page (comments in its
// code, a line too long for the page, an output, a figure) audited by axe-core for WCAG 2.1 A/AA
// after Run all, in light and dark colour schemes; what scrolls sideways takes the focus.
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
});
