/**
 * Model names the CLI understands: `lenet5`, `alexnet`, `vgg16`, and `mlp` with layer sizes
 * ("784,256,10"). One parser shared by `summary`, `train` and the demo.
 */
import { alexnet, lenet5, mlp, vgg16 } from "../models/specs.js";
import { ModelSpec } from "../models/layer-spec.js";
import { UsageError } from "./errors.js";

export const MODEL_NAMES = ["lenet5", "alexnet", "vgg16", "mlp"] as const;

/**
 * Parse "3,4,2" (also "3x224x224" or "3 4 2") into [3, 4, 2]: each entry a positive integer, at least
 * `min` entries (2 for layer sizes); anything else is a UsageError naming `what` and showing `example`.
 */
export function parseSizes(text: string, what = "layer sizes", min = 2, example = min === 1 ? "3,224,224" : "3,4,2"): number[] {
  const parts = text.trim().split(/\s*[,x×]\s*|\s+/);
  const sizes = parts.map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  if (sizes.length < min || sizes.some((n) => !Number.isInteger(n) || n <= 0)) {
    const count = min === 1 ? "one or more positive integers" : `at least ${min} positive integers`;
    throw new UsageError(`${what} must be ${count} separated by commas, like ${example} (got "${text}")`);
  }
  return sizes;
}

/** The spec for a model name; `sizes` is used by `mlp` (default for MNIST: 784,256,10). */
export function specByName(name: string, sizes?: string): ModelSpec {
  if (sizes !== undefined && name.toLowerCase() !== "mlp") {
    throw new UsageError(`layer sizes ("${sizes}") are only for mlp; ${name} has the lecture's fixed layout`);
  }
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
      return mlp(parseSizes(sizes ?? "784,256,10"));
    default:
      throw new UsageError(`unknown model "${name}"; choose one of ${MODEL_NAMES.join(", ")}`);
  }
}
