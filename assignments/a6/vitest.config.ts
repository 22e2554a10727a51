// Runs the public tests of Assignment 6: `npx vitest run --config assignments/a6/vitest.config.ts`
// (what `nnkit check` does).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // vite's cache with the kit's other caches, not next to the handout
  cacheDir: fileURLToPath(new URL("../../node_modules/.vite-a6", import.meta.url)),
  test: {
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["tests/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
