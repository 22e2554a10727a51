/**
 * Compiling student files in esbuild's service: a file that crashes the service (nesting deep
 * enough to overflow its stack) is the compiler's fault, and every other file, compiled at the same
 * time or after it, compiles as usual in a restarted service.
 */
import { describe, expect, it } from "vitest";
import { compileTsAsync } from "../../autograder/sandbox/compile.js";
import { serviceCrasher } from "./helpers.js";

const good = (k: number): string => `export function f${k}(x: number): number { return x + ${k}; }\n`;

describe("compiling in esbuild's service", () => {
  it("a file that crashes the service is a compiler fault; the files compiled with it and after it are not", async () => {
    const results = await Promise.all([
      compileTsAsync(good(1), "src/a.ts"),
      compileTsAsync(serviceCrasher(), "src/layers/linear.ts"),
      compileTsAsync(good(2), "src/b.ts"),
      compileTsAsync("export const = ;", "src/c.ts"),
    ]);
    expect(results[0]).toMatchObject({ ok: true, code: expect.stringContaining("return x + 1") });
    expect(results[1]).toEqual({
      ok: false,
      fault: true,
      error: "the TypeScript compiler (esbuild) failed on src/layers/linear.ts, twice, the second time alone in a fresh service: The service was stopped",
    });
    expect(results[2]).toMatchObject({ ok: true, code: expect.stringContaining("return x + 2") });
    expect(results[3]).toEqual({ ok: false, error: 'src/c.ts:1:14: Expected identifier but found "="' });
    // The service runs again for everyone after it.
    expect(await compileTsAsync(good(3), "src/d.ts")).toMatchObject({ ok: true, code: expect.stringContaining("return x + 3") });
  }, 60_000);
});
