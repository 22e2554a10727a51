/**
 * The test side of the grading channel: a test's request for a student call (or a recorded value)
 * goes to the grading process, and its answer comes back here. Which submission a test works for
 * is the slot of the file it runs in (the run's wrapper file `slot-<k>.test.ts`).
 */
import { inject } from "vitest";
import { getCurrentSuite, getCurrentTest } from "vitest/suite";
import { BroadcastChannel, threadId } from "node:worker_threads";
import { CONTEXT_KEY, type GradingContext, type Reply, type Request } from "../engine/protocol.js";

declare module "vitest" {
  interface ProvidedContext {
    [CONTEXT_KEY]: GradingContext;
  }
}

/** The run's context, as the grading process provided it; throws when the test runs outside a grading run. */
export function gradingContext(): GradingContext {
  const ctx = inject(CONTEXT_KEY);
  if (!ctx) throw new Error("nnkit/grading: this test runs outside nnkit's grading (run it with nnkit check or nnkit grade)");
  return ctx;
}

/**
 * The slot (submission) of the test that is running now, from its wrapper file's name; with
 * `collecting`, also of the test file being collected (a recorded() value at its top level).
 */
export function currentSlot(collecting = false): number {
  const file = getCurrentTest()?.file.filepath ?? (collecting ? getCurrentSuite()?.file?.filepath : undefined) ?? "";
  const m = /slot-(\d+)\.test\.ts$/.exec(file);
  if (!m) throw new Error(`nnkit/grading: a student call outside a graded test (in ${file || "no test"}): call student functions inside test()`);
  return Number(m[1]);
}

type Body = Request extends infer R ? (R extends Request ? Omit<R, "to" | "from" | "id" | "slot"> : never) : never;

interface Client {
  channel: BroadcastChannel;
  me: string;
  next: number;
  waiting: Map<number, (r: Reply) => void>;
}

let client: Client | undefined;

function open(name: string): Client {
  if (client && client.channel.name === name) return client;
  client?.channel.close();
  const c: Client = { channel: new BroadcastChannel(name), me: `worker-${threadId}-${process.pid}`, next: 1, waiting: new Map() };
  c.channel.unref(); // an idle channel keeps no worker alive
  c.channel.onmessage = (e: { data: unknown }) => {
    const r = e.data as Reply;
    if (r.to !== c.me) return;
    const done = c.waiting.get(r.id);
    c.waiting.delete(r.id);
    done?.(r);
  };
  client = c;
  return c;
}

/** Send one request for the current test's submission and wait for its answer. */
export function ask(body: Body): Promise<Reply> {
  const c = open(gradingContext().channel);
  const id = c.next++;
  const slot = currentSlot(body.op === "record");
  return new Promise<Reply>((resolve) => {
    c.waiting.set(id, resolve);
    c.channel.postMessage({ ...body, to: "server", from: c.me, id, slot } as Request);
  });
}
