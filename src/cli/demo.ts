/**
 * `nnkit demo` (what `npm start` runs): the lecture's LeNet-5 table, then a model trained on MNIST
 * with a live progress line and its test accuracy.
 */
import { Command } from "commander";
import { lenet5 } from "../models/specs.js";
import { formatSummary, summary } from "../summary.js";
import { addTrainOptions, checkTrainable, trainOnMnist, TrainCommandOptions } from "./train.js";

export function registerDemo(program: Command): void {
  const cmd = program
    .command("demo")
    .description("print the LeNet-5 table from the lecture, then train a model on MNIST with progress (what `npm start` runs)")
    .option("--model <name>", "model to train: lenet5 or mlp", "lenet5")
    .option("--hidden <sizes>", "for mlp: hidden layer sizes (default 256)");
  addTrainOptions(cmd, "1").action((opts: TrainCommandOptions & { model: string }) => {
    checkTrainable(opts.model, opts.hidden);
    process.stdout.write(`${formatSummary(summary(lenet5()))}\n\n`);
    trainOnMnist(opts.model, { ...opts, epochs: opts.epochs ?? 1 });
  });
}
