// Build step for the fast kernels: compiles the AssemblyScript sources in ./assembly (*.as) to
// dist/src/kernels/kernels.wasm with the `assemblyscript` dev dependency. Run by `npm run build:kernels`.
//
// The sources use the extension .as rather than .ts so that the project's TypeScript compiler does
// not try to type-check AssemblyScript; this script maps the compiler's .ts look-ups onto them.
import { mkdirSync, readFileSync, renameSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const here = dirname(fileURLToPath(import.meta.url));
const sources = join(here, "assembly");
const outFile = resolve(here, "../../dist/src/kernels/kernels.wasm");
const tmpFile = `${outFile}.${process.pid}.tmp`; // written whole, then renamed: readers never see half a file
mkdirSync(dirname(outFile), { recursive: true });

const { error, stderr } = await asc.main(
  [
    "index.ts",
    "--baseDir", sources,
    "--outFile", tmpFile,
    "-O3", "--noAssert", "--converge",
    "--runtime", "stub",
    "--enable", "simd,threads",
    "--importMemory", "--sharedMemory", "--initialMemory", "16", "--maximumMemory", "32768",
  ],
  {
    readFile(name, baseDir) {
      const path = join(baseDir, name.replace(/\.ts$/, ".as"));
      if (!path.startsWith(sources)) return null;
      try {
        return readFileSync(path, "utf8");
      } catch {
        return null;
      }
    },
  },
);
if (error) {
  console.error(stderr.toString());
  console.error(`build-wasm: AssemblyScript compilation failed: ${error.message}`);
  process.exit(1);
}
renameSync(tmpFile, outFile);
console.log(`build-wasm: wrote ${outFile}`);
