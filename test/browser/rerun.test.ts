// Every cell of a notebook page runs again and gives the same result: in notebook 05 (backprop by
// hand), each code cell run twice more on its own after Run all, in headless Chromium, prints what
// it printed the first time (its gradient-descent step used to change the weights in place, so that a
// second run failed with "expected [1,-1,-2,-6], got [-1,-3,-6,-7]").
import { mkdirSync, mkdtempSync, copyFileSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSER_ARGS, findBrowser } from "../../src/notebook/chromium.js";
import { serveSite } from "../../src/notebook/serve.js";
import { buildSite } from "../../src/notebook/site.js";

const executablePath = findBrowser();
const work = mkdtempSync(join(tmpdir(), "nnkit-rerun-"));
const NOTEBOOK = "05-backprop-by-hand";
let browser: Browser | undefined;
let server: Server | undefined;
let url = "";

beforeAll(async () => {
  if (!executablePath) return;
  mkdirSync(join(work, "notebooks"));
  copyFileSync(join(import.meta.dirname, "..", "..", "notebooks", `${NOTEBOOK}.ipynb`), join(work, "notebooks", `${NOTEBOOK}.ipynb`));
  buildSite({ notebooks: join(work, "notebooks"), out: join(work, "site") });
  ({ server, url } = await serveSite(join(work, "site"), 0));
  browser = await chromium.launch({ executablePath, headless: true, args: BROWSER_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!executablePath)("a notebook page run twice", () => {
  it(`${NOTEBOOK}: every cell run twice more on its own prints what it printed after Run all`, async () => {
    const page = await browser!.newPage();
    await page.goto(`${url}${NOTEBOOK}.html?run=all`);
    await page.waitForFunction(() => ["done", "failed"].includes(document.body.dataset.nnkitRun ?? ""), null, { timeout: 120_000 });
    const output = (k: number) => page.evaluate((i) => [...document.querySelectorAll(`.cell.code[data-cell="${i}"] .out pre`)].map((p) => p.textContent).join("\n"), k);
    const cells = await page.locator(".cell.code").count();
    const changed: string[] = [];
    for (let k = 0; k < cells; k++) {
      const first = await output(k);
      for (let twice = 0; twice < 2; twice++) { // a cell that changes what it reads fails or differs the second time
        await page.evaluate((i) => { document.querySelector<HTMLElement>(`.cell.code[data-cell="${i}"]`)!.dataset.state = ""; }, k);
        await page.locator(`.cell.code[data-cell="${k}"] .nnkit-cellbar button`).click();
        await page.waitForFunction((i) => ["ok", "failed"].includes(document.querySelector<HTMLElement>(`.cell.code[data-cell="${i}"]`)!.dataset.state ?? ""), k);
      }
      const again = await output(k);
      if (again !== first) changed.push(`cell ${k + 1}: ${again.split("\n").find((l) => l.includes("Error") || l.startsWith("✗")) ?? again.slice(0, 200)}`);
    }
    expect(changed).toEqual([]);
    expect(await page.locator(".cell.code .out").allTextContents()).toContainEqual(expect.stringContaining("✓ parameters after one step with α = 0.25"));
    await page.close();
  }, 180_000);
});
