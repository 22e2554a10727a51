/** `nnkit summary MODEL [SIZES]`: the per-layer table (output shape, weights, parameters, multiply-adds). */
import { Command } from "commander";
import type { ModelSpec } from "../models/layer-spec.js";
import { formatSummary, summary, type SummaryResult } from "../summary.js";
import { UsageError } from "./errors.js";
import { MODEL_NAMES, specByName } from "./models.js";
import { parseSizes } from "./options.js";

export function registerSummary(program: Command): void {
  program
    .command("summary")
    .description("print a model's layer table: output shape, weight shape, parameters, multiply-adds")
    .argument("<model>", `one of ${MODEL_NAMES.join(", ")}`)
    .argument("[sizes]", "for mlp: layer sizes, e.g. 3,4,2")
    .option("--input <shape>", "input shape without the batch, e.g. 3,224,224 (default: the model's own)")
    .option("--json", "print the table as JSON")
    .action((model: string, sizes: string | undefined, opts: { input?: string; json?: boolean }) => {
      const spec = specByName(model, sizes);
      const input = opts.input !== undefined ? parseSizes(opts.input, "--input", 1) : spec.inputShape;
      const result = summaryFor(spec, input, opts.input !== undefined);
      process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatSummary(result)}\n`);
    });
}

/** summary(spec, input); an input shape the user chose that does not fit the model is a usage error. */
function summaryFor(spec: ModelSpec, input: number[], chosen: boolean): SummaryResult {
  try {
    return summary(spec, input);
  } catch (e) {
    if (!chosen) throw e;
    throw new UsageError(`--input ${input.join(",")} does not fit ${spec.name}: ${(e as Error).message}`);
  }
}
