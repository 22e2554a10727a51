// Build step for the fast kernels: compiles the AssemblyScript sources — the engine's own
// (./assembly/*.as) and every op's primitives (../ops/<op>/kernels.as, whichever the tree holds) —
// with the `assemblyscript` dev dependency, twice: dist/src/engine/kernels.wasm (WebAssembly SIMD)
// and kernels-fma.wasm (relaxed SIMD: fused multiply-add). Run by `npm run build:kernels`.
//
// The sources use the extension .as rather than .ts so that the project's TypeScript compiler does
// not try to type-check AssemblyScript; this script maps the compiler's .ts look-ups onto them.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const here = dirname(fileURLToPath(import.meta.url));
const src = resolve(here, "..");
const outDir = resolve(here, "../../dist/src/engine");
mkdirSync(outDir, { recursive: true });

const ENTRY = "engine/assembly/index.ts";
const opKernels = readdirSync(join(src, "ops"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(src, "ops", d.name, "kernels.as")))
  .map((d) => d.name)
  .sort();
const entrySource =
  readFileSync(join(here, "assembly", "index.as"), "utf8") +
  opKernels.map((op) => `export * from "../../ops/${op}/kernels";\n`).join("");

async function build(name, features) {
  const outFile = join(outDir, name);
  const tmpFile = `${outFile}.${process.pid}.tmp`; // written whole, then renamed: readers never see half a file
  const { error, stderr } = await asc.main(
    [
      ENTRY,
      "--baseDir", src,
      "--outFile", tmpFile,
      "-O3", "--noAssert", "--converge",
      "--runtime", "stub",
      "--enable", features,
      "--importMemory", "--sharedMemory", "--initialMemory", "16", "--maximumMemory", "16384",
    ],
    {
      readFile(file, baseDir) {
        if (file === ENTRY) return entrySource;
        const path = resolve(baseDir, file.replace(/\.ts$/, ".as"));
        if (!path.startsWith(src)) return null;
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
  console.log(`build-wasm: wrote ${outFile} (engine + ${opKernels.join(", ")})`);
}

await build("kernels.wasm", "simd,threads");
await build("kernels-fma.wasm", "simd,threads,relaxed-simd");
