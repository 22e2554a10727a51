// Every lecture notebook run on its page of the course site, in headless Chromium: the site is built
// from notebooks/ into a temporary folder and served on 127.0.0.1 with the isolation headers
// (`nnkit site --serve`'s), each page is opened with ?run=all, and it passes when the page ends
// `done` with the kernels on WebAssembly and every core the browser offers, the same number of
// check() lines as the notebook's stored run (so every check ran and passed in the page), and no
// request left the site, axe-core finds no violation of WCAG 2.1 A/AA on it after the run (nor on
// the index; see axe.ts), and at 390 px it is no wider than the screen, before and after the run. Prints per page its run time (and LeNet-5's images/s), saves screenshots
// at 1280 px and at phone width (390 px), and ends with "pages: N passed, M failed" (exit 1 if any failed).
//   usage: npx tsx scripts/pages-check.ts [--shots DIR] [--timeout SECONDS] [NOTEBOOK-NAME…]
// Needs a built checkout (npm run build), playwright-core (a dev dependency) and a Chromium
// (apt-get install chromium; or NNKIT_CHROMIUM=path). Nothing is downloaded.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { MAX_PAGE_THREADS } from "../src/browser/protocol.js";
import { BROWSER_ARGS, findBrowser } from "../src/notebook/chromium.js";
import { joinSource, readNotebook } from "../src/notebook/nbformat.js";
import { serveSite } from "../src/notebook/serve.js";
import { buildSite } from "../src/notebook/site.js";
import { axeViolations, formatViolations } from "./axe.js";

interface Options { shots: string; timeout: number; only: string[] }

function parseArgs(argv: string[]): Options {
  const o: Options = { shots: "out/pages", timeout: 600, only: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--shots") o.shots = argv[++i] ?? o.shots;
    else if (a === "--timeout") o.timeout = Number(argv[++i]);
    else if (a === "--help") {
      console.log("usage: npx tsx scripts/pages-check.ts [--shots DIR] [--timeout SECONDS] [NOTEBOOK-NAME…]");
      process.exit(0);
    } else o.only.push(a.replace(/\.(ipynb|html)$/, ""));
  }
  if (!(o.timeout > 0)) {
    console.error("pages-check: --timeout must be a positive number of seconds");
    process.exit(2);
  }
  return o;
}

/** The check() lines ("✓ …") of a notebook's stored outputs. */
function storedChecks(path: string): number {
  let n = 0;
  for (const cell of readNotebook(path).cells) {
    if (cell.cell_type !== "code") continue;
    for (const o of cell.outputs) if (o.output_type === "stream" && o.name === "stdout") n += joinSource(o.text).split("\n").filter((l) => l.startsWith("✓")).length;
  }
  return n;
}

interface PageResult {
  state: string;
  seconds: number;
  engine: string;
  threads: number;
  kernel: string;
  checks: number;
  errors: string[];
  speed: string[];
}

async function runPage(page: Page, url: string, timeoutS: number): Promise<PageResult> {
  await page.goto(url);
  await page.waitForFunction(() => ["done", "failed"].includes(document.body.dataset.nnkitRun ?? ""), null, { timeout: timeoutS * 1000, polling: 500 });
  return page.evaluate(() => {
    const kernel = document.querySelector<HTMLElement>(".nnkit-kernel")!;
    const stdout = [...document.querySelectorAll<HTMLElement>(".out pre.stdout")].map((e) => e.textContent ?? "");
    return {
      state: document.body.dataset.nnkitRun ?? "",
      seconds: Number(document.body.dataset.nnkitSeconds),
      engine: kernel.dataset.engine ?? "",
      threads: Number(kernel.dataset.threads),
      kernel: kernel.textContent ?? "",
      checks: stdout.join("\n").split("\n").filter((l) => l.startsWith("✓")).length,
      errors: [...document.querySelectorAll<HTMLElement>(".out pre.error")].map((e) => e.textContent ?? ""),
      speed: stdout.join("\n").split("\n").filter((l) => /images\/s|would take/.test(l)),
    };
  });
}

async function screenshots(page: Page, dir: string, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(dir, `${name}-1280.png`) });
  const firstPlot = page.locator(".nnkit-display.nnkit-plot").first();
  if (await firstPlot.count()) {
    await firstPlot.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(dir, `${name}-1280-figure.png`) });
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(600); // plotly.js redraws the figures at the new width
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(dir, `${name}-390.png`) });
  if (await firstPlot.count()) {
    await firstPlot.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(dir, `${name}-390-figure.png`) });
  }
}

/** A phone's width (CSS px): no page may be wider (WCAG 1.4.10). */
const PHONE = 390;

/** The width of a page as it opens on a phone, with its stored outputs, px. */
async function widthBeforeRun(browser: Browser, url: string): Promise<number> {
  const page = await browser.newPage({ viewport: { width: PHONE, height: 844 } });
  await page.goto(url);
  await page.waitForTimeout(300); // the page script draws the stored figures
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.close();
  return width;
}

/** The index page's axe-core violations, printed like a notebook page's problems. */
async function auditIndex(browser: Browser, url: string): Promise<string[]> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${url}index.html`);
  const problems = formatViolations(await axeViolations(page)).map((v) => `axe: ${v}`);
  await page.close();
  console.log(`${problems.length === 0 ? "ok  " : "FAIL"} ${"index".padEnd(36)}`);
  for (const p of problems) console.log(`       ${p}`);
  return problems;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const executablePath = findBrowser();
  if (!executablePath) {
    console.error("pages-check: no Chromium found; apt-get install chromium, or set NNKIT_CHROMIUM to its path");
    return 2;
  }
  const notebooks = resolve("notebooks");
  const names = readdirSync(notebooks).filter((f) => f.endsWith(".ipynb")).map((f) => f.replace(/\.ipynb$/, ""))
    .filter((n) => options.only.length === 0 || options.only.includes(n));
  const work = mkdtempSync(join(tmpdir(), "nnkit-pages-"));
  mkdirSync(options.shots, { recursive: true });
  const site = join(work, "site");
  buildSite({ notebooks, out: site });
  const { server, url } = await serveSite(site, 0);
  let browser: Browser | undefined;
  let passed = 0, failed = 0;
  let indexProblems: string[] = [];
  try {
    browser = await chromium.launch({ executablePath, headless: true, args: BROWSER_ARGS });
    indexProblems = await auditIndex(browser, url);
    for (const name of names) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const offSite: string[] = [];
      const failedRequests: string[] = [];
      page.on("request", (r) => {
        if (!r.url().startsWith(url) && !/^(blob|data):/.test(r.url())) offSite.push(r.url());
      });
      page.on("response", (r) => {
        if (r.status() >= 400) failedRequests.push(`${r.status()} ${r.url()}`);
      });
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      const problems: string[] = [];
      let r: PageResult | undefined;
      try {
        r = await runPage(page, `${url}${name}.html?run=all`, options.timeout);
        const expectedChecks = storedChecks(join(notebooks, `${name}.ipynb`));
        if (r.state !== "done") problems.push(`ended ${r.state}: ${r.errors.join(" | ")}`);
        if (!r.engine.startsWith("wasm")) problems.push(`kernels ran on ${r.engine}, not WebAssembly`);
        if (r.threads !== Math.min(cores, MAX_PAGE_THREADS)) problems.push(`kernels on ${r.threads} threads, the browser offers ${cores}`);
        if (r.checks !== expectedChecks) problems.push(`${r.checks} check lines in the page, ${expectedChecks} in the notebook's stored run`);
        problems.push(...formatViolations(await axeViolations(page)).map((v) => `axe: ${v}`));
        await screenshots(page, options.shots, name);
        const ranWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        if (ranWidth > PHONE) problems.push(`${ranWidth} px wide at ${PHONE} px after the run`);
        const storedWidth = await widthBeforeRun(browser, `${url}${name}.html`);
        if (storedWidth > PHONE) problems.push(`${storedWidth} px wide at ${PHONE} px before the run (stored outputs)`);
      } catch (e) {
        problems.push(`did not finish: ${(e as Error).message.split("\n")[0]}`);
      }
      if (offSite.length > 0) problems.push(`requests off the site: ${offSite.join(", ")}`);
      if (failedRequests.length > 0) problems.push(`failed requests: ${failedRequests.join(", ")}`);
      await page.close();
      const figures = r ? `${r.seconds.toFixed(1).padStart(6)} s  ${String(r.checks).padStart(3)} checks  ${r.engine} × ${r.threads}` : "";
      console.log(`${problems.length === 0 ? "ok  " : "FAIL"} ${name.padEnd(36)} ${figures}`);
      for (const line of r?.speed ?? []) console.log(`       ${line}`);
      for (const p of problems) console.log(`       ${p}`);
      if (problems.length === 0) passed++;
      else failed++;
    }
  } finally {
    await browser?.close();
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`screenshots in ${options.shots}`);
  if (indexProblems.length === 0) passed++;
  else failed++;
  console.log(`pages: ${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(`pages-check: ${(e as Error).stack ?? String(e)}`);
  process.exit(3);
});
