// The course site's accessibility in a real headless Chromium: a small notebook page (comments in its
// code, a line too long for the page, an output, a figure) audited by axe-core for WCAG 2.1 A/AA
// after Run all, in light and dark colour schemes; what scrolls sideways takes the focus; the live
// region announces runs and errors; a page opened from a file keeps its outputs and says how to serve it;
// figures are named and described, offer no upload, and fit a 390 px screen before and after the run.
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, formatViolations } from "../../scripts/axe.js";
import { findBrowser } from "../../src/notebook/chromium.js";
import { serializeNotebook, type Notebook, type Output } from "../../src/notebook/nbformat.js";
import { figureBundle } from "../../src/plot/bundle.js";
import { linePlot } from "../../src/plot/charts.js";
import { siteInBrowser, type SiteInBrowser } from "./site-browser.js";

const executablePath = findBrowser();
const code = (id: string, source: string, outputs: Output[] = []) =>
  ({ cell_type: "code" as const, id, metadata: {}, execution_count: 1, source, outputs });
const longLine = `const wide = [${Array.from({ length: 60 }, (_, i) => i * 1000).join(", ")}]; // a line wider than the page`;
const wideTable = `| ${Array.from({ length: 12 }, (_, i) => `column${i}`).join(" | ")} |\n|${" --- |".repeat(12)}\n| ${"1 | ".repeat(12)}\n`;
const notebook: Notebook = {
  nbformat: 4, nbformat_minor: 5, metadata: {},
  cells: [
    { cell_type: "markdown", id: "m", metadata: {}, source: `# A page\n\nSome prose and $x^2$.\n\n${wideTable}` },
    code("c0", 'import { check } from "nnkit";\nimport { linePlot, show } from "nnkit/plot";\n// a comment', [{ output_type: "stream", name: "stdout", text: "stored\n" }]),
    code("c1", `${longLine}\nconsole.log(wide.join(" "));`),
    code("c2", 'show(linePlot([{ y: [3, 2, 1], name: "train" }, { y: [3, 2.5, 2], name: "test" }], { title: "loss", xLabel: "epoch", yLabel: "loss", width: 800 }));',
      [{ output_type: "display_data", metadata: {}, data: { ...figureBundle(linePlot([{ y: [3, 2, 1], name: "train" }, { y: [3, 2.5, 2], name: "test" }], { title: "stored loss", width: 800 })) } }]),
    code("c3", 'console.log("short");'),
  ],
};

/** A live figure updated 20 times, 30 ms apart. */
const motion = 'import { linePlot, liveDisplay } from "nnkit/plot";\n' +
  'const live = liveDisplay(linePlot([0, 0], { title: "live" }));\n' +
  "for (let i = 2; i <= 21; i++) {\n  live.update(linePlot(Array.from({ length: i }, (_, k) => Math.sin(k)), { title: \"live\" }));\n" +
  "  await new Promise((done) => setTimeout(done, 30));\n}";

let site: SiteInBrowser | undefined;
let browser: Browser | undefined;
let url = "";

beforeAll(async () => {
  if (!executablePath) return;
  site = await siteInBrowser(executablePath, {
    "01-page.ipynb": serializeNotebook(notebook),
    "02-next.ipynb": serializeNotebook({ ...notebook, cells: [notebook.cells[0]!] }),
    "03-motion.ipynb": serializeNotebook({ ...notebook, cells: [code("m0", motion)] }),
  });
  ({ browser, url } = site);
}, 120_000);

afterAll(async () => {
  await site?.close();
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
    await page.goto(`file://${join(site!.site, "01-page.html")}?run=all`);
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

  it("names and describes each figure, hides plotly's SVG from screen readers and offers no upload", async () => {
    const stored = await browser!.newPage();
    await stored.goto(`${url}01-page.html`);
    const before = await stored.locator(".nnkit-plot").first().getAttribute("aria-label");
    await stored.close();
    const page = await ranPage("light");
    const figures = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>(".nnkit-plot")].map((f) => ({
      role: f.getAttribute("role"), label: f.getAttribute("aria-label"),
      description: document.getElementById(f.getAttribute("aria-describedby") ?? "")?.textContent?.slice(0, 40),
      table: f.querySelectorAll("details table th[scope=col]").length,
      svgsShown: [...f.querySelectorAll("svg")].filter((s) => !s.closest("[aria-hidden=true]") && !s.closest("button, a")).length,
      tabStops: [...f.querySelectorAll<HTMLElement>(".modebar-btn")].filter((b) => b.tabIndex >= 0).map((b) => b.dataset.title),
      buttons: f.querySelectorAll(".modebar-btn").length,
    })));
    expect(before).toBe("Figure: stored loss");
    expect(figures).toEqual([{ role: "figure", label: "Figure: loss", description: 'A line chart titled "loss". x axis "epoc', table: 3, svgsShown: 0,
      tabStops: ["Download plot as a PNG"], buttons: 4 }]);
    expect(await page.evaluate(() => document.body.innerHTML.includes("Share chart"))).toBe(false);
    await page.close();
  }, 180_000);

  it("is no wider than a 390 px screen, before the run (stored figures) and after it", async () => {
    const page = await browser!.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${url}01-page.html`);
    await page.waitForTimeout(300);
    const width = () => page.evaluate(() => [document.documentElement.scrollWidth, document.querySelector<HTMLElement>(".nnkit-plot-area")!.getBoundingClientRect().right]);
    const stored = await width();
    await page.getByRole("button", { name: "▶▶ Run all" }).click();
    await page.waitForFunction(() => document.body.dataset.nnkitRun === "done", null, { timeout: 120_000 });
    await page.waitForTimeout(300);
    const ran = await width();
    expect([stored[0], ran[0]]).toEqual([390, 390]);
    expect(Math.max(stored[1]!, ran[1]!)).toBeLessThanOrEqual(390);
    await page.close();
  }, 180_000);

  it("draws a live figure once more at its cell's end, not every frame, when the reader prefers reduced motion", async () => {
    const drawings = async (reducedMotion: "reduce" | "no-preference") => {
      const page = await browser!.newPage();
      await page.emulateMedia({ reducedMotion });
      await page.goto(`${url}03-motion.html`);
      await page.evaluate(() => {
        const seen = new Set<string>();
        (window as unknown as { seen: Set<string> }).seen = seen;
        const look = () => {
          const d = document.querySelector(".nnkit-plot-area .scatterlayer path.js-line")?.getAttribute("d");
          if (d) seen.add(d);
          if (document.body.dataset.nnkitRun !== "done") requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
      });
      await page.getByRole("button", { name: "▶▶ Run all" }).click();
      await page.waitForFunction(() => document.body.dataset.nnkitRun === "done", null, { timeout: 60_000 });
      const n = await page.evaluate(() => (window as unknown as { seen: Set<string> }).seen.size);
      await page.waitForTimeout(700); // the description follows a live figure at most every 500 ms
      const last = await page.locator(".nnkit-figure-text > p").textContent();
      await page.close();
      return { n, last };
    };
    const reduced = await drawings("reduce");
    expect(reduced.n).toBe(2); // the first state and the last
    expect(reduced.last).toContain("21 points");
    expect((await drawings("no-preference")).n).toBeGreaterThan(4);
  }, 120_000);
});
