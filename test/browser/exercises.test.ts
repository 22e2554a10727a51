// The exercises that end the notebooks, on their pages in headless Chromium: after Run all
// each is open (○, nothing fails), and with the right answers typed into the cell every one passes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBrowser } from "../../src/notebook/chromium.js";
import { siteInBrowser, type SiteInBrowser } from "./site-browser.js";

const executablePath = findBrowser();
/**
 * Each notebook's answers, in the order its exercise cell declares them. LeNet-5's page is left out:
 * its Run all trains for about a minute (pages-check runs it; its exercise cell only reads the
 * layer summary, 25,050 parameters of conv2 and 5,000 multiply-adds of fc2).
 */
const ANSWERS: Record<string, number[]> = {
  "01-perceptron": [1, -1],
  "02-linear-and-softmax-regression": [0.665, 2.41],
  "03-neurons-and-mlps": [784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10, 0.25, 3072],
  "04-universal-approximation": [2 * 0.8 - 0.4 + 0.1, 1],
  "05-backprop-by-hand": [64, 0.02],
  "06-backward-passes": [2 + 3, 0.25],
  "07-optimizers": [-7 + 0.07, 1],
  "08-convolution": [4, 16 * (3 * 3 * 6 + 1), 6 - 3],
  "10-normalization": [1.225, 1],
  "11-feature-extraction": [4 * 128, 2],
};
let site: SiteInBrowser | undefined;

beforeAll(async () => {
  if (!executablePath) return;
  const dir = join(import.meta.dirname, "..", "..", "notebooks");
  site = await siteInBrowser(executablePath, Object.fromEntries(Object.keys(ANSWERS).map((n) => [`${n}.ipynb`, readFileSync(join(dir, `${n}.ipynb`), "utf8")])));
}, 120_000);

afterAll(async () => {
  await site?.close();
});

describe.skipIf(!executablePath)("exercises", () => {
  it.each(Object.entries(ANSWERS))("%s: open after Run all, passed with the right answers", async (name, answers) => {
    const page = await site!.browser.newPage();
    await page.goto(`${site!.url}${name}.html?run=all`);
    await page.waitForFunction(() => ["done", "failed"].includes(document.body.dataset.nnkitRun ?? ""), null, { timeout: 120_000 });
    expect(await page.evaluate(() => document.body.dataset.nnkitRun)).toBe("done");
    const last = page.locator(".cell.code").last();
    const lines = async () => (await last.locator(".out pre").allTextContents()).join("").split("\n").filter((l) => l !== "");
    expect((await lines()).map((l) => l[0])).toEqual(answers.map(() => "○"));
    await last.locator(".in code").evaluate((code, values) => {
      let k = 0;
      code.textContent = (code.textContent ?? "").replace(/= undefined;/g, () => `= ${values[k++]};`);
      code.dispatchEvent(new Event("input", { bubbles: true }));
    }, answers);
    await last.evaluate((el) => { el.dataset.state = ""; });
    await last.locator(".nnkit-cellbar button").click();
    await page.waitForFunction((el) => ["ok", "failed"].includes(el.dataset.state ?? ""), await last.elementHandle());
    expect((await lines()).map((l) => l[0])).toEqual(answers.map(() => "✓"));
    await page.close();
  }, 180_000);
});
