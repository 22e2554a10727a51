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

/**
 * exercise(what, answer, expected, tol?): an exercise at the end of a notebook, checked in the
 * notebook or page once the reader answers. While `answer` is undefined it prints
 * `○ <what>: not answered yet …` and fails nothing (Run all goes on); an answer is then check()ed.
 */
export function exercise(what: string, answer: unknown, expected: unknown, tol = 0): void {
  if (answer === undefined) {
    console.log(`○ ${what}: not answered yet (replace undefined with your answer and run the cell)`);
    return;
  }
  check(what, answer, expected, tol);
}
