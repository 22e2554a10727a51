/**
 * Reading untrusted tarballs (.tar, .tar.gz, .tgz) with the same guards as zips: the archive size,
 * and, counted in the submission's Budget, every entry and every byte gunzipped (gzip is undone
 * as a stream, so a tarball that unpacks to gigabytes stops at the limit without ever being held
 * in memory); each file's size is capped; names that are absolute or climb out (`..`) refuse the
 * archive, backslashes are folder separators; links and other special entries are skipped, never
 * followed. Parsing (ustar, pax and GNU long names) is npm's own `tar` package. Nothing is ever
 * written to disk.
 */
import { createGunzip } from "node:zlib";
import { Parser, type ReadEntry } from "tar";
import { Budget, DEFAULT_ZIP_LIMITS, ZipRejected, capFor, entryPath, refuseOversized, type ArchiveReader, type ZipFile } from "./zipguard.js";

/** True for names the grader opens as tarballs. */
export function isTarball(name: string): boolean {
  return /\.(tar|tgz|tar\.gz)$/i.test(name);
}

/** Feed `buf` to `parser`, gunzipped as a stream when it is gzip, counting the bytes gunzipped; returns a function that stops it. */
function feed(buf: Buffer, parser: Parser, budget: Budget, fail: (why: string) => void): () => void {
  if (!(buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b)) {
    parser.end(buf);
    return () => undefined;
  }
  const gunzip = createGunzip();
  // Past the end-of-archive blocks the parser only buffers what it is given (and slowly): stop there.
  let ended = false;
  parser.on("eof", () => {
    if (ended) return;
    ended = true;
    gunzip.destroy();
    queueMicrotask(() => parser.end());
  });
  gunzip.on("data", (chunk: Buffer) => {
    if (ended) return;
    try {
      budget.countBytes(chunk.length);
    } catch (e) {
      gunzip.destroy();
      return fail((e as Error).message);
    }
    parser.write(chunk);
  });
  gunzip.on("error", (e: Error) => fail(`the gzip layer cannot be read: ${e.message}`));
  gunzip.on("end", () => {
    if (!ended) parser.end();
  });
  gunzip.end(buf);
  return () => gunzip.destroy();
}

/** An ArchiveReader for tarballs, plain or gzipped. */
export const readTar: ArchiveReader = async (buf, want, limits = DEFAULT_ZIP_LIMITS, skipped = [], others = [], budget = new Budget(limits)) => {
  refuseOversized(buf.length, limits);
  return new Promise<ZipFile[]>((resolve, reject) => {
    const out: ZipFile[] = [];
    let entries = 0;
    let failed: ZipRejected | undefined;
    let stop = (): void => undefined;
    const fail = (why: string): void => {
      if (failed) return;
      failed = new ZipRejected(why);
      stop();
      parser.abort(failed);
      reject(failed);
    };
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        if (failed) return void entry.resume();
        entries++;
        let name: string;
        try {
          budget.countEntries(1);
          name = entryPath(entry.path);
        } catch (e) {
          return void fail((e as Error).message);
        }
        if (entry.type === "Directory" || name === "") return void entry.resume();
        if (entry.type !== "File" && entry.type !== "OldFile" && entry.type !== "ContiguousFile") {
          skipped.push(`${name} (${entry.type === "SymbolicLink" || entry.type === "Link" ? "a link" : `a ${entry.type} entry`})`);
          return void entry.resume();
        }
        if (!want(name)) {
          others.push({ path: name, size: entry.size });
          return void entry.resume();
        }
        const cap = capFor(name, limits);
        const chunks: Buffer[] = [];
        let n = 0;
        entry.on("data", (chunk: Buffer) => {
          n += chunk.length;
          if (n > cap) fail(`entry ${name} unpacks to more than ${cap >> 10} KiB`);
          else if (!failed) chunks.push(chunk);
        });
        entry.on("end", () => {
          if (!failed) out.push({ path: name, data: Buffer.concat(chunks) });
        });
      },
    });
    // strict: every warning (a bad header, a truncated archive, our own abort) arrives as an error
    parser.on("error", (e: Error) => {
      if (!failed) reject((failed = new ZipRejected(`not a readable tar archive (${e.message.replace(/^TAR_\w+: /, "")})`)));
    });
    parser.on("end", () => {
      if (failed) return;
      if (entries === 0) reject(new ZipRejected("not a tar archive (no entries found)"));
      else resolve(out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
    });
    stop = feed(buf, parser, budget, fail);
  });
};
