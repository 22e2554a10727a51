// Build step for the fast kernels: compiles the AssemblyScript sources in ./assembly (*.as) with the
// `assemblyscript` dev dependency, twice: dist/src/kernels/kernels.wasm (WebAssembly SIMD) and
// kernels-fma.wasm (relaxed SIMD: fused multiply-add). Run by `npm run build:kernels`.
//
// The sources use the extension .as rather than .ts so that the project's TypeScript compiler does
// not try to type-check AssemblyScript; this script maps the compiler's .ts look-ups onto them.
import { mkdirSync, readFileSync, renameSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const here = dirname(fileURLToPath(import.meta.url));
const sources = join(here, "assembly");
const outDir = resolve(here, "../../dist/src/kernels");
mkdirSync(outDir, { recursive: true });

async function build(name, features) {
  const outFile = join(outDir, name);
  const tmpFile = `${outFile}.${process.pid}.tmp`; // written whole, then renamed: readers never see half a file
  const { error, stderr } = await asc.main(
    [
      "index.ts",
      "--baseDir", sources,
      "--outFile", tmpFile,
      "-O3", "--noAssert", "--converge",
      "--runtime", "stub",
      "--enable", features,
      "--importMemory", "--sharedMemory", "--initialMemory", "16", "--maximumMemory", "16384",
    ],
    {
      readFile(file, baseDir) {
        const path = join(baseDir, file.replace(/\.ts$/, ".as"));
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
    console.error(`build-wasm: AssemblyScript compilation of ${name} failed: ${error.message}`);
    process.exit(1);
  }
  renameSync(tmpFile, outFile);
  console.log(`build-wasm: wrote ${outFile}`);
}

await build("kernels.wasm", "simd,threads");
await build("kernels-fma.wasm", "simd,threads,relaxed-simd");
