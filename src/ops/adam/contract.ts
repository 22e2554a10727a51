/**
 * The contract of the fused Adam step (./fast.ts), the fast twin of the slide's Adam in
 * src/optim.ts: one parameter, its gradient and both moments updated in one pass.
 */

/** Adam's constants for one step: stepSize = lr/(1 − β1^t), vScale = 1/√(1 − β2^t). */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  stepSize: number;
  vScale: number;
  eps: number;
}

/**
 * x, g, m, v: float32 arrays of one length (parameter, gradient, moments). Updates x, m and v in
 * place and returns true when it can (all four in kernel memory); otherwise does nothing and
 * returns false.
 */
export type FusedAdam = (x: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, c: AdamConstants) => boolean;
