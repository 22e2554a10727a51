/**
 * Node's permission model as the running Node spells it. Node 20 has `--experimental-permission`;
 * Node 22.13+ accepts `--permission` too; Node 23.5+ (so 24 LTS) has only `--permission` and calls
 * the old flag a bad option. The flag is found once per grading process by asking this Node itself
 * (a 50 ms probe), so a Node we have not seen yet is handled the same way. What the model denies
 * (reads and writes outside the allowed folders, child processes, workers, addons, the inspector,
 * WASI) is the same on 20, 22 and 24 and is tested on each (test/autograder/sandbox.test.ts).
 */
import { spawnSync } from "node:child_process";
import { FaultError } from "../../src/cli/errors.js";

/** The sandbox could not be set up or used on this machine: the grader's fault, never the student's. */
export class GraderFault extends FaultError {
  override name = "GraderFault";
}

/** The flags that switch the permission model on, newest spelling first. */
const CANDIDATES = ["--permission", "--experimental-permission"] as const;
const PROBE_TIMEOUT_MS = 10_000;

let cached: string | undefined;

/**
 * The permission flag this Node accepts (`--permission` or `--experimental-permission`).
 * Throws GraderFault when it accepts neither (a Node without a permission model cannot grade).
 */
export function permissionFlag(nodePath: string = process.execPath): string {
  if (cached !== undefined && nodePath === process.execPath) return cached;
  const tried: string[] = [];
  for (const flag of CANDIDATES) {
    const probe = spawnSync(nodePath, [flag, "--no-warnings", "-e", "0"], { stdio: ["ignore", "ignore", "pipe"], timeout: PROBE_TIMEOUT_MS });
    if (probe.status === 0) {
      if (nodePath === process.execPath) cached = flag;
      return flag;
    }
    tried.push(`${flag}: ${probe.error?.message ?? (probe.stderr.toString().trim().split("\n")[0] || `exit ${probe.status}`)}`);
  }
  throw new GraderFault(
    `Node ${process.version} has no usable permission model, which the grading sandbox needs (${tried.join("; ")}). Grade with Node 24 LTS, 22 or 20.`,
  );
}

/**
 * V8 flags that make a short-lived child cheaper: V8 hands a function to its optimising compilers
 * after little work, and a child that runs each student function a few dozen times on small inputs
 * pays more for compiling than it gains. Here they tier up after fifteen times the work V8 waits
 * for by default: on V8 before 12 (Node 20) one interrupt budget; on later ones (Node 22, 24) the
 * invocation counts of Maglev (400 by default) and TurboFan (3000). A loop that runs for long is
 * still optimised (a slow submission is not made slower). Measured with bench:grade --profile, the
 * child's CPU in the calls per submission: Node 20 34 → 20 ms, Node 24 44 → 24 ms.
 */
function tierUpFlags(): string[] {
  return Number(process.versions.v8.split(".")[0]) < 12 ? ["--interrupt-budget=1000000"] : ["--invocation-count-for-maglev=6000", "--invocation-count-for-turbofan=45000"];
}

/**
 * Node arguments that run `script` with reads limited to `readRoot`, writes to `writeRoot`, and no
 * child processes, workers, addons, inspector or WASI (none of them is allowed), under a heap cap.
 */
export function sandboxNodeArgs(script: string, readRoot: string, writeRoot: string, memoryMb: number): string[] {
  return [permissionFlag(), `--allow-fs-read=${readRoot}`, `--allow-fs-write=${writeRoot}`, `--max-old-space-size=${memoryMb}`, ...tierUpFlags(), "--no-warnings", "--enable-source-maps", script];
}
