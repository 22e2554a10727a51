// Which Chromium to drive headless, and with which flags: shared by the static images of stored
// notebooks (images.ts) and the tests that run the course site's pages in a browser. The browser
// is the system's (e.g. Debian's chromium package) and the driver (playwright-core) a maintainers'
// dev dependency: nothing here installs or downloads a browser.
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";

const BROWSER_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];
const BROWSER_PLACES = [
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];
/** Flags for a headless browser that stays off the network and leaves no profile behind. */
export const BROWSER_ARGS = [
  "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-quic",
];

/** The browser to use: `explicit`, else $NNKIT_CHROMIUM, else the first of the usual names on PATH or install places; undefined if none. */
export function findBrowser(explicit?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (explicit) return explicit;
  if (env.NNKIT_CHROMIUM) return env.NNKIT_CHROMIUM;
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    for (const name of BROWSER_NAMES) if (existsSync(join(dir, name))) return join(dir, name);
  }
  return BROWSER_PLACES.find((p) => existsSync(p));
}

