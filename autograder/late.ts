/**
 * The late policy of an assignment (manifest `late`): a late submission loses `percentPerDay` of
 * its score for each day late, a day started counting as a day, at most `maxPercent`. How late it
 * is comes from the platform: Gradescope's timestamps give the days; Canvas's and Moodle's downloads
 * only say "late", which counts as one day.
 */
import type { LatePolicy } from "./manifest.js";

/** What a late policy took from a score. */
export interface LatePenalty {
  /** Days late as counted (1 when only a late flag is known). */
  days: number;
  percent: number;
  /** Points taken off the score. */
  points: number;
}

/** The penalty of a score of `score` points submitted `days` days late (undefined: not late, or no policy). */
export function latePenalty(policy: LatePolicy | undefined, late: boolean, score: number, daysLate?: number): LatePenalty | undefined {
  if (!policy || !late) return undefined;
  const days = Math.max(1, Math.ceil(daysLate ?? 1));
  const percent = Math.min(policy.maxPercent, policy.percentPerDay * days);
  const points = Math.round(score * percent) / 100;
  return { days, percent, points };
}

/** The feedback's line about a penalty. */
export function penaltyNote(p: LatePenalty, known: boolean): string {
  const when = known ? `${p.days} day${p.days === 1 ? "" : "s"} late` : "marked late by the course platform (counted as 1 day)";
  return `Late policy: ${when}, −${p.percent}% of the score (−${p.points} points).`;
}
