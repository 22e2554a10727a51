import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // the assignments' case builders import the grading API as the graded tests do
  resolve: { alias: { "nnkit/grading": fileURLToPath(new URL("./autograder/testing/index.ts", import.meta.url)) } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
