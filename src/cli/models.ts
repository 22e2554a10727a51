/**
 * Model names the CLI understands: `lenet5`, `alexnet`, `vgg16`, and `mlp` with layer sizes
 * ("784,128,10"). One parser shared by `summary`, `train` and the demo.
 */
import { alexnet, lenet5, mlp, vgg16 } from "../models/specs.js";
import { ModelSpec } from "../models/layer-spec.js";
import { UsageError } from "./errors.js";

export const MODEL_NAMES = ["lenet5", "alexnet", "vgg16", "mlp"] as const;

/** Parse "3,4,2" into [3, 4, 2]; each entry a positive integer, at least two entries. */
export function parseSizes(text: string): number[] {
  const sizes = text.split(/[,x ]+/).filter((s) => s !== "").map((s) => Number(s));
  if (sizes.length < 2 || sizes.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new UsageError(`layer sizes must be at least two positive integers separated by commas, like 3,4,2 (got "${text}")`);
  }
  return sizes;
}

/** The spec for a model name; `sizes` is used by `mlp` (default for MNIST: 784,128,10). */
export function specByName(name: string, sizes?: string): ModelSpec {
  switch (name.toLowerCase()) {
    case "lenet5":
    case "lenet-5":
    case "lenet":
      return lenet5();
    case "alexnet":
      return alexnet();
    case "vgg16":
    case "vgg-16":
      return vgg16();
    case "mlp":
      return mlp(parseSizes(sizes ?? "784,128,10"));
    default:
      throw new UsageError(`unknown model "${name}"; choose one of ${MODEL_NAMES.join(", ")}`);
  }
}
