/**
 * Reading untrusted tarballs (.tar, .tar.gz, .tgz) with the same guards as zips: the archive size,
 * the entry count, each entry's and the total unpacked size are capped while reading; names that
 * are absolute, contain a backslash or a `..` segment refuse the archive; links and other special
 * entries are skipped, never followed. gzip is undone by node:zlib with a cap on its output; parsing
 * (ustar, pax and GNU long names) is npm's own `tar` package. Nothing is ever written to disk.
 */
import { gunzipSync } from "node:zlib";
import { Parser, type ReadEntry } from "tar";
import { DEFAULT_ZIP_LIMITS, ZipRejected, refuseOversized, unsafeName, type ArchiveReader, type ZipFile } from "./zipguard.js";

/** True for names the grader opens as tarballs. */
export function isTarball(name: string): boolean {
  return /\.(tar|tgz|tar\.gz)$/i.test(name);
}

/** An ArchiveReader for tarballs, plain or gzipped. */
export const readTar: ArchiveReader = async (buf, want, limits = DEFAULT_ZIP_LIMITS, skipped = [], others = []) => {
  refuseOversized(buf, limits);
  let tar = buf;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    // Unzipped here with a cap on the output (fast, and a gzip bomb stops at the cap), not by tar's own stream.
    try {
      tar = gunzipSync(buf, { maxOutputLength: limits.totalBytes + (1 << 20) });
    } catch (e) {
      const why = (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" ? "it unpacks to more than the total size allowed" : (e as Error).message;
      throw new ZipRejected(`the gzip layer cannot be read: ${why}`);
    }
  }
  return new Promise<ZipFile[]>((resolve, reject) => {
    const out: ZipFile[] = [];
    let entries = 0;
    let total = 0;
    let failed: ZipRejected | undefined;
    const fail = (why: string): void => {
      if (failed) return;
      failed = new ZipRejected(why);
      parser.abort(failed);
    };
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        if (failed) return void entry.resume();
        entries++;
        if (entries > limits.entries) return void fail(`the archive has more than ${limits.entries} entries`);
        const name = entry.path.replace(/^\.\//, "");
        const bad = unsafeName(name);
        if (bad) return void fail(`entry ${JSON.stringify(name.slice(0, 200))} ${bad}`);
        if (entry.type === "Directory" || name === "") return void entry.resume();
        if (entry.type !== "File" && entry.type !== "OldFile" && entry.type !== "ContiguousFile") {
          skipped.push(`${name} (${entry.type === "SymbolicLink" || entry.type === "Link" ? "a link" : `a ${entry.type} entry`})`);
          return void entry.resume();
        }
        if (!want(name)) {
          others.push({ path: name, size: entry.size });
          return void entry.resume();
        }
        const chunks: Buffer[] = [];
        let n = 0;
        entry.on("data", (chunk: Buffer) => {
          n += chunk.length;
          total += chunk.length;
          if (n > limits.entryBytes) fail(`entry ${name} unpacks to more than ${limits.entryBytes >> 10} KiB`);
          else if (total > limits.totalBytes) fail("the archive unpacks to more than the total size allowed");
          else chunks.push(chunk);
        });
        entry.on("end", () => {
          if (!failed) out.push({ path: name, data: Buffer.concat(chunks) });
        });
      },
    });
    // strict: every warning (a bad header, a truncated archive, our own abort) arrives as an error
    parser.on("error", (e: Error) => reject(failed ?? new ZipRejected(`not a readable tar archive (${e.message.replace(/^TAR_\w+: /, "")})`)));
    parser.on("end", () => {
      if (failed) reject(failed);
      else if (entries === 0) reject(new ZipRejected("not a tar archive (no entries found)"));
      else resolve(out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
    });
    parser.end(tar);
  });
};
