/**
 * check(what, actual, expected, tol?): the assertion notebooks use so that running a notebook is
 * also testing it. Numbers compare within `tol` (default exact); anything else by its JSON form.
 * Throws `<what>: expected …, got …` on a mismatch; prints `✓ <what> = …` otherwise.
 */
export function check(what: string, actual: unknown, expected: unknown, tol = 0): void {
  const ok =
    typeof actual === "number" && typeof expected === "number"
      ? Math.abs(actual - expected) <= tol
      : JSON.stringify(actual) === JSON.stringify(expected);
  if (!ok) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  console.log(`✓ ${what} = ${JSON.stringify(actual)}`);
}
