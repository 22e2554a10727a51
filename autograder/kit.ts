/**
 * The student kit's kernel selection, as configuration: in the student kit, float32 models run the
 * reference ops — the student's own layer code — so src/ops/float32.ts (the kit's one switch) is
 * shipped with the text of src/ops/float32.student.ts, and the fast paths, which the kit then never
 * runs, are not shipped at all: each op folder gives only its contract. The release (release.ts)
 * and the grading sandbox (sandbox/build.ts) both take the kit's src/ through studentKitText, so a
 * student's code can import in the sandbox exactly what the student kit holds.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Kit file → the file whose text the student kit holds under that name. */
export const STUDENT_KIT_SWAPS: Readonly<Record<string, string>> = {
  "src/ops/float32.ts": "src/ops/float32.student.ts",
};

/** src/ files the student kit leaves out: the fast table and its dispatch, the student twin (shipped renamed), and every op file but its contract; the AssemblyScript engine sources and their build script. */
export const NOT_IN_STUDENT_KIT: readonly RegExp[] = [
  /^src\/ops\/(fast|dispatch|float32\.student)\.ts$/,
  /^src\/ops\/[^/]+\/(?!contract\.ts$)[^/]+$/,
  /^src\/engine\/assembly\//,
  /^src\/engine\/build-wasm\.mjs$/,
];

/** True when the student kit ships kit file `rel` (a path relative to the kit root, with "/"). */
export function inStudentKit(rel: string): boolean {
  return !NOT_IN_STUDENT_KIT.some((re) => re.test(rel));
}

/** The text of kit file `rel` as the student kit holds it (before solution regions are stripped). */
export function studentKitText(root: string, rel: string): string {
  return readFileSync(join(root, STUDENT_KIT_SWAPS[rel] ?? rel), "utf8");
}
