/**
 * Values a public test computes with the reference solution: `await recorded("linear cases",
 * () => makeCases())`. In the instructor's kit the value is computed; when the release is built it
 * is computed and stored (tests/recorded.json); in the student kit, which has no reference, it is
 * read from that file. `make` should import the reference only inside itself (a dynamic import),
 * so that the student kit never loads it.
 */
import { readFileSync } from "node:fs";
import { decodeValue, encodeValue, readRecordedFile, type Json } from "../casefile.js";
import { ask, gradingContext } from "./channel.js";

let loaded: { file: string; values: Map<string, Json> } | undefined;

function stored(file: string): Map<string, Json> {
  if (loaded?.file !== file) loaded = { file, values: readRecordedFile(readFileSync(file, "utf8"), "the public tests' recorded values") };
  return loaded.values;
}

/** The value recorded under `key` (unique in the assignment), computed by `make` where the reference is at hand. */
export async function recorded<T>(key: string, make: () => T | Promise<T>): Promise<T> {
  const ctx = gradingContext();
  if (ctx.record === "replay") {
    const v = stored(ctx.recordedFile ?? "").get(key);
    if (v === undefined) throw new Error(`the public tests' recorded values hold no "${key}": download the kit again`);
    return decodeValue(v) as T;
  }
  const value = await make();
  if (ctx.record === "record") {
    const reply = await ask({ op: "record", key, value: encodeValue(value, key) });
    if (!reply.ok) throw new Error(`recording "${key}" failed: ${reply.message}`);
  }
  return value;
}
