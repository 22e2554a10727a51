import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = `${root}dist/src/cli.js`;

function nnkit(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("nnkit CLI (built)", () => {
  beforeAll(() => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build (npm test does it first)`);
  });

  it("prints the lecture's LeNet-5 table with the slide's total", () => {
    const r = nnkit("summary", "lenet5");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Conv2d 1→20 5×5 pad 2\s+20×28×28\s+20×1×5×5 \+ 20\s+520\s+392,000/);
    expect(r.stdout).toMatch(/Total\s+1,256,080/);
  });

  it("counts the 3-4-2 net: 26 parameters, 20 weights, 6 neurons", () => {
    const r = nnkit("summary", "mlp", "3,4,2", "--json");
    expect(r.code).toBe(0);
    const table = JSON.parse(r.stdout) as { totalParams: number; weights: number; neurons: number };
    expect([table.totalParams, table.weights, table.neurons]).toEqual([26, 20, 6]);
  });

  it("summarizes VGG-16 without allocating it", () => {
    const r = nnkit("summary", "vgg16");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Total\s+138,357,544/);
  });

  it("answers bad input with one line and exit code 2, and --help with 0", () => {
    const bad = nnkit("summary", "resnet");
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('nnkit: unknown model "resnet"; choose one of lenet5, alexnet, vgg16, mlp');
    const sizes = nnkit("summary", "mlp", "3,0,2");
    expect(sizes.code).toBe(2);
    expect(sizes.stderr).toMatch(/positive integers/);
    const epochs = nnkit("train", "mlp", "--epochs", "-1");
    expect(epochs.code).toBe(2);
    expect(epochs.stderr).toMatch(/--epochs must be a whole number ≥ 1, got "-1"/);
    const help = nnkit("train", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--optimizer <name>/);
  });

  it("refuses malformed sizes, shapes that do not fit, sizes for fixed models and untrainable models before any work", () => {
    const cases: [string[], RegExp][] = [
      [["summary", "mlp", "3,x,2"], /^nnkit: layer sizes must be at least 2 positive integers separated by commas, like 3,4,2 \(got "3,x,2"\)\n$/],
      [["summary", "lenet5", "--input", "3,x"], /^nnkit: --input must be one or more positive integers/],
      [["summary", "lenet5", "--input", "1,2,2"], /^nnkit: --input 1,2,2 does not fit LeNet-5: layer 6 of 10: MaxPool2d/],
      [["summary", "lenet5", "3,4"], /^nnkit: layer sizes \("3,4"\) are only for mlp/],
      [["demo", "--model", "vgg16"], /^nnkit: cannot train "vgg16" on MNIST; choose mlp or lenet5\n$/],
      [["train", "lenet5", "--hidden", "64"], /^nnkit: --hidden is only for mlp/],
      [["train", "mlp", "--hidden", "64,,32"], /^nnkit: --hidden must be one or more positive integers/],
    ];
    for (const [args, message] of cases) {
      const r = nnkit(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stdout, args.join(" ")).toBe("");
    }
    expect(nnkit("summary", "vgg16", "--input", "3x224x224").code).toBe(0);
    expect(nnkit("--help").stdout).toContain("Exit codes: 0 ok, 1 the work ran but found failures, 2 bad usage or input, 3 the tool or its machine is at fault");
  });

  it("run and site refuse folders and files that are not notebooks with exit code 2, before any kernel starts", () => {
    const dir = mkdtempSync(join(tmpdir(), "nnkit-cli-"));
    try {
      writeFileSync(join(dir, "notes.txt"), "hello\nworld\n");
      mkdirSync(join(dir, "empty"));
      writeFileSync(join(dir, "old.ipynb"), JSON.stringify({ cells: [] }));
      const cases: [string[], string][] = [
        [["run", dir], `nnkit: run: ${dir} is a folder; give the notebooks in it, e.g. ${dir}/*.ipynb\n`],
        [["run", join(dir, "notes.txt")], `nnkit: run: ${join(dir, "notes.txt")}: not valid JSON`],
        [["run", join(dir, "old.ipynb")], `nnkit: run: ${join(dir, "old.ipynb")}: not an nbformat 4 notebook`],
        [["site", "--notebooks", join(dir, "empty"), "--out", join(dir, "site")], `nnkit: site: no .ipynb files in ${join(dir, "empty")}\n`],
        [["site", "--notebooks", join(dir, "notes.txt"), "--out", join(dir, "site")], `nnkit: site: --notebooks ${join(dir, "notes.txt")} is a file`],
      ];
      for (const [args, message] of cases) {
        const r = nnkit(...args);
        expect(r.code, args.join(" ")).toBe(2);
        expect(r.stderr.startsWith(message), r.stderr).toBe(true);
        expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
        expect(r.stdout).not.toContain("starting kernel");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stops quietly (exit 0, no stack trace) when the reader of its output goes away, as in `nnkit summary vgg16 | head -1`", async () => {
    const child = spawn(process.execPath, [cli, "summary", "vgg16"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });

  it("trains an MLP on a slice of MNIST and reports a test accuracy well above chance (10%)", () => {
    const r = nnkit("train", "mlp", "--limit", "2000", "--epochs", "1", "--hidden", "32");
    expect(r.code).toBe(0);
    const m = /test accuracy ([\d.]+)% on 10,000 test images/.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(50);
    expect(r.stderr).toMatch(/epoch 1: mean loss/);
  });
});
