/**
 * The handout's points table, made from the manifest so that the two cannot disagree: the rows
 * between `<!-- points -->` and `<!-- /points -->` in the handout are the files students hand in,
 * their functions and the points of those functions' tests. The release writes the table into the
 * kit's handout; a test keeps the repository's handouts up to date.
 */
import type { Manifest } from "./manifest.js";

const START = "<!-- points -->";
const END = "<!-- /points -->";

/** The function a test id belongs to ("linearBackward.dW" → "linearBackward"). */
function functionOfTest(id: string): string {
  return id.split(".")[0];
}

/** The points table of `manifest` as Markdown: one row per file, then the total. */
export function pointsTable(manifest: Manifest): string {
  const rows = manifest.files.map((file) => {
    const fns = manifest.functions[file] ?? [];
    const points = manifest.tests.filter((t) => fns.includes(functionOfTest(t.id))).reduce((s, t) => s + t.points, 0);
    return `| \`${file}\` | ${fns.map((f) => `\`${f}\``).join(", ")} | ${points} |`;
  });
  const total = manifest.tests.reduce((s, t) => s + t.points, 0);
  return ["| file | functions | points |", "|---|---|---:|", ...rows, `| | total | ${total} |`].join("\n");
}

/** `text` (a handout) with the table between its points markers made from `manifest`; unchanged when it has no markers. */
export function withPointsTable(text: string, manifest: Manifest): string {
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return text;
  return `${text.slice(0, a + START.length)}\n${pointsTable(manifest)}\n${text.slice(b)}`;
}
