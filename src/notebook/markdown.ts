// Markdown of notebook cells as HTML: markdown-it plus math typeset by KaTeX at build time
// ($…$ inline, $$…$$ display) and ids on headings for the table of contents.
import katex from "katex";
import MarkdownIt from "markdown-it";
import type { MarkdownIt as MarkdownRenderer, StateBlock, StateInline } from "markdown-it";

/** TeX → KaTeX HTML; a TeX error shows as the source in red instead of failing the page. */
export function renderMath(tex: string, displayMode: boolean): string {
  return katex.renderToString(tex, { displayMode, throwOnError: false, output: "htmlAndMathml" });
}

/** $…$ inline: no space just inside the dollars, no digit right after the closing one ("$5 and $6" stays text). */
function inlineMath(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  if (src[start] !== "$") return false;
  const display = src[start + 1] === "$";
  const open = display ? 2 : 1;
  if (!display && /\s/.test(src[start + 1] ?? " ")) return false;
  let end = start + open;
  while ((end = src.indexOf(display ? "$$" : "$", end)) !== -1) {
    if (src[end - 1] === "\\") { end++; continue; }
    if (!display && (/\s/.test(src[end - 1]!) || /\d/.test(src[end + 1] ?? ""))) { end++; continue; }
    break;
  }
  if (end === -1 || end === start + open) return false;
  if (!silent) {
    const token = state.push(display ? "math_display" : "math_inline", "", 0);
    token.content = src.slice(start + open, end);
  }
  state.pos = end + open;
  return true;
}

/** $$ on a line of its own (or $$…$$ on one line), up to the line that ends with $$. */
function blockMath(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  const lineText = (n: number) => state.src.slice(state.bMarks[n]! + state.tShift[n]!, state.eMarks[n]!);
  const first = lineText(startLine);
  if (!first.startsWith("$$") || state.sCount[startLine]! - state.blkIndent >= 4) return false;
  let body = first.slice(2);
  let line = startLine;
  let closed = body.trimEnd().endsWith("$$");
  if (closed) body = body.trimEnd().slice(0, -2);
  while (!closed && ++line < endLine) {
    const text = lineText(line);
    if (text.trimEnd().endsWith("$$")) { body += "\n" + text.trimEnd().slice(0, -2); closed = true; }
    else body += "\n" + text;
  }
  if (!closed) return false;
  if (silent) return true;
  const token = state.push("math_block", "math", 0);
  token.block = true;
  token.content = body.trim();
  token.map = [startLine, line + 1];
  state.line = line + 1;
  return true;
}

/** "Softmax regression (MNIST)" → "softmax-regression-mnist". */
export function slugify(text: string): string {
  return text.toLowerCase().replace(/<[^>]*>/g, "").replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "") || "section";
}

export interface Heading { level: number; text: string; id: string }

/** A markdown renderer for one page; `headings` collects the page's headings (with unique ids) as it renders. */
export function createMarkdown(): { md: MarkdownRenderer; headings: Heading[] } {
  const md = new MarkdownIt({ html: true, linkify: false, typographer: false });
  const headings: Heading[] = [];
  const used = new Map<string, number>();
  md.inline.ruler.after("escape", "math_inline", inlineMath);
  md.block.ruler.before("fence", "math_block", blockMath, { alt: ["paragraph", "reference", "blockquote", "list"] });
  md.renderer.rules.math_inline = (tokens, i) => renderMath(tokens[i]!.content, false);
  md.renderer.rules.math_display = (tokens, i) => renderMath(tokens[i]!.content, true);
  md.renderer.rules.math_block = (tokens, i) => `<div class="math-block">${renderMath(tokens[i]!.content, true)}</div>\n`;
  // a table wider than a phone scrolls inside its own box (which takes a tab stop then), not the page
  md.renderer.rules.table_open = (tokens, i, options, _env, self) => `<div class="table-wrap">${self.renderToken(tokens, i, options)}`;
  md.renderer.rules.table_close = (tokens, i, options, _env, self) => `${self.renderToken(tokens, i, options)}</div>\n`;
  md.core.ruler.push("heading_ids", (state) => {
    state.tokens.forEach((tok, i) => {
      if (tok.type !== "heading_open") return;
      const text = state.tokens[i + 1]?.children?.filter((c) => c.type === "text" || c.type === "code_inline")
        .map((c) => c.content).join("") ?? "";
      const base = slugify(text);
      const n = used.get(base) ?? 0;
      used.set(base, n + 1);
      const id = n === 0 ? base : `${base}-${n}`;
      tok.attrSet("id", id);
      headings.push({ level: Number(tok.tag.slice(1)), text, id });
    });
  });
  return { md, headings };
}
