/**
 * The lecture's 2-layer net, differentiated by hand: one input, one hidden ReLU unit, one output,
 * trained with the squared error,
 *
 *   z = w1·x + b1,  h = max(0, z),  y = w2·h + b2,  L = (y − t)²
 *
 * and its backward pass, one local derivative per step from the loss back to the weights:
 *
 *   ∂L/∂y = 2(y − t);  ∂L/∂b2 = ∂L/∂y;  ∂L/∂w2 = ∂L/∂y·h;  ∂L/∂h = ∂L/∂y·w2;
 *   ∂L/∂z = ∂L/∂h·1[z > 0];  ∂L/∂b1 = ∂L/∂z;  ∂L/∂w1 = ∂L/∂z·x
 *
 * At w1 = 3, b1 = 1, w2 = 2, b2 = −5, x = t = 1 the gradient is (8, 8, 16, 4) (notebook 05).
 */
import { Tensor } from "../tensor.js";

/**
 * The gradient of L = (w2·max(0, w1·x + b1) + b2 − t)² by hand, the ReLU's gate closed at z ≤ 0.
 * Inputs: six numbers. Returns a float64 Tensor [4]: (∂L/∂w1, ∂L/∂b1, ∂L/∂w2, ∂L/∂b2).
 */
export function twoLayerGradient(w1: number, b1: number, w2: number, b2: number, x: number, t: number): Tensor {
  // BEGIN SOLUTION
  const z = w1 * x + b1;
  const h = Math.max(0, z);
  const y = w2 * h + b2;
  const dy = 2 * (y - t);
  const dz = z > 0 ? dy * w2 : 0;
  return new Tensor(Float64Array.of(dz * x, dz, dy * h, dy), [4]);
  // END SOLUTION
}
