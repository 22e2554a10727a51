// Notebooks are compiled by tslab's own TypeScript (5.0.4, Node10 resolution): the declarations the
// build emits must be readable by it, and "nnkit" must resolve to them. Needs `npm run build`.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
type TS = typeof import("typescript");
const ts = createRequire(import.meta.url)("@tslab/typescript-for-tslab") as TS;

it("tslab's TypeScript parses every emitted .d.ts and type-checks imports of \"nnkit\", \"nnkit/plot\" and \"nnkit/node\" against them", () => {
  execFileSync(process.execPath, [join(root, "scripts", "link-self.mjs")]);
  const dts = (readdirSync(join(root, "dist", "src"), { recursive: true }) as string[])
    .filter((f) => f.endsWith(".d.ts"))
    .map((f) => join(root, "dist", "src", f));
  const probe = join(import.meta.dirname, "fixtures", "probe.ts");
  const source = [
    'import { tensor, type Tensor } from "nnkit";',
    'import { linePlot, type Figure } from "nnkit/plot";',
    'import { loadMnist } from "nnkit/node";',
    "const t: Tensor = tensor([[1, 2], [3, 4]]);",
    "const f: Figure = linePlot([1, 2]);",
    "const load: (o: { split: \"test\"; limit: number }) => { count: number } = loadMnist;",
    "const n: number = t.size;",
    "// @ts-expect-error: the declarations are really read, so a wrong type is an error",
    "const s: string = t.size;",
  ].join("\n");
  const options = {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10, lib: ["lib.es2022.d.ts"], types: ["node"], esModuleInterop: true,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    name === probe ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === probe || fileExists(name);
  const program = ts.createProgram([probe, ...dts], options, host);
  const format = (d: import("typescript").Diagnostic) =>
    `${d.file ? relative(root, d.file.fileName) : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
  // Syntax newer than TypeScript 5.0 in any declaration file would show up here.
  const syntax = dts.flatMap((f) => program.getSyntacticDiagnostics(program.getSourceFile(f)).map(format));
  // tslab reports the diagnostics of a cell and its .ts/.js dependencies (not of .d.ts files), like this.
  const cell = ts.getPreEmitDiagnostics(program, program.getSourceFile(probe)).map(format);
  expect(ts.version).toBe("5.0.4");
  expect(dts.length).toBeGreaterThan(3);
  expect(syntax).toEqual([]);
  expect(cell).toEqual([]);
});
