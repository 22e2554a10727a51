import { describe, expect, it } from "vitest";
import { createMessage } from "../../src/notebook/wire.js";
import { OutputCollector, parseErrorText } from "../../src/notebook/outputs.js";
import { parseNotebook, serializeNotebook, splitLines, validateNotebook, type CodeCell } from "../../src/notebook/nbformat.js";

const cell = (): CodeCell => ({ cell_type: "code", id: "x", source: "", metadata: {}, execution_count: 1, outputs: [] });
const msg = (type: string, content: Record<string, unknown>) => createMessage(type, content, "s");

describe("outputs from iopub messages", () => {
  it("joins consecutive stream text of the same name", () => {
    const c = cell();
    const col = new OutputCollector();
    col.add(c, msg("stream", { name: "stdout", text: "a\n" }), 1);
    col.add(c, msg("stream", { name: "stdout", text: "b\n" }), 1);
    col.add(c, msg("stream", { name: "stderr", text: "w\n" }), 1);
    expect(c.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "a\nb\n" },
      { output_type: "stream", name: "stderr", text: "w\n" },
    ]);
  });

  it("applies update_display_data to the output with that display_id, also in an earlier cell", () => {
    const first = cell();
    const later = cell();
    const col = new OutputCollector();
    col.add(first, msg("display_data", { data: { "text/plain": "0%" }, metadata: {}, transient: { display_id: "p" } }), 1);
    col.add(first, msg("display_data", { data: { "text/plain": "other" }, metadata: {}, transient: {} }), 1);
    col.add(later, msg("update_display_data", { data: { "text/plain": "100%" }, metadata: {}, transient: { display_id: "p" } }), 2);
    expect(first.outputs).toEqual([
      { output_type: "display_data", data: { "text/plain": ["100%"] }, metadata: {} },
      { output_type: "display_data", data: { "text/plain": ["other"] }, metadata: {} },
    ]);
    expect(later.outputs).toEqual([]);
  });

  it("keeps JSON MIME types as objects and numbers execute_result with the runner's count", () => {
    const c = cell();
    const fig = { data: [{ x: [1], y: [2] }] };
    new OutputCollector().add(c, msg("execute_result", { data: { "application/vnd.plotly.v1+json": fig }, metadata: {} }), 3);
    expect(c.outputs[0]).toEqual({
      output_type: "execute_result", data: { "application/vnd.plotly.v1+json": fig }, metadata: {}, execution_count: 3,
    });
  });
});

describe("errors printed by tslab", () => {
  it("reads ename and evalue from a printed exception", () => {
    const e = parseErrorText('evalmachine.<anonymous>:2\nthrow new RangeError("x");\n^\n\nRangeError: fixture failure\n    at evalmachine.<anonymous>:2:7\n');
    expect([e.ename, e.evalue]).toEqual(["RangeError", "fixture failure"]);
    expect(parseErrorText("AssertionError [ERR_ASSERTION]: 26 !== 25\n").ename).toBe("AssertionError");
  });

  it("names TypeScript diagnostics CompileError", () => {
    const e = parseErrorText("1:1 - Cannot find name 'foo'.\n2:3 - Missing semicolon.\n");
    expect(e).toEqual({
      ename: "CompileError",
      evalue: "1:1 - Cannot find name 'foo'.; 2:3 - Missing semicolon.",
      traceback: ["1:1 - Cannot find name 'foo'.", "2:3 - Missing semicolon."],
    });
  });
});

describe("nbformat 4.5", () => {
  it("splits lines as Jupyter does", () => {
    expect(splitLines("a\nb\n")).toEqual(["a\n", "b\n"]);
    expect(splitLines("a\n\nb")).toEqual(["a\n", "\n", "b"]);
    expect(splitLines("")).toEqual([]);
  });

  it("upgrades 4.4 notebooks with ids and finds schema errors", () => {
    const nb = parseNotebook(JSON.stringify({
      nbformat: 4, nbformat_minor: 4, metadata: {},
      cells: [{ cell_type: "code", source: ["1"], metadata: {}, outputs: [], execution_count: null },
        { cell_type: "markdown", source: "# t", metadata: {} }],
    }));
    expect(nb.nbformat_minor).toBe(5);
    expect(nb.cells.every((c) => /^[0-9a-f]{8}$/.test(c.id))).toBe(true);
    expect(validateNotebook(nb)).toEqual([]);
    expect(validateNotebook(JSON.parse(serializeNotebook(nb)))).toEqual([]);
    (nb.cells[0] as CodeCell).outputs.push({ output_type: "stream", name: "stdout", text: "x", extra: 1 } as never);
    nb.cells[1]!.id = "bad id!";
    expect(validateNotebook(nb)).toEqual([
      'cell 1 output 1: unexpected property extra',
      'cell 2: id "bad id!" does not match /^[a-zA-Z0-9-_]{1,64}$/',
    ]);
  });

  it("writes as Jupyter does (1-space indent, sorted keys), with arrays of numbers on one line", () => {
    const nb = parseNotebook(JSON.stringify({
      nbformat: 4, nbformat_minor: 5, metadata: { b: 1, a: [] },
      cells: [{ cell_type: "code", id: "c", source: "x", metadata: {}, execution_count: 1, outputs: [
        { output_type: "display_data", metadata: {}, data: { "application/vnd.plotly.v1+json": { data: [{ z: [[1, 2.5], [null, -3e-7]], name: "n" }] } } },
      ] }],
    }));
    const text = serializeNotebook(nb);
    const back = JSON.parse(text);
    expect([back.metadata, back.cells[0].outputs, back.cells[0].source]).toEqual([nb.metadata, (nb.cells[0] as CodeCell).outputs, ["x"]]);
    expect(text.startsWith('{\n "cells": [\n  {\n   "cell_type": "code",\n')).toBe(true);
    expect(text).toContain('"metadata": {\n  "a": [],\n  "b": 1\n }');
    expect(text).toContain("[1, 2.5],\n");
    expect(text).toContain("[null, -3e-7]\n");
  });

  it("refuses what is not a v4 notebook, saying so", () => {
    expect(() => parseNotebook("{", "x.ipynb")).toThrow(/x.ipynb: not valid JSON/);
    expect(() => parseNotebook('{"nbformat":3,"worksheets":[]}', "old.ipynb")).toThrow(/not an nbformat 4 notebook/);
  });
});
