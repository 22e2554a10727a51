// The course site: every notebook (with its stored outputs) as a static HTML page — math typeset
// by KaTeX at build time, code highlighted, plots drawn by a local copy of plotly.js — plus an
// index with the lecture's table of contents. Everything is written inside the output folder.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { PLOTLY_LOADER_PREFIX, PLOTLY_MIME, plotlyJsPath, scriptSafeJson } from "../plot/bundle.js";
import type { Figure } from "../plot/figure.js";
import { figureLabel } from "../plot/describe.js";
import { figureTextHtml } from "../plot/table.js";
import { writeFileAtomic } from "./files.js";
import { escapeHtml, highlightTs } from "./highlight.js";
import { createMarkdown, renderMath, type Heading } from "./markdown.js";
import { joinSource, readNotebook, type Cell, type MimeBundle, type Output } from "./nbformat.js";
import { notebookScript, pageDefaults, pageSource, runtimeHead, writeRuntimeAssets } from "./site-runtime.js";

export interface SiteOptions {
  /** Folder of .ipynb files (default "notebooks"). */
  notebooks?: string;
  /** Output folder; created if missing; must not contain the notebooks folder. */
  out: string;
  /** Title of the index page. */
  title?: string;
}

export interface SitePage { notebook: string; file: string; title: string; headings: Heading[] }

const CSS = `:root{color-scheme:light dark;--fg:#1d1d1f;--bg:#fff;--link:#0b5cad;--code-bg:#f6f8fa;--rule:#e1e4e8;--muted:#595959;
--comment:#57606a;--kw:#cf222e;--str:#0a3069;--num:#0550ae;--err-bg:#fff0f0;--err-fg:#86181d;--err-rule:#d73a49;--warn-bg:#fff5f5;--warn-rule:#f5c2c2}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--link:#6cb6ff;--code-bg:#161b22;--rule:#30363d;--muted:#9ea7b3;
--comment:#9ea7b3;--kw:#ff7b72;--str:#a5d6ff;--num:#79c0ff;--err-bg:#2d1215;--err-fg:#ffb3ad;--err-rule:#f85149;--warn-bg:#2a1a12;--warn-rule:#9e6a03}}
body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:0 auto;padding:1rem 1.5rem;color:var(--fg);background:var(--bg)}
nav{display:flex;justify-content:space-between;font-size:.9rem;margin:.5rem 0 1.5rem}a{color:var(--link)}
pre{background:var(--code-bg);padding:.6rem .8rem;overflow-x:auto;border-radius:4px;font-size:.85rem;line-height:1.4}
.cell{margin:1rem 0}.in{position:relative}.prompt{color:var(--muted);font:.75rem monospace;margin-bottom:.2rem}
.out pre{background:var(--bg);border-left:3px solid var(--rule)}.out .stderr{background:var(--warn-bg);border-color:var(--warn-rule)}
.out .error{background:var(--err-bg);border-color:var(--err-rule);color:var(--err-fg)}.out img,.out svg{max-width:100%;height:auto}
.math-block,.table-wrap{overflow-x:auto}.k{color:var(--kw)}.s{color:var(--str)}.c{color:var(--comment);font-style:italic}.n{color:var(--num)}
:focus-visible{outline:2px solid var(--link);outline-offset:2px}
.toc li{margin:.3rem 0}.toc ul ul{font-size:.9rem}`;

/** Build the site; returns the pages written (index.html lists them in notebook file order). */
export function buildSite(options: SiteOptions): SitePage[] {
  const nbDir = resolve(options.notebooks ?? "notebooks");
  const out = resolve(options.out);
  if (nbDir === out || nbDir.startsWith(out + sep)) {
    throw new Error(`buildSite: output folder ${options.out} contains the notebooks folder; choose a separate folder (e.g. site/)`);
  }
  if (!existsSync(nbDir)) throw new Error(`buildSite: notebooks folder ${nbDir} does not exist`);
  const files = readdirSync(nbDir).filter((f) => f.endsWith(".ipynb")).sort();
  const write = (name: string, content: string | Uint8Array) => {
    const target = resolve(out, name);
    if (!target.startsWith(out + sep)) throw new Error(`buildSite: refusing to write ${name} outside ${out}`);
    writeFileAtomic(target, content);
  };
  copyAssets(write);
  const pages: SitePage[] = files.map((f) => ({
    notebook: f, file: f.replace(/\.ipynb$/, ".html"), title: f.replace(/\.ipynb$/, ""), headings: [],
  }));
  const bodies = pages.map((page) => renderNotebook(join(nbDir, page.notebook), page)); // titles first, for the links
  pages.forEach((page, i) => {
    const nav = (where: string) => navigation(pages[i - 1], pages[i + 1], where);
    write(page.file, pageHtml(page.title, bodies[i]!.html, nav, bodies[i]!.cells));
  });
  write("index.html", pageHtml(options.title ?? "Course notebooks", indexBody(options.title ?? "Course notebooks", pages), undefined, undefined));
  return pages;
}

function copyAssets(write: (name: string, content: Uint8Array) => void): void {
  const katexDist = dirname(createRequire(import.meta.url).resolve("katex"));
  write("assets/plotly.min.js", readFileSync(plotlyJsPath()));
  write("assets/katex.min.css", readFileSync(join(katexDist, "katex.min.css")));
  for (const font of readdirSync(join(katexDist, "fonts")).filter((f) => f.endsWith(".woff2"))) {
    write(`assets/fonts/${font}`, readFileSync(join(katexDist, "fonts", font)));
  }
  write("assets/site.css", new TextEncoder().encode(CSS));
  writeRuntimeAssets(write);
}

/**
 * One notebook → the HTML of its cells and the code of its code cells as the page runs them (see
 * pageSource); fills page.title (first h1) and page.headings.
 */
function renderNotebook(path: string, page: SitePage): { html: string; cells: string[] } {
  const nb = readNotebook(path);
  const { md, headings } = createMarkdown();
  const defaults = pageDefaults(nb.metadata);
  const cells: string[] = [];
  let figures = 0;
  const render: Render = { markdown: md.render.bind(md), figureId: () => `stored-figure-${++figures}` };
  const parts = nb.cells.map((cell) => {
    if (cell.cell_type !== "code") return renderCell(cell, render);
    const { source, changed } = pageSource(joinSource(cell.source), defaults);
    cells.push(source);
    const note = changed.length > 0
      ? `<p class="page-note">In this page: ${changed.map(escapeHtml).join(", ")}, for a quicker run; edit the value and run the cell again for the notebook's.</p>`
      : "";
    return note + renderCell(cell, render, { index: cells.length - 1, source });
  });
  page.headings = headings;
  page.title = headings.find((h) => h.level === 1)?.text ?? page.title;
  return { html: parts.join("\n"), cells };
}

/** How a page renders markdown, and the id of its next stored figure's description. */
interface Render { markdown: (s: string) => string; figureId: () => string }

/** A cell's HTML; a code cell carries its index among the code cells (data-cell) and shows `code.source`. */
function renderCell(cell: Cell, render: Render, code?: { index: number; source: string }): string {
  const source = code?.source ?? joinSource(cell.source);
  if (cell.cell_type === "markdown") return `<div class="cell md">${render.markdown(source)}</div>`;
  if (cell.cell_type === "raw") return `<div class="cell raw"><pre>${escapeHtml(source)}</pre></div>`;
  const prompt = `<div class="prompt">In [${cell.execution_count ?? " "}]:</div>`;
  const outputs = cell.outputs.map((o) => renderOutput(o, render)).filter((s) => s !== "").join("\n");
  return `<div class="cell code" data-cell="${code?.index ?? 0}"><div class="in">${prompt}<pre><code>${highlightTs(source)}</code></pre></div>` +
    (outputs ? `<div class="out">${outputs}</div>` : "") + "</div>";
}

function renderOutput(o: Output, render: Render): string {
  switch (o.output_type) {
    case "stream":
      return `<pre class="${o.name}">${escapeHtml(stripAnsi(joinSource(o.text)))}</pre>`;
    case "error":
      return `<pre class="error">${escapeHtml(stripAnsi([`${o.ename}: ${o.evalue}`, ...o.traceback].join("\n")))}</pre>`;
    default:
      return renderBundle(o.data, render);
  }
}

/** The richest representation the site can show: plotly JSON (drawn by the page), a drawing's SVG, then Jupyter's order of preference. */
function renderBundle(data: MimeBundle, { markdown, figureId }: Render): string {
  const text = (mime: string) => {
    const v = data[mime];
    return typeof v === "string" || Array.isArray(v) ? joinSource(v as string | string[]) : undefined;
  };
  if (data[PLOTLY_MIME] && typeof data[PLOTLY_MIME] === "object") return storedFigureHtml(data[PLOTLY_MIME] as Figure, figureId());
  // a drawing's own SVG before the <img> of its PNG that stored notebooks carry for other front-ends
  const svg = text("image/svg+xml");
  if (svg !== undefined) return `<div class="svg">${svg}</div>`;
  const html = text("text/html");
  // the inlined plotly.js loader of live sessions: the site loads plotly.js from its assets instead
  if (html !== undefined) return html.startsWith(PLOTLY_LOADER_PREFIX) ? "" : `<div class="html">${html}</div>`;
  for (const mime of ["image/png", "image/jpeg", "image/gif"]) {
    const b64 = text(mime);
    if (b64 !== undefined) return `<img src="data:${mime};base64,${b64.replace(/\s/g, "")}" alt="${escapeHtml(text("text/plain") ?? "")}">`;
  }
  const mdText = text("text/markdown");
  if (mdText !== undefined) return markdown(mdText);
  const latex = text("text/latex");
  if (latex !== undefined) return renderMath(latex.replace(/^\$\$?|\$\$?$/g, ""), true);
  const plain = text("text/plain");
  return plain ? `<pre>${escapeHtml(stripAnsi(plain))}</pre>` : "";
}

/**
 * A stored figure as the page's script draws it (src/browser/figures.ts, fitted to the screen): its
 * plot area at the figure's size (at most the page's width), its JSON, and the figure as text and
 * data tables, which a reader without the script has too.
 */
function storedFigureHtml(fig: Figure, id: string): string {
  const height = typeof fig.layout.height === "number" ? fig.layout.height : 420;
  const width = typeof fig.layout.width === "number" ? `${fig.layout.width}px` : "100%";
  return `<div class="nnkit-display nnkit-plot" role="figure" aria-label="${escapeHtml(figureLabel(fig))}" aria-describedby="${id}">` +
    `<div class="nnkit-plot-area" style="width:${width};max-width:100%;height:${height}px"></div>` +
    `<script type="application/json" class="nnkit-figure">${scriptSafeJson(fig)}</script>${figureTextHtml(fig, id)}</div>`;
}

function stripAnsi(s: string): string {
  return s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
}

/** The links to the previous page, the contents and the next page; `where` names the bar ("top" or "bottom": landmarks need distinct names). */
function navigation(prev: SitePage | undefined, next: SitePage | undefined, where: string): string {
  const link = (p: SitePage | undefined, label: string) => (p ? `<a href="${p.file}">${label} ${escapeHtml(p.title)}</a>` : "<span></span>");
  return `<nav aria-label="Pages (${where})">${link(prev, "←")}<a href="index.html">Contents</a>${link(next, "→")}</nav>`;
}

function indexBody(title: string, pages: SitePage[]): string {
  const items = pages.map((p) => {
    const subs = p.headings.filter((h) => h.level === 2)
      .map((h) => `<li><a href="${p.file}#${h.id}">${escapeHtml(h.text)}</a></li>`).join("");
    return `<li><a href="${p.file}">${escapeHtml(p.title)}</a>${subs ? `<ul>${subs}</ul>` : ""}</li>`;
  });
  return `<h1>${escapeHtml(title)}</h1>\n<ol class="toc">\n${items.join("\n")}\n</ol>`;
}

/** A page; `cells` (a notebook page's code, as it runs in the page) makes it runnable, with plotly.js for its figures. */
function pageHtml(title: string, body: string, nav: ((where: string) => string) | undefined, cells: string[] | undefined): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="assets/katex.min.css">
<link rel="stylesheet" href="assets/site.css">
${cells ? `<script src="assets/plotly.min.js"></script>\n${runtimeHead()}` : ""}</head>
<body>
${nav?.("top") ?? ""}
<main>
${body}
</main>
${nav?.("bottom") ?? ""}
${cells ? notebookScript(cells) + "\n" : ""}</body>
</html>
`;
}

/** `nnkit site --out DIR`: build the site and print what was written; returns the pages. */
export function siteCommand(options: SiteOptions & { log?: (line: string) => void }): SitePage[] {
  const log = options.log ?? ((line: string) => process.stdout.write(line + "\n"));
  const pages = buildSite(options);
  for (const p of pages) log(`${relative(process.cwd(), join(resolve(options.out), p.file))}  ${p.title}`);
  log(`site: ${pages.length} notebook pages and index.html in ${options.out}`);
  return pages;
}
