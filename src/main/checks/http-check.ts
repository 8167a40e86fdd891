// `http`: an HTTP request to the host port forwarded for a label; status, body and headers checked, retried
// until they match or the timeout passes.
import { request } from 'node:http';
import type { CheckSpec } from '../../shared/checks';
import type { CheckRunner } from './context';
import { excerpt, hostPort, pause, throwIfAborted } from './context';

/** Most body bytes read. */
export const HTTP_BODY_MAX = 1024 * 1024;

/** One response. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One request to 127.0.0.1:port. */
export function httpOnce(port: number, path: string, method: string, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < HTTP_BODY_MAX) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).subarray(0, HTTP_BODY_MAX).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** What is wrong with an answer for this check, or undefined when it matches. Pure. */
export function httpMismatch(spec: NonNullable<CheckSpec['http']>, a: HttpAnswer): string | undefined {
  const status = spec.status ?? 200;
  if (a.status !== status) return `status ${a.status}, expected ${status}`;
  if (spec.body !== undefined && !new RegExp(spec.body, 'm').test(a.body)) return `the body does not match /${spec.body}/`;
  for (const [name, pattern] of Object.entries(spec.headers ?? {})) {
    const v = a.headers[name.toLowerCase()];
    if (v === undefined) return `no ${name} header`;
    if (!new RegExp(pattern).test(v)) return `header ${name}: ${JSON.stringify(v)} does not match /${pattern}/`;
  }
  return undefined;
}

/** Runs an http check. */
export const httpCheck: CheckRunner = async (spec, ctx, deadline) => {
  const h = spec.http!;
  const where = hostPort(ctx.vm, h.port);
  if ('error' in where) return { passed: false, message: where.error, evidence: {} };
  const method = h.method ?? 'GET';
  const url = `http://127.0.0.1:${where.port}${h.path}`;
  let attempts = 0;
  let last = 'no attempt';
  let answer: HttpAnswer | undefined;
  while (Date.now() < deadline) {
    throwIfAborted(ctx.signal);
    attempts++;
    try {
      answer = await httpOnce(where.port, h.path, method, Math.min(10_000, Math.max(1000, deadline - Date.now())));
      const wrong = httpMismatch(h, answer);
      if (!wrong) return { passed: true, message: `${method} ${url}: ${answer.status}`, evidence: { url, status: answer.status, attempts, body: excerpt(answer.body, 500) } };
      last = wrong;
    } catch (err) {
      last = (err as Error).message;
    }
    await pause(1000, ctx.signal);
  }
  return {
    passed: false,
    message: `${method} ${url}: ${last} (within the timeout, ${attempts} attempts)`,
    evidence: { url, attempts, ...(answer ? { status: answer.status, headers: answer.headers, body: excerpt(answer.body, 500) } : {}) },
  };
};
