/**
 * The answers of one sandbox child, read from its fd 3. Student code runs in the child and can
 * write to that fd too, so every frame must come after the child's frame key (16 random bytes the
 * grader gives each child, which student code cannot read: see child.ts); bytes that do not start
 * with the key mean that something other than the child wrote there, and nothing more of that child
 * is believed.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { decodeMessage, FRAME_HEAD } from "./codec.js";

/** Bytes of a frame key. */
export const FRAME_KEY_BYTES = 16;

/** A fresh frame key for one child. */
export function newFrameKey(): Buffer {
  return randomBytes(FRAME_KEY_BYTES);
}

/** Why the answer channel cannot be read further. */
export type AnswerProblem = { kind: "output" | "protocol"; message: string };

/** Splits what arrives on a child's fd 3 into messages, checking each frame's key first. */
export class AnswerFrames {
  private buffer: Buffer = Buffer.alloc(0);
  /** Set when a frame was refused: nothing after it is read. */
  problem: AnswerProblem | undefined;

  /** `key`: this child's frame key; `maxBytes`: the largest message accepted. */
  constructor(
    private readonly key: Buffer,
    private readonly maxBytes: number,
  ) {}

  /** Add `chunk`; returns the messages completed by it (none once a frame was refused, see `problem`). */
  push(chunk: Buffer): unknown[] {
    if (this.problem) return [];
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: unknown[] = [];
    const head = FRAME_KEY_BYTES + FRAME_HEAD;
    while (this.buffer.length > 0) {
      // The key is checked as soon as its bytes are in: a forged length must not make us wait.
      const keyPart = Math.min(FRAME_KEY_BYTES, this.buffer.length);
      if (!timingSafeEqual(this.buffer.subarray(0, keyPart), this.key.subarray(0, keyPart))) {
        return this.refuse(out, "protocol", "the code wrote data of its own where the sandbox sends its answers (file descriptor 3), so no answer of this call can be trusted");
      }
      if (this.buffer.length < head) break;
      const len = this.buffer.readUInt32LE(FRAME_KEY_BYTES);
      if (len > this.maxBytes) return this.refuse(out, "output", `the result was larger than ${Math.round(this.maxBytes / (1 << 20))} MiB`);
      if (this.buffer.length < head + len) break;
      try {
        out.push(decodeMessage(this.buffer.subarray(head, head + len)));
      } catch {
        return this.refuse(out, "protocol", "the sandbox sent data that could not be read");
      }
      this.buffer = this.buffer.subarray(head + len);
    }
    return out;
  }

  private refuse(done: unknown[], kind: AnswerProblem["kind"], message: string): unknown[] {
    this.problem = { kind, message };
    this.buffer = Buffer.alloc(0);
    return done;
  }
}
