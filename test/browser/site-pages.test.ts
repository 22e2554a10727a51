// The course site's pages as runnable notebooks: each code cell numbered and its code handed to the
// page, the page script, kernel worker and MNIST files written into the site, the smaller page
// defaults a notebook asks for, and `nnkit site --serve`'s files and headers.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PageNotebook } from "../../src/browser/protocol.js";
import type { SiteData } from "../../src/browser/site-data.js";
import { serializeNotebook, type Notebook } from "../../src/notebook/nbformat.js";
import { ISOLATION_HEADERS, resolveSitePath, serveSite } from "../../src/notebook/serve.js";
import { buildSite } from "../../src/notebook/site.js";
import { MNIST_TRAIN_SUBSET, pageSource } from "../../src/notebook/site-runtime.js";

const work = mkdtempSync(join(tmpdir(), "nnkit-pages-"));
const out = join(work, "site");
afterAll(() => rmSync(work, { recursive: true, force: true }));

const code = (id: string, source: string) => ({ cell_type: "code" as const, id, metadata: {}, execution_count: null, source, outputs: [] });
const nb: Notebook = {
  nbformat: 4, nbformat_minor: 5, metadata: { nnkit: { page: { TRAIN_EXAMPLES: 1000 } } },
  cells: [
    { cell_type: "markdown", id: "m", metadata: {}, source: "# Training\n" },
    code("a", 'import { tensor } from "nnkit";'),
    code("b", "const TRAIN_EXAMPLES = 60000;   // the full set\nconsole.log(TRAIN_EXAMPLES);"),
  ],
};

beforeAll(() => {
  mkdirSync(join(work, "notebooks"));
  writeFileSync(join(work, "notebooks", "01-training.ipynb"), serializeNotebook(nb));
  buildSite({ notebooks: join(work, "notebooks"), out });
});

function embedded(html: string): PageNotebook {
  const m = /<script type="application\/json" id="nnkit-notebook">(.*?)<\/script>/s.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]!) as PageNotebook;
}

describe("runnable pages", () => {
  it("number the code cells and hand the page their code, with the notebook's page defaults applied", () => {
    const html = readFileSync(join(out, "01-training.html"), "utf8");
    expect(html.match(/<div class="cell code" data-cell="(\d)"/g)).toEqual(['<div class="cell code" data-cell="0"', '<div class="cell code" data-cell="1"']);
    expect(embedded(html).cells).toEqual(['import { tensor } from "nnkit";', "const TRAIN_EXAMPLES = 1000;   // the full set\nconsole.log(TRAIN_EXAMPLES);"]);
    expect(html).toContain('<p class="page-note">In this page: TRAIN_EXAMPLES = 1000 (the notebook has 60000)');
    expect(html).toContain('<script src="assets/nnkit-page.js" defer></script>');
    expect(html).toContain('<script src="assets/plotly.min.js"></script>');
    expect(readFileSync(join(out, "index.html"), "utf8")).not.toContain("nnkit-page.js");
  });

  it("carry the page script and its kernel worker, built from the library", () => {
    const kernel = readFileSync(join(out, "assets", "nnkit-kernel.js"), "utf8");
    expect(kernel.includes("softmaxCrossEntropy")).toBe(true); // the core's messages name its functions
    for (const absent of ["zeromq", "tslab", "markdown-it", "Gradescope"]) expect([absent, kernel.includes(absent)]).toEqual([absent, false]);
    expect(readFileSync(join(out, "assets", "nnkit-page.js"), "utf8")).toContain("nnkit-kernel.js");
  });

  it("carry MNIST gzipped: the test set, a training subset and the whole training set, with correct headers", () => {
    const data = JSON.parse(readFileSync(join(out, "data", "mnist.json"), "utf8")) as SiteData;
    expect(data.mnist.map((f) => [f.split, f.count])).toEqual([["test", 10000], ["train", MNIST_TRAIN_SUBSET], ["train", 60000]]);
    for (const f of data.mnist) {
      const images = gunzipSync(readFileSync(join(out, "data", f.images)));
      const labels = gunzipSync(readFileSync(join(out, "data", f.labels)));
      const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset);
      expect([view(images).getUint32(0), view(images).getUint32(4), images.length]).toEqual([0x803, f.count, 16 + f.count * 784]);
      expect([view(labels).getUint32(0), view(labels).getUint32(4), labels.length]).toEqual([0x801, f.count, 8 + f.count]);
    }
    const full = gunzipSync(readFileSync(join(out, "data", data.mnist[2]!.labels)));
    const subset = gunzipSync(readFileSync(join(out, "data", data.mnist[1]!.labels)));
    expect(subset.subarray(8)).toEqual(full.subarray(8, 8 + MNIST_TRAIN_SUBSET)); // the first images, in order
  });
});

describe("pageSource", () => {
  it("replaces only the first const or let of that name, and says what it changed", () => {
    const src = "const N = 60000;\nconst M = 5; let N2 = 1;\nconst N = 2;";
    expect(pageSource(src, { N: 10, M: 3 })).toEqual({
      source: "const N = 10;\nconst M = 3; let N2 = 1;\nconst N = 2;",
      changed: ["N = 10 (the notebook has 60000)", "M = 3 (the notebook has 5)"],
    });
    expect(pageSource("let N = 1;", { X: 2 })).toEqual({ source: "let N = 1;", changed: [] });
  });
});

describe("nnkit site --serve", () => {
  function get(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
    return new Promise((done, fail) => {
      request(url, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
      }).on("error", fail).end();
    });
  }

  it("serves the site's files on 127.0.0.1 with the cross-origin isolation headers, and nothing outside it", async () => {
    writeFileSync(join(work, "secret.txt"), "not part of the site");
    const { server, url } = await serveSite(out, 0);
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await get(`${url}01-training.html?run=all`);
      expect(page.status).toBe(200);
      expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(page.headers["cross-origin-opener-policy"]).toBe("same-origin");
      expect(page.headers["cross-origin-embedder-policy"]).toBe("require-corp");
      expect(page.body).toContain('id="nnkit-notebook"');
      expect((await get(url)).body).toContain("<h1>"); // the folder's index.html
      expect((await get(`${url}assets/nnkit-kernel.js`)).headers["content-type"]).toBe("text/javascript; charset=utf-8");
      for (const path of ["../secret.txt", "%2e%2e/secret.txt", "assets/../../secret.txt", "no-such.html"]) {
        const r = await get(`${url}${path}`);
        expect([path, r.status]).toEqual([path, 404]);
        expect(r.headers["cross-origin-embedder-policy"]).toBe(ISOLATION_HEADERS["Cross-Origin-Embedder-Policy"]);
      }
    } finally {
      server.close();
    }
  });

  const cli = join(process.cwd(), "dist", "src", "cli.js");

  it("refuses a bad --port with exit code 2 and says why", () => {
    const r = spawnSync(process.execPath, [cli, "site", "--notebooks", join(work, "notebooks"), "--out", join(work, "cli-site"), "--serve", "--port", "http"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('site: --port must be a whole number from 0 to 65535, got "http"');
  });

  it("builds the site, then serves it and says where, until stopped", async () => {
    const child = spawn(process.execPath, [cli, "site", "--notebooks", join(work, "notebooks"), "--out", join(work, "cli-site"), "--serve", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      const url = await new Promise<string>((done, fail) => {
        let out = "";
        child.stdout.on("data", (c: Buffer) => {
          out += c.toString();
          const m = /serving \S+ at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) done(m[1]!);
        });
        child.on("exit", (code) => fail(new Error(`exited ${code}: ${out}`)));
      });
      const r = await get(`${url}01-training.html`);
      expect([r.status, r.headers["cross-origin-embedder-policy"]]).toEqual([200, "require-corp"]);
    } finally {
      child.kill();
    }
  }, 60_000);

  it("resolves paths inside the site only", () => {
    expect(resolveSitePath(out, "/")).toBe(join(out, "index.html"));
    expect(resolveSitePath(out, "/assets/site.css")).toBe(join(out, "assets", "site.css"));
    expect(resolveSitePath(out, "/../secret.txt")).toBeUndefined();
    expect(resolveSitePath(out, "/%E0%A4%A")).toBeUndefined(); // malformed escape
  });
});
