/** `nnkit summary MODEL [SIZES]`: the per-layer table (output shape, weights, parameters, multiply-adds). */
import { Command } from "commander";
import { formatSummary, summary } from "../summary.js";
import { MODEL_NAMES, parseSizes, specByName } from "./models.js";

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
      const input = opts.input !== undefined ? parseSizesOrOne(opts.input) : spec.inputShape;
      const result = summary(spec, input);
      process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatSummary(result)}\n`);
    });
}

function parseSizesOrOne(text: string): number[] {
  return /^\d+$/.test(text.trim()) ? [Number(text)] : parseSizes(text);
}
