/**
 * What a function of the assignment throws until the student writes it. It prints as one line —
 * "NotImplementedError: linearBackward is not implemented yet — see <handout>, section “…”" — in
 * a notebook cell, in the console and in the grader's feedback: no stack trace to read past.
 */
export class NotImplementedError extends Error {
  /**
   * `fn`: the function's name; `where`: where the handout explains it (a path and a section).
   */
  constructor(fn: string, where: string) {
    super(`${fn} is not implemented yet — see ${where}`);
    Object.defineProperty(this, "stack", { value: `NotImplementedError: ${this.message}`, writable: true, configurable: true });
  }

  /** How Node's console and util.inspect (and so tslab) show it: the one line. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `NotImplementedError: ${this.message}`;
  }
}
NotImplementedError.prototype.name = "NotImplementedError";
