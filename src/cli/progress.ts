/**
 * A one-line progress display for long CLI work: redrawn in place on a terminal, printed at most
 * every few seconds otherwise (so CI logs stay short).
 */
export interface ProgressLine {
  /** Show `text` as the current progress (rate-limited). */
  update(text: string): void;
  /** Finish the line: print `text` (or the last update) and a newline. */
  done(text?: string): void;
}

/** How often a terminal's progress line is redrawn, and how often a line is printed otherwise (a CI log). */
const TERMINAL_REDRAW_MS = 100;
const LOG_LINE_MS = 5000;

/** A progress line on `stream` (stderr by default); `intervalMs` throttles non-terminal output. */
export function progressLine(stream: NodeJS.WriteStream = process.stderr, intervalMs?: number): ProgressLine {
  const tty = stream.isTTY === true;
  const every = intervalMs ?? (tty ? TERMINAL_REDRAW_MS : LOG_LINE_MS);
  let last = 0;
  let lastText = "";
  let shown = "";
  const draw = (text: string): void => {
    if (tty) {
      const width = stream.columns ?? 100;
      const line = text.length >= width ? text.slice(0, width - 1) : text;
      stream.write(`\r${line}${" ".repeat(Math.max(0, shown.length - line.length))}`);
      shown = line;
    } else {
      stream.write(`${text}\n`);
    }
  };
  return {
    update(text: string): void {
      lastText = text;
      const now = Date.now();
      if (now - last >= every) {
        last = now;
        draw(text);
      }
    },
    done(text?: string): void {
      const final = text ?? lastText;
      if (tty) {
        draw(final);
        stream.write("\n");
      } else if (final !== "") {
        stream.write(`${final}\n`);
      }
      shown = "";
    },
  };
}
