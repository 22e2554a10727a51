/**
 * A Sequential's layers as a training program takes them (src/ops/sequential/contract.ts), and
 * the program itself: a model whose layers all have a place in one runs each training step as two
 * kernel programs; any other runs its layers one by one.
 */
import { compileTraining, float32Ops } from "../ops/float32.js";
import type { ProgramLayer, TrainingProgram } from "../ops/sequential/contract.js";
import type { Layer, Param } from "./modules.js";

/**
 * `layer` as a program layer, or null when it has no place in a program: not float32, another table
 * of layer functions than the kit's float32 one, a kind the programs do not run, or a rounded-down
 * convolution.
 */
function programLayer(layer: Layer): ProgramLayer | null {
  if (layer.dtype !== "float32" || layer.ops !== float32Ops) return null;
  const spec = layer.spec;
  const params = layer.params();
  const pair = (): [Param, Param] | null => (params.length === 2 ? [params[0], params[1]] : null);
  switch (spec.kind) {
    case "conv2d": {
      const wb = spec.roundDown ? null : pair();
      return wb && { kind: "conv2d", stride: spec.stride, pad: spec.pad, w: wb[0], b: wb[1] };
    }
    case "linear": {
      const wb = pair();
      return wb && { kind: "linear", W: wb[0], b: wb[1] };
    }
    case "maxpool2d":
      return { kind: "maxpool2d", size: spec.size, stride: spec.stride };
    case "relu":
    case "flatten":
      return { kind: spec.kind };
    default:
      return null;
  }
}

/**
 * The training program of `layers` (a Sequential's) on examples of shape `exampleShape` (no batch
 * dimension), for batches of up to `batchSize`; null when a layer has no place in one, or in the
 * kit without fast paths.
 */
export function compileModel(layers: readonly Layer[], exampleShape: readonly number[], batchSize: number): TrainingProgram | null {
  if (!compileTraining) return null;
  const program: ProgramLayer[] = [];
  for (const layer of layers) {
    const p = programLayer(layer);
    if (p === null) return null;
    program.push(p);
  }
  return compileTraining(program, exampleShape, batchSize);
}
