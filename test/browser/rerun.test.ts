// Every cell of a notebook page runs again and gives the same result: in notebook 05 (backprop by
// hand), each code cell run twice more on its own after Run all, in headless Chromium, prints what
// it printed the first time (its gradient-descent step used to change the weights in place, so that a
// second run failed with "expected [1,-1,-2,-6], got [-1,-3,-6,-7]").
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBrowser } from "../../src/notebook/chromium.js";
import { siteInBrowser, type SiteInBrowser } from "./site-browser.js";

const executablePath = findBrowser();
const NOTEBOOK = "05-backprop-by-hand";
let site: SiteInBrowser | undefined;

beforeAll(async () => {
  if (!executablePath) return;
  const text = readFileSync(join(import.meta.dirname, "..", "..", "notebooks", `${NOTEBOOK}.ipynb`), "utf8");
  site = await siteInBrowser(executablePath, { [`${NOTEBOOK}.ipynb`]: text });
}, 120_000);

afterAll(async () => {
  await site?.close();
});

describe.skipIf(!executablePath)("a notebook page run twice", () => {
  it(`${NOTEBOOK}: every cell run twice more on its own prints what it printed after Run all`, async () => {
    const page = await site!.browser.newPage();
    await page.goto(`${site!.url}${NOTEBOOK}.html?run=all`);
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
