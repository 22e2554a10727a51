/**
 * Running compiled cells one after another in one scope, as a kernel runs a notebook: the names a
 * cell declares are properties of the scope (the page worker's global object), so later cells,
 * and functions of earlier cells, see them. An error comes back with the cell line it came from.
 */
import { CellSyntaxError, compileCell } from "./transpile.js";

/** What a cell's code may import, by module name ("nnkit", "nnkit/plot", …). */
export type ImportModule = (id: string) => Promise<unknown>;

/** A failed cell: what went wrong and, when known, the line of the cell it happened on (1-based). */
export class CellError extends Error {
  constructor(message: string, readonly line: number | undefined, readonly errorName: string, readonly stackText: string) {
    super(message);
    this.name = "CellError";
  }
}

export interface CellRunnerOptions {
  /**
   * Evaluates JavaScript source as a script in the scope's realm (indirect eval in a worker), with
   * `name` as its file name in stack traces (the source ends with a sourceURL comment naming it).
   */
  evaluate(code: string, name: string): unknown;
  /** The scope: the global object of that realm. */
  scope: Record<string, unknown>;
  /** Resolves a cell's imports. */
  importModule: ImportModule;
  /** What `process` means inside a cell (the page has no process: { env: {} }). */
  process: object;
}

type CellFunction = (scope: object, importModule: ImportModule, process: object) => Promise<unknown>;

export class CellRunner {
  constructor(private readonly options: CellRunnerOptions) {}

  /**
   * Compile and run `source` as the cell named `name` (its stack frames read `name:line:column`);
   * resolves to the value of its last expression; rejects with a CellError.
   */
  async run(source: string, name: string): Promise<unknown> {
    let fn: CellFunction;
    try {
      const { body, names } = compileCell(source);
      fn = this.options.evaluate(`(async function (__scope, __import, process) {${body}\n})\n//# sourceURL=${name}`, name) as CellFunction;
      declare(this.options.scope, names);
    } catch (e) {
      if (e instanceof CellSyntaxError) throw new CellError(e.message, e.line, "SyntaxError", "");
      throw asCellError(e, name);
    }
    try {
      return await fn(this.options.scope, this.options.importModule, this.options.process);
    } catch (e) {
      throw asCellError(e, name);
    }
  }
}

/** Make each name an own, writable property of `scope` (keeping the value an earlier cell gave it). */
function declare(scope: Record<string, unknown>, names: readonly string[]): void {
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(scope, name)) {
      const d = Object.getOwnPropertyDescriptor(scope, name)!;
      if (d.writable || d.set) continue;
    }
    Object.defineProperty(scope, name, { value: undefined, writable: true, configurable: true, enumerable: true });
  }
}

/** Anything thrown → a CellError with the first line of cell `name` in its stack. */
export function asCellError(e: unknown, name: string): CellError {
  // an Error of the cells' realm is not `instanceof Error` here: read its fields
  const err = typeof e === "object" && e !== null && "message" in e ? (e as { message: unknown; name?: unknown; stack?: unknown }) : undefined;
  const message = err ? String(err.message) : String(e);
  const stack = typeof err?.stack === "string" ? err.stack : "";
  return new CellError(message, lineInStack(stack, name), typeof err?.name === "string" ? err.name : "Error", stack);
}

/** The line of the first stack frame in `name` (a frame reads `name:line:column`), or undefined. */
export function lineInStack(stack: string, name: string): number | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`${escaped}:(\\d+):\\d+`).exec(stack);
  return m ? Number(m[1]) : undefined;
}
