// One HTTP(S) download into a `.part` file: resumes with Range (+ If-Range) from what the file already holds,
// follows a bounded number of redirects (dropping credentials across hosts, as Go's client does), asks
// conditionally (If-None-Match / If-Modified-Since) when a cached copy exists, refuses bodies larger than the
// limit before and while reading them, and keeps what it received when the connection drops, so the next
// attempt continues from there.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { VmdeskError } from '../../shared/errors';
import { formatBytes } from '../../shared/format-bytes';

/** The redirect limit (Go's http.Client default, which go-getter uses). */
export const MAX_REDIRECTS = 10;

/** A validator of a response body: what a conditional or If-Range request names. */
export interface Validator {
  etag?: string;
  lastModified?: string;
}

/** What one download is asked to do. */
export interface HttpGetOptions {
  url: string;
  headers?: Record<string, string>;
  /** Where the body goes; an existing file (with its `.json` side file) is resumed. */
  partFile: string;
  maxBytes: number;
  /** A cached copy's validator: a 304 answer then means "use it". */
  ifNoneMatch?: Validator;
  signal?: AbortSignal;
  /** Called as bytes arrive (done counts what the part file holds, including a resumed prefix). */
  onProgress?: (done: number, total: number | undefined) => void;
  /** Free bytes where the part file lives (a function so tests can give a number). */
  freeBytes?: () => number | undefined;
  /** Hash the body as it arrives (with a resumed prefix), so a checksum needs no second read. */
  hashAlgorithm?: string;
}

/** What a download did. */
export type HttpGetResult =
  | { status: 'not-modified' }
  | { status: 'downloaded'; bytes: number; resumedFrom: number; validator: Validator; finalUrl: string; hex?: string };

interface PartMeta {
  url: string;
  validator: Validator;
}

/** Downloads `url` into `partFile` (see the file comment). */
export async function httpGet(o: HttpGetOptions): Promise<HttpGetResult> {
  let url = new URL(o.url);
  let headers: Record<string, string> = { ...(o.headers ?? {}) };
  const meta = readPartMeta(o.partFile);
  let have = meta && meta.url === o.url && existsSync(o.partFile) ? statSync(o.partFile).size : 0;
  if (have === 0) rmSync(o.partFile, { force: true });
  // The hash of a resumed prefix, made before the request (a response must not wait unread while we hash).
  let prefix: Hash | undefined;
  let prefixBytes = 0;
  for (let hop = 0; ; hop++) {
    if (o.hashAlgorithm && have > 0 && prefixBytes !== have) {
      prefix = createHash(o.hashAlgorithm);
      await hashPrefix(o.partFile, have, prefix);
      prefixBytes = have;
    }
    const req: Record<string, string> = { 'user-agent': 'vmdesk', 'accept-encoding': 'identity', ...headers };
    if (have > 0) {
      req.range = `bytes=${have}-`;
      const v = meta?.validator.etag ?? meta?.validator.lastModified;
      if (v) req['if-range'] = v;
    } else if (o.ifNoneMatch) {
      if (o.ifNoneMatch.etag) req['if-none-match'] = o.ifNoneMatch.etag;
      if (o.ifNoneMatch.lastModified) req['if-modified-since'] = o.ifNoneMatch.lastModified;
    }
    const res = await request(url, req, o.signal);
    const status = res.statusCode ?? 0;
    if ([301, 302, 303, 307, 308].includes(status)) {
      res.resume();
      const location = res.headers.location;
      if (!location) throw fail(`GET ${url.href}: HTTP ${status} redirect without a Location header`);
      if (hop + 1 > MAX_REDIRECTS) throw fail(`GET ${o.url}: stopped after ${MAX_REDIRECTS} redirects (last Location: ${location}); the server redirects in a loop`);
      const next = new URL(location, url);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw fail(`GET ${url.href}: redirect to ${next.protocol} is not followed`);
      if (next.host !== url.host) headers = withoutCredentials(headers);
      url = next;
      continue;
    }
    if (status === 304 && o.ifNoneMatch) {
      res.resume();
      return { status: 'not-modified' };
    }
    if (status === 416 && have > 0) {
      // The part file may already be complete ("bytes */TOTAL"); otherwise start over.
      res.resume();
      const total = /\*\/(\d+)/.exec(String(res.headers['content-range'] ?? ''))?.[1];
      if (total !== undefined && Number(total) === have) return { status: 'downloaded', bytes: have, resumedFrom: have, validator: meta!.validator, finalUrl: url.href };
      have = 0;
      rmSync(o.partFile, { force: true });
      continue;
    }
    if (status !== 200 && status !== 206) {
      res.resume();
      throw fail(`GET ${url.href}: HTTP ${status} ${res.statusMessage ?? ''}`.trim() + (status === 404 ? ' (check the source URL)' : status >= 500 ? ' (a server error; try again later)' : ''));
    }
    let start = 0;
    if (status === 206) {
      const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? ''));
      if (!m || Number(m[1]) !== have) {
        res.resume();
        have = 0;
        rmSync(o.partFile, { force: true });
        continue;
      }
      start = have;
    }
    const length = res.headers['content-length'] !== undefined ? Number(res.headers['content-length']) : undefined;
    const total = length !== undefined && Number.isFinite(length) ? start + length : undefined;
    if (total !== undefined && total > o.maxBytes) {
      res.destroy();
      throw fail(`GET ${url.href}: the file is ${formatBytes(total)}, over the limit of ${formatBytes(o.maxBytes)} (artifact_max_bytes in the driver config)`);
    }
    const free = o.freeBytes?.();
    if (total !== undefined && free !== undefined && total - start > free) {
      res.destroy();
      throw fail(`GET ${url.href}: ${formatBytes(total - start)} to download but only ${formatBytes(free)} free on the disk holding ${o.partFile}`);
    }
    const validator: Validator = {
      ...(res.headers.etag ? { etag: String(res.headers.etag) } : {}),
      ...(res.headers['last-modified'] ? { lastModified: String(res.headers['last-modified']) } : {}),
    };
    writeFileSync(`${o.partFile}.json`, JSON.stringify({ url: o.url, validator } satisfies PartMeta));
    const hash = o.hashAlgorithm ? (start > 0 && prefix ? prefix.copy() : createHash(o.hashAlgorithm)) : undefined;
    const bytes = await receive(res, o, start, total, url.href, hash);
    return { status: 'downloaded', bytes, resumedFrom: start, validator, finalUrl: url.href, ...(hash ? { hex: hash.digest('hex') } : {}) };
  }
}

/** Removes a part file and its side file. */
export function removePart(partFile: string): void {
  rmSync(partFile, { force: true });
  rmSync(`${partFile}.json`, { force: true });
}

async function hashPrefix(file: string, bytes: number, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(file, { start: 0, end: bytes - 1, highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
}

function receive(res: http.IncomingMessage, o: HttpGetOptions, start: number, total: number | undefined, href: string, hash?: Hash): Promise<number> {
  return new Promise((resolve, reject) => {
    // A 4 MiB write buffer: with the default 16 KiB every 64 KiB chunk from the socket made write() return
    // false, so the response was paused and resumed once per chunk (and the chunks' memory churned the GC):
    // 2.0–2.6 s → 0.65–0.8 s for 128 MiB from a local server in a profile (bench/findings.md, issue #14).
    const out = createWriteStream(o.partFile, { flags: start > 0 ? 'a' : 'w', highWaterMark: 4 << 20 });
    let done = start;
    let settled = false;
    let lastReport = 0;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      o.signal?.removeEventListener('abort', onAbort);
      res.destroy();
      out.end(() => (err ? reject(err) : resolve(done)));
    };
    const onAbort = () => finish(new VmdeskError('CANCELLED', `download of ${o.url} cancelled after ${formatBytes(done)}; fetching again resumes it`));
    o.signal?.addEventListener('abort', onAbort);
    res.on('data', (chunk: Buffer) => {
      if (settled) return;
      done += chunk.length;
      if (done > o.maxBytes) {
        finish(fail(`GET ${href}: more than ${formatBytes(o.maxBytes)} (artifact_max_bytes in the driver config); download stopped`));
        return;
      }
      hash?.update(chunk);
      if (!out.write(chunk)) {
        res.pause();
        out.once('drain', () => res.resume());
      }
      const now = Date.now();
      if (now - lastReport >= 100) {
        lastReport = now;
        o.onProgress?.(done, total);
      }
    });
    res.on('end', () => {
      if (total !== undefined && done !== total) {
        finish(fail(`GET ${href}: the connection closed after ${formatBytes(done)} of ${formatBytes(total)}; fetching again resumes the download`));
      } else {
        o.onProgress?.(done, total ?? done);
        finish();
      }
    });
    res.on('aborted', () => finish(dropped(href, done, total)));
    res.on('error', () => finish(dropped(href, done, total)));
    out.on('error', (err) => finish(fail(`writing ${o.partFile}: ${err.message}`)));
    if (o.signal?.aborted) onAbort();
  });
}

function dropped(href: string, done: number, total: number | undefined): VmdeskError {
  return fail(`GET ${href}: the connection dropped after ${formatBytes(done)}${total !== undefined ? ` of ${formatBytes(total)}` : ''}; fetching again resumes the download`);
}

function request(url: URL, headers: Record<string, string>, signal?: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new VmdeskError('CANCELLED', `download of ${url.href} cancelled`));
    const lib = url.protocol === 'https:' ? https : http;
    // A fresh connection per request (agent: false): a pooled keep-alive socket the server has closed meanwhile
    // would fail the request with ECONNRESET before it started.
    const req = lib.get(url, { headers, agent: false, timeout: 30_000, ...(signal ? { signal } : {}) }, resolve);
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', (err) =>
      reject(signal?.aborted ? new VmdeskError('CANCELLED', `download of ${url.href} cancelled`) : fail(`GET ${url.href}: ${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`.replace(/\s+/g, ' '))),
    );
  });
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !['authorization', 'cookie', 'proxy-authorization'].includes(k.toLowerCase())));
}

function readPartMeta(partFile: string): PartMeta | undefined {
  try {
    const m = JSON.parse(readFileSync(`${partFile}.json`, 'utf8')) as PartMeta;
    return typeof m.url === 'string' && m.validator && typeof m.validator === 'object' ? m : undefined;
  } catch {
    return undefined;
  }
}

function fail(message: string): VmdeskError {
  return new VmdeskError('ARTIFACT_FAILED', message);
}
