import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildSite } from "../../src/notebook/site.js";
import { createMarkdown, slugify } from "../../src/notebook/markdown.js";
import { highlightTs } from "../../src/notebook/highlight.js";
import { linePlot } from "../../src/plot/charts.js";
import { figureBundle, plotlyLoaderHtml } from "../../src/plot/bundle.js";
import { serializeNotebook, storeBundle, type Notebook } from "../../src/notebook/nbformat.js";

const work = mkdtempSync(join(tmpdir(), "nnkit-site-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function notebook(): Notebook {
  const fig = linePlot([3, 2, 1], { title: "loss" });
  return {
    nbformat: 4, nbformat_minor: 5, metadata: {},
    cells: [
      { cell_type: "markdown", id: "m1", metadata: {}, source: "# The perceptron\n\nThe rule $w \\leftarrow w + y x$ costs $5 and $6.\n\n$$\n\\hat y = \\operatorname{sign}(w^\\top x)\n$$\n\n## Learning\n" },
      {
        cell_type: "code", id: "c1", metadata: {}, execution_count: 1, source: 'const s = "<b>"; // note\nshow(fig)',
        outputs: [
          { output_type: "stream", name: "stdout", text: "a < b\n" },
          { output_type: "display_data", metadata: {}, data: storeBundle({ "text/html": plotlyLoaderHtml(), "text/plain": "" }) },
          { output_type: "display_data", metadata: {}, data: storeBundle({ ...figureBundle(fig) }) },
          { output_type: "display_data", metadata: {}, data: { "image/svg+xml": ["<svg xmlns='http://www.w3.org/2000/svg'><circle r='1'/></svg>"], "text/plain": ["[svg]"] } },
          // a stored drawing: the SVG, and for other front-ends a PNG and an <img> of it
          { output_type: "display_data", metadata: {}, data: { "image/svg+xml": ["<svg xmlns='http://www.w3.org/2000/svg'><rect width='2'/></svg>"], "image/png": "iVBORw0KGgo=", "text/html": ['<img src="data:image/png;base64,iVBORw0KGgo=" alt="g">'], "text/plain": ["g"] } },
          { output_type: "display_data", metadata: {}, data: { "text/markdown": ["Filled in: **99%**"], "text/plain": ["Filled in: **99%**"] } },
        ],
      },
      { cell_type: "markdown", id: "m2", metadata: {}, source: "## Learning\n\nAgain." },
    ],
  };
}

describe("course site", () => {
  it("renders pages with KaTeX, highlighted code, outputs, a table of contents and local assets only", () => {
    const nbDir = join(work, "notebooks");
    mkdirSync(nbDir);
    writeFileSync(join(nbDir, "01-perceptron.ipynb"), serializeNotebook(notebook()));
    writeFileSync(join(nbDir, "02-empty.ipynb"), serializeNotebook({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }));
    const out = join(work, "site");
    const pages = buildSite({ notebooks: nbDir, out, title: "Neural networks" });
    expect(pages.map((p) => [p.file, p.title])).toEqual([["01-perceptron.html", "The perceptron"], ["02-empty.html", "02-empty"]]);
    expect(pages[0]!.headings.map((h) => h.id)).toEqual(["the-perceptron", "learning", "learning-1"]);
    expect(readdirSync(out).sort()).toEqual(["01-perceptron.html", "02-empty.html", "assets", "data", "index.html"]);

    const page = readFileSync(join(out, "01-perceptron.html"), "utf8");
    expect(readFileSync(join(out, "02-empty.html"), "utf8")).toContain('<a href="01-perceptron.html">← The perceptron</a>');
    expect(page.match(/<span class="katex">/g)).toHaveLength(2); // inline and display; "$5 and $6" is text
    expect(page).toContain("costs $5 and $6.");
    expect(page).toContain('<span class="katex-display">');
    expect(page).toContain('<span class="k">const</span> s = <span class="s">&quot;&lt;b&gt;&quot;</span>; <span class="c">// note</span>');
    expect(page).toContain('<pre class="stdout">a &lt; b\n</pre>');
    // a stored figure: its JSON for the page script to draw, and its description and data table for everyone
    expect(page).toMatch(/<div class="nnkit-display nnkit-plot" role="figure" aria-label="Figure: [^"]*" aria-describedby="stored-figure-1"><div class="nnkit-plot-area"[^>]*><\/div><script type="application\/json" class="nnkit-figure">\{"data"/);
    expect(page).toMatch(/<details class="nnkit-figure-text"><summary>Figure as text and data<\/summary><p id="stored-figure-1">A [a-z ]+[^<]+<\/p>\n<table><caption>/);
    expect(page).toContain('<script src="assets/plotly.min.js"></script>');
    expect(page).not.toContain("if (!window.Plotly)"); // the notebook's inlined loader is dropped
    expect(page).toContain("<circle r='1'/>");
    expect(page).toContain("<rect width='2'/>"); // the page shows a stored drawing's own SVG …
    expect(page).not.toContain('alt="g"'); // … not the <img> of its PNG
    expect(page).toContain("<p>Filled in: <strong>99%</strong></p>"); // markdown a cell showed
    for (const file of ["01-perceptron.html", "02-empty.html", "index.html"]) {
      const html = readFileSync(join(out, file), "utf8");
      expect(html.match(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//gi)).toBeNull();
    }
    expect(readFileSync(join(out, "assets", "katex.min.css"), "utf8")).not.toMatch(/url\((?:https?:)?\/\//);
    expect(readdirSync(join(out, "assets", "fonts")).some((f) => f.startsWith("KaTeX_Main-Regular"))).toBe(true);

    const index = readFileSync(join(out, "index.html"), "utf8");
    expect(index).toContain('<h1>Neural networks</h1>');
    expect(index).toContain('<li><a href="01-perceptron.html">The perceptron</a><ul><li><a href="01-perceptron.html#learning">Learning</a></li>');
  });

  it("refuses an output folder that holds the notebooks", () => {
    const nbDir = join(work, "book", "notebooks");
    mkdirSync(nbDir, { recursive: true });
    expect(() => buildSite({ notebooks: nbDir, out: join(work, "book") })).toThrow(/contains the notebooks folder/);
  });
});

describe("markdown and code", () => {
  it("typesets math without touching code spans or escaped dollars", () => {
    const { md } = createMarkdown();
    expect(md.render("`$x$` and \\$y$")).toBe("<p><code>$x$</code> and $y$</p>\n");
    expect(md.render("$x$")).toContain('<span class="katex">');
    expect(md.render("$$\n\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}\n$$")).toContain("katex-display");
  });

  it("slugs and highlights", () => {
    expect(slugify("Softmax regression (MNIST)")).toBe("softmax-regression-mnist");
    expect(highlightTs("let n = 1e-3; // x")).toBe('<span class="k">let</span> n = <span class="n">1e-3</span>; <span class="c">// x</span>');
  });
});
