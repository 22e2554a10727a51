/**
 * Parsing the values of command-line options, for every `nnkit` command (library, notebook and
 * assignment commands alike): commander argument parsers that turn a bad value into a UsageError
 * (exit code 2) naming the option and what it takes.
 */
import { UsageError } from "./errors.js";

/** A parser for a whole number ≥ 1 (`what` is the option, e.g. "--epochs"). */
export function positiveInt(what: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${what} must be a whole number ≥ 1, got "${v}"`);
    return n;
  };
}

/** A parser for a finite number > 0; `unit` names what it counts (e.g. "seconds"). */
export function positiveNumber(what: string, unit?: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`${what} must be a positive number${unit ? ` of ${unit}` : ""}, got "${v}"`);
    return n;
  };
}

/** A parser for any whole number (e.g. a seed). */
export function integer(what: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new UsageError(`${what} must be an integer, got "${v}"`);
    return n;
  };
}

/**
 * Parse "3,4,2" (also "3x224x224" or "3 4 2") into [3, 4, 2]: each entry a positive integer, at least
 * `min` entries (2 for layer sizes); anything else is a UsageError naming `what` and showing `example`.
 */
export function parseSizes(text: string, what = "layer sizes", min = 2, example = min === 1 ? "3,224,224" : "3,4,2"): number[] {
  const parts = text.trim().split(/\s*[,x×]\s*|\s+/);
  const sizes = parts.map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  if (sizes.length < min || sizes.some((n) => !Number.isInteger(n) || n <= 0)) {
    const count = min === 1 ? "one or more positive integers" : `at least ${min} positive integers`;
    throw new UsageError(`${what} must be ${count} separated by commas, like ${example} (got "${text}")`);
  }
  return sizes;
}
