// Plain TypeScript highlighting for the course site: comments, strings, numbers, keywords as spans.

const TOKEN = new RegExp(
  [
    String.raw`(\/\/[^\n]*|\/\*[\s\S]*?\*\/)`, // 1 comment
    String.raw`("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|` + "`(?:[^`\\\\]|\\\\.)*`)", // 2 string
    String.raw`(\b\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?\b)`, // 3 number
    String.raw`\b(import|from|export|const|let|var|function|return|if|else|for|while|of|in|new|class|extends|` +
      String.raw`async|await|type|interface|as|true|false|null|undefined|this|throw|try|catch|typeof)\b`, // 4 keyword
  ].join("|"),
  "g",
);
const CLASSES = ["", "c", "s", "n", "k"];

/** HTML-escape text (&, <, >, "). */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** TypeScript source → escaped HTML with <span class="c|s|n|k"> around comments, strings, numbers, keywords. */
export function highlightTs(code: string): string {
  let out = "";
  let last = 0;
  for (const m of code.matchAll(TOKEN)) {
    const group = m.slice(1).findIndex((g) => g !== undefined) + 1;
    out += escapeHtml(code.slice(last, m.index)) + `<span class="${CLASSES[group]}">${escapeHtml(m[0])}</span>`;
    last = m.index! + m[0].length;
  }
  return out + escapeHtml(code.slice(last));
}
