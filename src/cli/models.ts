/**
 * Model names the CLI understands: `lenet5`, `alexnet`, `vgg16`, and `mlp` with layer sizes
 * ("784,256,10"). One lookup shared by `summary`, `train` and the demo.
 */
import { alexnet, lenet5, mlp, vgg16 } from "../models/specs.js";
import { ModelSpec } from "../models/layer-spec.js";
import { UsageError } from "./errors.js";
import { parseSizes } from "./options.js";

export const MODEL_NAMES = ["lenet5", "alexnet", "vgg16", "mlp"] as const;

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
