// An accessibility audit of a page open in Chromium: axe-core (a dev dependency, read from
// node_modules, nothing downloaded) is injected into the page and run with the WCAG 2.0 and 2.1
// level A and AA rules, plus the best-practice rule that landmarks of one kind have distinct names.
// pages-check.ts audits every notebook page and the index after Run all; test/browser audits a
// small page built in the test.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

/** The WCAG levels the course site must meet (axe-core's tags). */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] as const;

/** Best-practice rules checked as well (the "both nav bars have the same name"). */
export const EXTRA_RULES = ["landmark-unique"] as const;

/** One rule broken on a page: its id, impact, help text and the CSS selectors of the offending nodes. */
export interface AxeViolation { id: string; impact: string; help: string; targets: string[] }

let axeSource: string | undefined;

/** Run axe-core in `page` (as it is now); returns the rules it breaks, each with the nodes that break it. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async ({ tags, rules }) => {
    const axe = (window as unknown as { axe: AxeApi }).axe;
    const wcag = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    const extra = await axe.run(document, { runOnly: { type: "rule", values: rules }, resultTypes: ["violations"] });
    return [...wcag.violations, ...extra.violations].map((v) => ({
      id: v.id, impact: v.impact ?? "", help: v.help, targets: v.nodes.map((n) => n.target.join(" ")),
    }));
  }, { tags: [...WCAG_TAGS], rules: [...EXTRA_RULES] });
}

/** The part of axe-core's API the audit uses (its own types are for a page that imports it). */
interface AxeApi {
  run(context: Document, options: object): Promise<{ violations: { id: string; impact?: string | null; help: string; nodes: { target: string[] }[] }[] }>;
}

/** Violations as lines for a report: "rule (impact, N nodes): help — first targets". */
export function formatViolations(violations: readonly AxeViolation[], shown = 3): string[] {
  return violations.map((v) => {
    const more = v.targets.length > shown ? ` … and ${v.targets.length - shown} more` : "";
    return `${v.id} (${v.impact}, ${v.targets.length} node${v.targets.length === 1 ? "" : "s"}): ${v.help} — ${v.targets.slice(0, shown).join(", ")}${more}`;
  });
}
