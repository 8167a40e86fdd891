// A real HTTP server for artifact tests (node:http on 127.0.0.1, port 0): serves files with Range, ETag and
// Last-Modified (304 on a match), and misbehaves on purpose under other paths. It counts the body bytes it
// sends, per path, so tests can tell a resumed download from a full one.
//   /f/NAME            the file (Range, If-Range, If-None-Match)
//   /slow/NAME         the same, at `slowBytesPerSec` (default 256 KiB/s)
//   /drop/NAME         full Content-Length, then the connection is destroyed after half the body
//   /short/NAME        Content-Length one MiB larger than the body, then the response ends
//   /redirect/NAME     302 to /f/NAME;   /loop  302 to /loop (for ever);   /status/404, /status/500
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running artifact server. */
export interface ArtifactServer {
  url: (path: string) => string;
  /** Body bytes sent per request path (without the query). */
  served: Map<string, number>;
  /** Every request seen, with the body bytes sent in answer to it. */
  requests: Array<{ path: string; headers: http.IncomingHttpHeaders; served: number }>;
  /** Total body bytes sent. */
  totalServed(): number;
  close(): Promise<void>;
}

/** Starts the server over `files` (name -> path on disk). */
export async function startArtifactServer(files: Record<string, string>, opts: { slowBytesPerSec?: number } = {}): Promise<ArtifactServer> {
  const served = new Map<string, number>();
  const requests: ArtifactServer['requests'] = [];
  const count = (path: string, n: number) => served.set(path, (served.get(path) ?? 0) + n);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const request = { path, headers: req.headers, served: 0 };
    requests.push(request);
    const [, kind, name] = /^\/([a-z0-9]+)\/?(.*)$/.exec(path) ?? [];
    if (kind === 'loop') return redirect(res, '/loop');
    if (kind === 'status') {
      res.writeHead(Number(name) || 500, { 'content-type': 'text/plain' });
      return res.end('no');
    }
    if (kind === 'redirect') return redirect(res, `/f/${name}`);
    const file = name ? files[decodeURIComponent(name)] : undefined;
    if (!file) {
      res.writeHead(404);
      return res.end('not found');
    }
    const st = statSync(file);
    const etag = `"${st.size}-${Math.floor(st.mtimeMs)}"`;
    const lastModified = st.mtime.toUTCString();
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag });
      return res.end();
    }
    let start = 0;
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
    const ifRange = req.headers['if-range'];
    if (range && (ifRange === undefined || ifRange === etag || ifRange === lastModified)) {
      start = Number(range[1]);
      if (start >= st.size) {
        res.writeHead(416, { 'content-range': `bytes */${st.size}` });
        return res.end();
      }
      status = 206;
    }
    const length = st.size - start;
    const headers: http.OutgoingHttpHeaders = { etag, 'last-modified': lastModified, 'accept-ranges': 'bytes', 'content-length': kind === 'short' ? length + (1 << 20) : length };
    if (status === 206) headers['content-range'] = `bytes ${start}-${st.size - 1}/${st.size}`;
    res.writeHead(status, headers);
    const stream = createReadStream(file, { start, ...(kind === 'drop' ? { end: start + Math.max(1, Math.floor(length / 2)) - 1 } : {}), highWaterMark: 64 * 1024 });
    const rate = opts.slowBytesPerSec ?? 256 * 1024;
    stream.on('data', (chunk) => {
      count(path, chunk.length);
      request.served += chunk.length;
      // The next chunk is read once the response has drained and (paced /slow/) its time slot has passed:
      // a 'drain' alone must not resume a paced stream early.
      let drained = res.write(chunk);
      let slotOver = kind !== 'slow';
      if (drained && slotOver) return;
      stream.pause();
      if (!drained) {
        res.once('drain', () => {
          drained = true;
          if (slotOver) stream.resume();
        });
      }
      if (!slotOver) {
        setTimeout(() => {
          slotOver = true;
          if (drained) stream.resume();
        }, (chunk.length / rate) * 1000);
      }
    });
    stream.on('end', () => {
      if (kind === 'drop' || kind === 'short') {
        // Give the bytes a moment to leave, then cut the connection mid-body.
        setTimeout(() => res.socket?.destroy(), 50);
      } else res.end();
    });
    req.on('close', () => stream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (p) => `http://127.0.0.1:${port}${p}`,
    served,
    requests,
    totalServed: () => [...served.values()].reduce((a, b) => a + b, 0),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function redirect(res: http.ServerResponse, to: string): void {
  res.writeHead(302, { location: to });
  res.end();
}
