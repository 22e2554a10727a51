// Turning a kernel's iopub messages into nbformat outputs, as Jupyter front-ends do: consecutive
// stream text joins, update_display_data replaces every output that carries its display_id.
import type { JupyterMessage } from "./wire.js";
import { joinSource, storeBundle, type CodeCell, type MimeBundle, type Output } from "./nbformat.js";

export class OutputCollector {
  /** display_id → outputs (possibly in earlier cells) showing it. */
  private readonly displays = new Map<string, Output[]>();

  /** Apply one iopub message to `cell` (the cell now running); `count` is its execution count. */
  add(cell: CodeCell, msg: JupyterMessage, count: number): void {
    const c = msg.content;
    switch (msg.header.msg_type) {
      case "stream": {
        const name = c.name === "stderr" ? "stderr" : "stdout";
        const text = String(c.text ?? "");
        const last = cell.outputs[cell.outputs.length - 1];
        if (last?.output_type === "stream" && last.name === name) last.text = joinSource(last.text) + text;
        else cell.outputs.push({ output_type: "stream", name, text });
        return;
      }
      case "display_data":
      case "execute_result": {
        const out: Output = msg.header.msg_type === "display_data"
          ? { output_type: "display_data", data: storeBundle(bundle(c.data)), metadata: object(c.metadata) }
          : { output_type: "execute_result", data: storeBundle(bundle(c.data)), metadata: object(c.metadata), execution_count: count };
        cell.outputs.push(out);
        const id = displayId(msg);
        if (id) this.displays.set(id, [...(this.displays.get(id) ?? []), out]);
        return;
      }
      case "update_display_data":
        this.update(msg);
        return;
      case "error":
        cell.outputs.push({
          output_type: "error",
          ename: String(c.ename ?? "Error"),
          evalue: String(c.evalue ?? ""),
          traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : [],
        });
        return;
      case "clear_output":
        cell.outputs.length = 0;
        return;
      default:
        return; // status, execute_input and comm messages leave no output
    }
  }

  /** Apply an update_display_data to every output showing its display_id (in any cell); other messages are ignored. */
  update(msg: JupyterMessage): void {
    if (msg.header.msg_type !== "update_display_data") return;
    const id = displayId(msg);
    for (const out of (id && this.displays.get(id)) || []) {
      if (out.output_type === "display_data" || out.output_type === "execute_result") {
        out.data = storeBundle(bundle(msg.content.data));
        out.metadata = object(msg.content.metadata);
      }
    }
  }
}

function displayId(msg: JupyterMessage): string | undefined {
  const t = msg.content.transient as { display_id?: unknown } | undefined;
  return typeof t?.display_id === "string" && t.display_id !== "" ? t.display_id : undefined;
}

function bundle(v: unknown): MimeBundle {
  return v && typeof v === "object" ? { ...(v as MimeBundle) } : {};
}

function object(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" ? { ...(v as Record<string, unknown>) } : {};
}

export interface ErrorInfo {
  ename: string;
  evalue: string;
  traceback: string[];
}

/**
 * The error of a failed cell. tslab sends no `error` message: it prints the exception (or the
 * TypeScript diagnostics) to stderr, so the name and message are read from the cell's stderr text.
 */
export function errorFromCell(cell: CodeCell): ErrorInfo {
  const sent = cell.outputs.find((o) => o.output_type === "error");
  if (sent?.output_type === "error") return { ename: sent.ename, evalue: sent.evalue, traceback: sent.traceback };
  const stderr = cell.outputs
    .filter((o) => o.output_type === "stream" && o.name === "stderr")
    .map((o) => joinSource((o as { text: string | string[] }).text))
    .join("");
  return parseErrorText(stderr);
}

/** "…\nTypeError: bad\n    at …" → {ename: TypeError, evalue: bad}; "1:5 - Cannot find name 'x'." → CompileError. */
export function parseErrorText(stderr: string): ErrorInfo {
  const lines = stderr.split("\n").filter((l) => l.trim() !== "");
  const diagnostics = lines.map((l) => /^(?:\S+ )?(\d+:\d+ - .*)$/.exec(l)?.[1]).filter((d) => d !== undefined);
  if (diagnostics.length > 0) return { ename: "CompileError", evalue: diagnostics.join("; "), traceback: lines };
  for (const line of lines) {
    const m = /^(?:Uncaught )?([A-Za-z_$][\w$]*(?:Error|Exception))(?: \[\w+\])?: ?(.*)$/.exec(line);
    if (m) return { ename: m[1]!, evalue: m[2]!, traceback: lines };
  }
  return { ename: "Error", evalue: lines[lines.length - 1] ?? "the cell failed without a message", traceback: lines };
}
