#!/usr/bin/env node
// Make `import … from "nnkit"` resolve inside this checkout (notebooks, tslab's compiler):
// node_modules/nnkit -> the project root, whose package.json points at dist/src/index.{js,d.ts}.
// Idempotent; leaves a correct link or a real installed copy alone.
import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { name } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const link = join(root, "node_modules", name);

let stat = null;
try {
  stat = lstatSync(link);
} catch {
  // missing
}
if (stat && existsSync(link) && realpathSync(link) === realpathSync(root)) {
  process.exit(0);
}
if (stat?.isSymbolicLink()) rmSync(link); // dangling or pointing elsewhere
else if (stat) {
  console.log(`link-self: node_modules/${name} is a real folder; left as it is`);
  process.exit(0);
}
mkdirSync(dirname(link), { recursive: true });
symlinkSync("..", link, "dir");
console.log(`link-self: node_modules/${name} -> ${root}`);
