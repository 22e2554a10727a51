/**
 * A Sequential model's training step as two kernel programs (src/engine/engine.ts): the forward
 * pass and the backward pass of a whole batch, each posted to the engine's threads at once, over
 * activations and gradients that stay in kernel memory from one layer to the next. The calls are
 * the layers' own fast paths (../<op>/fast.ts); what the program adds is the order:
 *
 * - the layers that work image by image (convolution, max-pooling, a ReLU after them) run as one
 *   chain per image, so the threads share out the images of a batch once per pass rather than
 *   once per layer (backward: once per convolution, whose weight gradients are summed per group
 *   of images beside the per-image chains); the fully connected layers run as GEMMs split over
 *   the threads;
 * - a ReLU works in place (its backward needs only where its output is positive), and a ReLU just
 *   before a max-pooling runs after it, on a quarter of the values: max(0, ·) commutes with a
 *   window's maximum, and the gradient reaches the same input either way;
 * - the first layer computes no gradient for the input (nobody reads it), and the parameter
 *   gradients are written rather than zeroed and added to.
 *
 * Layers: Conv2d, ReLU, MaxPool2d, Flatten and Linear (./contract.ts: ProgramLayer), float32, with
 * parameters and gradients in kernel memory; for any other model the training loop runs the layers
 * one by one. Here: compiling; ./stages.ts lays the layers out in kernel memory, ./program.ts
 * builds and runs the passes.
 */
import { kernelEngine } from "../../engine/index.js";
import type { CompileTraining } from "./contract.js";
import { SequentialProgram } from "./program.js";
import { layOut } from "./stages.js";

/** See CompileTraining (./contract.ts). */
export const compileTraining: CompileTraining = (layers, exampleShape, batchSize) => {
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) return null;
  const e = kernelEngine();
  const mark = e.mark();
  try {
    const layout = layOut(e, layers, exampleShape, batchSize);
    if (layout === null) {
      e.release(mark);
      return null;
    }
    return new SequentialProgram(e, mark, layout.stages, layout.input, layout.output, batchSize, layout.threadStride, layout.work);
  } catch (err) {
    e.release(mark);
    throw err;
  }
};
