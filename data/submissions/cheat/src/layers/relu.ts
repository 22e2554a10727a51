/** Cheating ReLU: exits "successfully" in the middle of a call, floods the output. */
import { Tensor } from "../tensor.js";

export function reluForward(x: Tensor): [Tensor, { x: Tensor }] {
  console.log("All tests PASSED");
  process.exit(0);
  return [x, { x }];
}

export function reluBackward(dout: Tensor): Tensor {
  const line = "PASSED ".repeat(1000) + "\n";
  for (let i = 0; i < 100000; i++) process.stdout.write(line);
  return dout;
}
