/**
 * The ops: for each layer of the lecture one contract (./<op>/contract.ts), its reference loops
 * (src/layers/, the assignment) and, for the heavy ones, a fast float32 path (./<op>/fast.ts).
 * `opsFor(dtype)` is the table a layer object uses.
 */
import type { DType } from "../tensor.js";
import { float32Ops } from "./float32.js";
import { referenceOps, type Ops } from "./reference.js";

export { referenceOps, type Ops };

/** The table a layer of the given dtype uses by default: float64 → the reference loops, float32 → ./float32.ts's choice. */
export function opsFor(dtype: DType): Readonly<Ops> {
  return dtype === "float32" ? float32Ops : referenceOps;
}
