// The Jupyter messaging protocol v5 on the wire: HMAC-SHA256 signed multipart frames.
// [routing ids…, "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers…]
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const DELIMITER = "<IDS|MSG>";
export const PROTOCOL_VERSION = "5.3";

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface JupyterMessage {
  /** ZeroMQ routing prefix (frames before the delimiter); empty for DEALER/SUB peers. */
  identities: Buffer[];
  header: MessageHeader;
  /** The header of the request this message answers, or {} for unsolicited messages. */
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers: Buffer[];
}

/** HMAC-SHA256 hex digest of the four JSON frames (and buffers) under `key`; "" when key is "" (signing off). */
export function sign(key: string, frames: readonly (string | Buffer)[]): string {
  if (key === "") return "";
  const hmac = createHmac("sha256", key);
  for (const f of frames) hmac.update(f);
  return hmac.digest("hex");
}

/** A fresh message of `msgType` with `content`, answering `parent` if given. */
export function createMessage(
  msgType: string,
  content: Record<string, unknown>,
  session: string,
  parent?: MessageHeader,
): JupyterMessage {
  return {
    identities: [],
    header: {
      msg_id: randomUUID(),
      session,
      username: "nnkit",
      date: new Date().toISOString(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    },
    parent_header: parent ?? {},
    metadata: {},
    content,
    buffers: [],
  };
}

/** Message → signed multipart frames ready for a ZeroMQ socket. */
export function encodeMessage(msg: JupyterMessage, key: string): Buffer[] {
  const body = [msg.header, msg.parent_header, msg.metadata, msg.content].map((part) =>
    Buffer.from(JSON.stringify(part), "utf8"),
  );
  const signature = sign(key, [...body, ...msg.buffers]);
  return [...msg.identities, Buffer.from(DELIMITER), Buffer.from(signature), ...body, ...msg.buffers];
}

/** Signed multipart frames → message; throws if the delimiter is missing, a frame is not JSON or the signature is wrong. */
export function decodeMessage(frames: readonly Buffer[], key: string): JupyterMessage {
  const delim = frames.findIndex((f) => f.toString("utf8") === DELIMITER);
  if (delim < 0) throw new Error(`decodeMessage: no "${DELIMITER}" delimiter among ${frames.length} frames`);
  if (frames.length < delim + 6) {
    throw new Error(`decodeMessage: expected signature + 4 JSON frames after the delimiter, got ${frames.length - delim - 1}`);
  }
  const signature = frames[delim + 1]!.toString("utf8");
  const body = frames.slice(delim + 2, delim + 6);
  const buffers = frames.slice(delim + 6);
  const expected = sign(key, [...body, ...buffers]);
  if (!sameText(signature, expected)) {
    throw new Error("decodeMessage: invalid HMAC signature (is the connection key the kernel's?)");
  }
  const [header, parent, metadata, content] = body.map((b, i) => {
    try {
      return JSON.parse(b.toString("utf8")) as Record<string, unknown>;
    } catch {
      throw new Error(`decodeMessage: frame ${i} after the signature is not JSON`);
    }
  });
  return {
    identities: frames.slice(0, delim),
    header: header as unknown as MessageHeader,
    parent_header: parent as Partial<MessageHeader>,
    metadata: metadata!,
    content: content!,
    buffers: [...buffers],
  };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
