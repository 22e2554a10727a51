/**
 * What one sandbox child printed, as the feedback shows it: stdout and stderr line by line, with
 * V8's own fatal-error report removed. When a child runs out of heap, V8 prints "<--- Last few GCs
 * --->", "FATAL ERROR: … JavaScript heap out of memory" and a native stack with addresses and
 * timings that differ on every run; none of it may reach any output (grading twice must give the
 * same files), but it tells the grader that the child died of memory, not of a crash.
 */

/** Lines that start V8's fatal report; from one of them on, nothing more of that child is kept. */
const FATAL_START = /^(<--- (Last few GCs|JS stacktrace) --->|FATAL ERROR:|# Fatal (error|process|JavaScript)|----- Native stack trace -----)/;
/** Fatal reports that mean "out of memory". */
const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|Fatal process out of memory|Fatal JavaScript invalid size error|invalid table size|Allocation failed/;

/** One child's stdout or stderr, split into lines; complete lines go to `emit` unless V8's report has begun. */
export class ChildOutput {
  private partial = "";
  /** Blank lines (and a lone "#") held back: V8 prints them just before its report. */
  private held: string[] = [];
  /** V8's fatal report has started on this stream: drop everything after it. */
  fatal = false;
  /** The report said the heap (or an allocation) ran out. */
  outOfMemory = false;

  constructor(private readonly emit: (text: string) => void) {}

  write(chunk: Buffer): void {
    const text = this.partial + chunk.toString("utf8");
    const lines = text.split("\n");
    this.partial = lines.pop()!;
    for (const line of lines) this.line(line);
  }

  /** The stream ended: pass on a last line without its newline. */
  end(): void {
    if (this.partial !== "") this.line(this.partial, false);
    this.partial = "";
    if (!this.fatal) for (const h of this.held.splice(0)) this.emit(`${h}\n`);
  }

  private line(line: string, newline = true): void {
    if (this.fatal) {
      if (OUT_OF_MEMORY.test(line)) this.outOfMemory = true;
      return;
    }
    if (FATAL_START.test(line)) {
      this.fatal = true;
      this.held = [];
      if (OUT_OF_MEMORY.test(line)) this.outOfMemory = true;
      return;
    }
    if (line.trim() === "" || line === "#") {
      this.held.push(line);
      return;
    }
    for (const h of this.held.splice(0)) this.emit(`${h}\n`);
    this.emit(newline ? `${line}\n` : line);
  }
}
