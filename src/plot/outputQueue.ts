// Keeping a tslab kernel's outputs flowing. zeromq 6 sends at most 512 messages on a socket
// synchronously; the next one is put off to a later event-loop turn, and until then every further
// send throws "Socket is busy writing". tslab does not wait for its sends, so a cell that prints or
// updates a display many hundreds of times in one synchronous stretch gets that error from
// console.log itself, and the kernel stalls. Inside a kernel, this module queues a Publisher's
// sends behind the one in flight instead, in order.
import { createRequire } from "node:module";

type Send = (this: object, message: unknown) => Promise<void>;
interface PublisherClass { prototype: { send: Send } }

const QUEUED = Symbol.for("nnkit.iopubQueue");

function isBusy(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown };
  return err?.code === "EBUSY" || /busy writing/.test(String(err?.message ?? ""));
}

/**
 * Make zeromq Publisher sockets (the kernel's iopub channel) queue a send that finds the socket
 * busy, instead of throwing; once per process. Returns false when zeromq cannot be loaded.
 */
export function queuePublisherSends(): boolean {
  let Publisher: PublisherClass;
  try {
    Publisher = (createRequire(import.meta.url)("zeromq") as { Publisher: PublisherClass }).Publisher;
  } catch {
    return false;
  }
  const proto = Publisher.prototype as { send: Send; [QUEUED]?: true };
  if (proto[QUEUED]) return true;
  const base = proto.send;
  const state = new WeakMap<object, { tail: Promise<void>; queued: number }>();
  const send: Send = function (this: object, message: unknown) {
    let s = state.get(this);
    if (!s) {
      unlimitedSendQueue(this);
      state.set(this, (s = { tail: Promise.resolve(), queued: 0 }));
    }
    const q = s;
    if (q.queued === 0) {
      try {
        const sent = base.call(this, message);
        q.tail = sent.catch(() => undefined);
        return sent;
      } catch (e) {
        if (!isBusy(e)) throw e;
      }
    }
    q.queued++;
    const sent = q.tail.then(() => base.call(this, message)).finally(() => { q.queued--; });
    q.tail = sent.catch(() => undefined);
    return sent;
  };
  Object.defineProperty(proto, "send", { value: send, configurable: true, writable: true });
  Object.defineProperty(proto, QUEUED, { value: true });
  return true;
}

/**
 * A PUB socket silently drops messages once its send high-water mark (1000 by default) is reached,
 * which a flood of outputs does when the reader is slow (a busy machine lost hundreds of lines of a
 * 20,000-line loop). 0 means no limit; libzmq applies it to the pipes already connected too.
 */
function unlimitedSendQueue(socket: object): void {
  try {
    (socket as { sendHighWaterMark: number }).sendHighWaterMark = 0;
  } catch {
    // a closed socket: its sends fail anyway
  }
}

/** Inside a tslab kernel, install the queue (see queuePublisherSends); elsewhere do nothing. */
export function installOutputQueue(): void {
  if (typeof (globalThis as { __tslab__?: unknown }).__tslab__ === "object") queuePublisherSends();
}
