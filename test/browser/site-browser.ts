// A course site built from notebooks in a temporary folder, served on 127.0.0.1 and opened in a
// headless Chromium, for the browser tests (a11y.test.ts, rerun.test.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { BROWSER_ARGS } from "../../src/notebook/chromium.js";
import { serveSite } from "../../src/notebook/serve.js";
import { buildSite } from "../../src/notebook/site.js";

/** A served site: the browser, the site's address (ending in "/"), its folder on disk, and close() to end all three. */
export interface SiteInBrowser { browser: Browser; url: string; site: string; close(): Promise<void> }

/** Build a site from `notebooks` (file name → .ipynb text), serve it with the isolation headers and launch Chromium at `executablePath`. */
export async function siteInBrowser(executablePath: string, notebooks: Record<string, string>): Promise<SiteInBrowser> {
  const work = mkdtempSync(join(tmpdir(), "nnkit-site-browser-"));
  mkdirSync(join(work, "notebooks"));
  for (const [name, text] of Object.entries(notebooks)) writeFileSync(join(work, "notebooks", name), text);
  const site = join(work, "site");
  buildSite({ notebooks: join(work, "notebooks"), out: site });
  const { server, url }: { server: Server; url: string } = await serveSite(site, 0);
  const browser = await chromium.launch({ executablePath, headless: true, args: BROWSER_ARGS });
  return {
    browser, url, site,
    async close() {
      await browser.close();
      server.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
