/**
 * Grading a backward pass on its own: it is called with the cache of the student's own forward
 * pass; if that forward pass fails in any way (throws, hangs, returns no cache or a wrong kind of
 * output, changes its input), with the reference forward's cache instead, and the feedback says so.
 */
import { StudentFailure, isStudentFailure } from "./failure.js";
import { keptOf, type Kept, type StudentFunction } from "./student.js";

/** Which cache a backward pass gets: the student's (Kept in the child) or the reference's, with the feedback's note why. */
export type CacheChoice = { kept: Kept; fallback?: undefined } | { kept?: undefined; fallback: unknown; note: string };

/**
 * Call the student's forward pass `forward` on `args` for its cache, or fall back to `reference`
 * (the reference forward's cache) with a note for the feedback saying why.
 */
export async function forwardCache(forward: StudentFunction, args: readonly unknown[], reference: unknown): Promise<CacheChoice> {
  const fallBack = (why: string): CacheChoice => ({ fallback: reference, note: `${forward.fn} failed, so the reference ${forward.fn}'s cache was used: ${why}` });
  try {
    const r = await forward(...args);
    for (const out of Object.values(r)) {
      if (out.changed.length > 0) return fallBack(`${forward.fn} changed its input ${out.changed.join(", ")}`);
      if (out.value.kind === "number") return fallBack(`${forward.fn} returned a number as ${out.name} (expected ${forward.returns})`);
      if (out.value.kind === "other") return fallBack(`${forward.fn} returned ${out.value.desc} as ${out.name} (expected ${forward.returns})`);
    }
    const kept = keptOf(r);
    if (!kept) return fallBack(`${forward.fn} returned no cache (nothing at ${JSON.stringify(forward.keepPath ?? [])} of its result)`);
    return { kept };
  } catch (e) {
    if (!isStudentFailure(e)) throw e;
    return fallBack(e instanceof StudentFailure && e.reason !== undefined ? e.reason : e.message);
  }
}

/** The argument to pass for a cache choice. */
export function cacheArg(c: CacheChoice): unknown {
  return c.kept ?? c.fallback;
}

/** True when `e` is the student's failure of a kind a second try on the reference cache may clear (a wrong output). */
export function isWrongOutput(e: unknown): boolean {
  return e instanceof StudentFailure && e.kind === "mismatch";
}
