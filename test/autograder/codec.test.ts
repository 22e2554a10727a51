import { describe, expect, it } from "vitest";
import { AnswerFrames, FRAME_KEY_BYTES } from "../../autograder/sandbox/answers.js";
import { CodecError, decodeMessage, encodeFrame, FRAME_HEAD } from "../../autograder/sandbox/codec.js";

/** The message of a frame (after its length). */
function roundTrip(value: unknown): unknown {
  const frame = encodeFrame(value);
  const length = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0, true);
  expect(length).toBe(frame.length - FRAME_HEAD);
  return decodeMessage(frame.subarray(FRAME_HEAD));
}

describe("sandbox message codec", () => {
  it("gives back every kind of value it carries, -0, NaN and typed arrays included", () => {
    const message = {
      id: 7,
      ok: true,
      no: false,
      none: null,
      missing: undefined,
      text: "ünïcode ✓ and \"quotes\"",
      empty: "",
      numbers: [0, -0, NaN, Infinity, -Infinity, 1e-310, -1.5, 2 ** 53],
      data: Float64Array.from([1.25, -0, NaN, 3e300]),
      labels: Int32Array.from([3, -1, 2147483647]),
      nested: { a: [[], {}, [{ b: "c" }]] },
    };
    const back = roundTrip(message) as typeof message;
    expect(back).toEqual(message);
    expect(Object.is(back.numbers[1], -0)).toBe(true);
    expect(Number.isNaN(back.numbers[2])).toBe(true);
    expect(back.data).toBeInstanceOf(Float64Array);
    expect(Object.is(back.data[1], -0)).toBe(true);
    expect(back.labels).toBeInstanceOf(Int32Array);
    expect(Object.keys(back)).toEqual(Object.keys(message));
  });

  it("copies a typed array that views part of a larger buffer, and only that part", () => {
    const whole = Float64Array.from([1, 2, 3, 4, 5]);
    const back = roundTrip({ part: whole.subarray(1, 3) }) as { part: Float64Array };
    expect(Array.from(back.part)).toEqual([2, 3]);
    expect(back.part.buffer).not.toBe(whole.buffer);
  });

  it("a frame with a head (the child's frame key) holds the head, then the length, then the message; the answer reader takes it and refuses one without the key", () => {
    const key = Uint8Array.from({ length: FRAME_KEY_BYTES }, (_, i) => 200 - i);
    const message = { id: 3, ok: true, text: "x".repeat(600) }; // past the writer's first 256 bytes
    const frame = encodeFrame(message, key);
    expect(Array.from(frame.subarray(0, FRAME_KEY_BYTES))).toEqual(Array.from(key));
    expect(Buffer.from(frame).readUInt32LE(FRAME_KEY_BYTES)).toBe(frame.length - FRAME_KEY_BYTES - FRAME_HEAD);
    const reader = new AnswerFrames(Buffer.from(key), 1 << 20);
    const bytes = Buffer.from(frame);
    expect([...reader.push(bytes.subarray(0, 7)), ...reader.push(bytes.subarray(7))]).toEqual([message]);
    expect(reader.push(Buffer.from(encodeFrame(message)))).toEqual([]);
    expect(reader.problem?.kind).toBe("protocol");
    expect(reader.push(bytes)).toEqual([]); // nothing after a refused frame is believed
  });

  it("refuses what it cannot carry", () => {
    expect(() => encodeFrame({ f: () => 1 })).toThrow(CodecError);
    expect(() => encodeFrame(new Map([[1, 2]]))).toThrow(CodecError);
    expect(() => encodeFrame(new Uint8Array(2))).toThrow(CodecError);
    expect(() => encodeFrame(10n)).toThrow(CodecError);
  });

  it("throws CodecError, never more, on malformed or hostile bytes", () => {
    const good = encodeFrame({ data: Float64Array.from([1, 2, 3]), s: "abc" }).subarray(FRAME_HEAD);
    for (let cut = 0; cut < good.length; cut++) expect(() => decodeMessage(good.subarray(0, cut))).toThrow(CodecError);
    expect(() => decodeMessage(Uint8Array.from([...good, 0]))).toThrow(CodecError); // bytes after the message
    expect(() => decodeMessage(Uint8Array.from([42]))).toThrow(CodecError); // unknown tag
    // An array or typed array claiming four billion elements in a few bytes is refused before anything is allocated.
    expect(() => decodeMessage(Uint8Array.from([6, 255, 255, 255, 255]))).toThrow(CodecError);
    expect(() => decodeMessage(Uint8Array.from([8, 255, 255, 255, 255]))).toThrow(CodecError);
    // Nesting deeper than any message is refused rather than overflowing the stack.
    const deep = new Uint8Array(5 * 100 + 1);
    for (let i = 0; i < 100; i++) deep.set([6, 1, 0, 0, 0], 5 * i);
    expect(() => decodeMessage(deep)).toThrow(CodecError);
  });
});
