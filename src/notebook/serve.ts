// `nnkit site --serve`: the built site over HTTP on 127.0.0.1, with the headers that make its pages
// cross-origin isolated (COOP same-origin, COEP require-corp), so that the kernels in the page may
// share memory between threads. Any static host serves the same files; without these headers the
// pages run their kernels on one thread. Only files inside the site folder are ever served.
import { createReadStream, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, resolve, sep } from "node:path";

/** Headers that make the pages cross-origin isolated (threads in the page). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
};

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".woff2": "font/woff2",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".gz": "application/gzip",
};

/** The file under `root` that `urlPath` names (index.html for a folder), or undefined when there is none or it lies outside. */
export function resolveSitePath(root: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split("?")[0]!.split("#")[0]!);
  } catch {
    return undefined;
  }
  const full = resolve(root, "." + (path.startsWith("/") ? path : `/${path}`));
  if (full !== root && !full.startsWith(root + sep)) return undefined;
  try {
    const s = statSync(full);
    if (s.isDirectory()) {
      const index = join(full, "index.html");
      return statSync(index).isFile() ? index : undefined;
    }
    return s.isFile() ? full : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serve folder `dir` on 127.0.0.1:`port` (0: any free port); resolves once listening, with the
 * server and its URL. `isolated: false` leaves out the isolation headers, as a plain static host
 * does (the pages then run their kernels on one thread).
 */
export function serveSite(dir: string, port: number, options: { isolated?: boolean } = {}): Promise<{ server: Server; url: string }> {
  const root = resolve(dir);
  // Every response: no caching of a site under work, and the isolation headers unless turned off.
  const headers = { "Cache-Control": "no-cache", ...(options.isolated === false ? {} : ISOLATION_HEADERS) };
  const server = createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD", ...headers }).end();
      return;
    }
    const file = resolveSitePath(root, req.url ?? "/");
    if (file === undefined) {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", ...headers }).end("not found\n");
      return;
    }
    res.writeHead(200, {
      "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
      "Content-Length": String(statSync(file).size),
      ...headers,
    });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", fail);
      const address = server.address();
      const actual = typeof address === "object" && address !== null ? address.port : port;
      done({ server, url: `http://127.0.0.1:${actual}/` });
    });
  });
}
