/**
 * The test side of the grading channel: a test's request for a student call (or a recorded value)
 * goes to the grading process, and its answer comes back here. Which submission a test works for
 * is the slot of the file it runs in (the run's wrapper file `slot-<k>.test.ts`).
 */
import { TestRunner, inject } from "vitest";
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
 * `collecting`, also of the file being collected (a test file's top level, where recorded() values
 * are made), which is no place for a student call.
 */
export function currentSlot(collecting = false): number {
  const file = TestRunner.getCurrentTest()?.file.filepath ?? (collecting ? TestRunner.getCurrentSuite()?.file?.filepath : undefined) ?? "";
  const m = /slot-(\d+)\.test\.ts$/.exec(file);
  if (!m) throw new Error(`nnkit/grading: a student call outside a graded test (in ${file || "no test"}): call student functions inside test()`);
  return Number(m[1]);
}

type Body = Request extends infer R ? (R extends Request ? Omit<R, "to" | "from" | "id" | "slot"> : never) : never;

interface Client {
  /** The channel this worker shares with the grading process alone: `${name}/${me}`. */
  channel: BroadcastChannel;
  name: string;
  me: string;
  next: number;
  waiting: Map<number, (r: Reply) => void>;
  /** Resolves when the grading process listens on `channel`. */
  ready: Promise<void>;
}

let client: Client | undefined;

/**
 * This worker's channel to the grading process. A BroadcastChannel delivers to every other
 * instance of its name, so each worker has one of its own (`${name}/${me}`), announced once on the
 * run's channel; the grading process answers "ready" on it. Requests and answers then go to one
 * receiver each, not to every worker.
 */
function open(name: string): Client {
  if (client && client.name === name) return client;
  client?.channel.close();
  const me = `worker-${threadId}-${process.pid}`;
  const channel = new BroadcastChannel(`${name}/${me}`);
  channel.unref(); // an idle channel keeps no worker alive
  const c: Client = { channel, name, me, next: 1, waiting: new Map(), ready: Promise.resolve() };
  c.ready = new Promise<void>((resolve) => {
    channel.onmessage = (e: { data: unknown }) => {
      const r = e.data as Reply | { ready: true };
      if ("ready" in r) return resolve();
      const done = c.waiting.get(r.id);
      c.waiting.delete(r.id);
      done?.(r);
    };
  });
  const hello = new BroadcastChannel(name);
  hello.postMessage({ hello: me });
  void c.ready.then(() => hello.close());
  client = c;
  return c;
}

/** Send one request for the current test's submission and wait for its answer. */
export function ask(body: Body): Promise<Reply> {
  const c = open(gradingContext().channel);
  const id = c.next++;
  const slot = currentSlot(body.op === "record");
  return c.ready.then(
    () =>
      new Promise<Reply>((resolve) => {
        c.waiting.set(id, resolve);
        c.channel.postMessage({ ...body, to: "server", from: c.me, id, slot } as Request);
      }),
  );
}
