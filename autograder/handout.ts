/**
 * What the handout says that the manifest decides, made from the manifest so that the two cannot
 * disagree: the points table (the rows between `<!-- points -->` and `<!-- /points -->`: the files
 * students hand in, their functions and the points of those functions' tests) and inline values
 * between `<!-- tolerance -->…<!-- /tolerance -->` (the relative-error threshold, e.g. 1e-7) and
 * `<!-- call-seconds -->…<!-- /call-seconds -->` (the time limit per call). The release writes
 * them into the kit's handout; a test keeps the repository's handouts up to date.
 */
import { functionOf, type Manifest } from "./manifest.js";

const START = "<!-- points -->";
const END = "<!-- /points -->";

/** The points table of `manifest` as Markdown: one row per file, then the total. */
export function pointsTable(manifest: Manifest): string {
  const rows = manifest.files.map((file) => {
    const fns = manifest.functions[file] ?? [];
    const points = manifest.tests.filter((t) => fns.includes(functionOf(t.id))).reduce((s, t) => s + t.points, 0);
    return `| \`${file}\` | ${fns.map((f) => `\`${f}\``).join(", ")} | ${points} |`;
  });
  const total = manifest.tests.reduce((s, t) => s + t.points, 0);
  return ["| file | functions | points |", "|---|---|---:|", ...rows, `| | total | ${total} |`].join("\n");
}

/** The manifest's tolerance as the handout writes it: 1e-7, 5e-6. */
export function toleranceText(tolerance: number): string {
  return tolerance.toExponential().replace(/\.?0*e\+?/, "e");
}

/** The inline values of `manifest`, by marker name. */
function inlineValues(manifest: Manifest): Record<string, string> {
  return { tolerance: toleranceText(manifest.tolerance), "call-seconds": String(manifest.limits.callTimeoutSeconds) };
}

/**
 * `text` (a handout) with the table between its points markers and every inline value between its
 * markers made from `manifest`; parts without markers unchanged.
 */
export function withPointsTable(text: string, manifest: Manifest): string {
  for (const [name, value] of Object.entries(inlineValues(manifest))) {
    text = text.replace(new RegExp(`<!-- ${name} -->[^<]*<!-- /${name} -->`, "g"), `<!-- ${name} -->${value}<!-- /${name} -->`);
  }
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return text;
  return `${text.slice(0, a + START.length)}\n${pointsTable(manifest)}\n${text.slice(b)}`;
}
