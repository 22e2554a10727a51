/**
 * The kernel worker's channel to its page: what the cells print and show goes to the cell that is
 * running (or, for output that comes later, from a timer say, to the cell that ran last).
 */
import type { DisplayContent, FromKernel } from "./protocol.js";

let send: (message: FromKernel) => void = () => undefined;
let cell = -1;

/** Where messages go (the worker's postMessage). */
export function connectOutbox(post: (message: FromKernel) => void): void {
  send = post;
}

/** The cell whose outputs the following messages are. */
export function setCurrentCell(index: number): void {
  cell = index;
}

/** Send `message` to the page. */
export function post(message: FromKernel): void {
  send(message);
}

/** Text on stdout or stderr of the current cell. */
export function postStream(name: "stdout" | "stderr", text: string): void {
  send({ type: "stream", cell, name, text });
}

/** A display of the current cell, or (update) new content for the live display `id`. */
export function postDisplay(content: DisplayContent, id?: string, update = false): void {
  send({ type: "display", cell, content, id, update });
}
