import { describe, expect, it } from "vitest";
import { createMessage, decodeMessage, DELIMITER, encodeMessage, sign } from "../../src/notebook/wire.js";

describe("Jupyter wire protocol", () => {
  it("signs the four JSON frames with HMAC-SHA256 (value from Python's hmac module)", () => {
    const frames = ['{"msg_id":"m1"}', "{}", "{}", '{"code":"1+1"}'];
    expect(sign("secret", frames)).toBe("d2783ba94db4e5311694d8bac6f1e5b3b26e670e7e8e231174ed4045fd9f3603");
    expect(sign("", frames)).toBe("");
  });

  it("encodes routing ids, delimiter, signature, header, parent, metadata, content", () => {
    const msg = createMessage("execute_request", { code: "1+1" }, "sess");
    msg.identities = [Buffer.from("peer")];
    const frames = encodeMessage(msg, "k");
    expect(frames.map((f) => f.toString()).slice(0, 2)).toEqual(["peer", DELIMITER]);
    expect(frames).toHaveLength(7);
    expect(frames[2]!.toString()).toBe(sign("k", frames.slice(3)));
    const header = JSON.parse(frames[3]!.toString());
    expect(header).toMatchObject({ msg_type: "execute_request", session: "sess", version: "5.3" });
    expect(JSON.parse(frames[6]!.toString())).toEqual({ code: "1+1" });
  });

  it("decodes what it encodes, with the parent header of a reply", () => {
    const req = createMessage("kernel_info_request", {}, "s");
    const reply = createMessage("kernel_info_reply", { status: "ok" }, "s", req.header);
    const back = decodeMessage(encodeMessage(reply, "key"), "key");
    expect(back.header).toEqual(reply.header);
    expect(back.parent_header.msg_id).toBe(req.header.msg_id);
    expect(back.content).toEqual({ status: "ok" });
    expect(back.identities).toEqual([]);
  });

  it("rejects a wrong signature, a tampered frame and a missing delimiter", () => {
    const frames = encodeMessage(createMessage("status", { execution_state: "idle" }, "s"), "key");
    expect(() => decodeMessage(frames, "other")).toThrow(/invalid HMAC/);
    const tampered = [...frames];
    tampered[5] = Buffer.from('{"evil":true}');
    expect(() => decodeMessage(tampered, "key")).toThrow(/invalid HMAC/);
    expect(() => decodeMessage(frames.slice(1), "key")).toThrow(/delimiter/);
    expect(() => decodeMessage(frames.slice(0, 4), "key")).toThrow(/4 JSON frames/);
  });
});
