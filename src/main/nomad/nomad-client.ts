// A small client for the parts of Nomad's HTTP API that submit uses, on Node's built-in fetch. Errors say
// what happened in Nomad's own words (the response body) or the network's (the socket or TLS error code);
// the ACL token travels only in the X-Nomad-Token header and never appears in a message.
import { VmdeskError } from '../../shared/errors';
import type { NomadTarget } from './nomad-target';

/** Why a request failed. */
export type NomadFailure = 'network' | 'tls' | 'http' | 'timeout' | 'protocol';

/** A failed request to Nomad; `status` and `body` are Nomad's answer for `http` failures. */
export class NomadRequestError extends VmdeskError {
  constructor(
    readonly failure: NomadFailure,
    message: string,
    readonly status?: number,
    readonly body?: string,
  ) {
    super('NOMAD_ERROR', message);
    this.name = 'NomadRequestError';
  }
}

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|HOSTNAME_MISMATCH|ERR_OSSL)/;

/** The network or TLS cause of a failed fetch, as `CODE: message`. */
function causeOf(err: unknown): { code?: string; text: string } {
  let e: unknown = err;
  // undici wraps the socket error: TypeError('fetch failed', { cause }); sometimes one level deeper.
  for (let i = 0; i < 3 && e instanceof Error && e.cause; i++) e = e.cause;
  const code = (e as { code?: string }).code;
  const msg = e instanceof Error ? e.message : String(e);
  return { ...(code ? { code } : {}), text: code && !msg.includes(code) ? `${code}: ${msg}` : msg };
}

/** Talks to one Nomad. */
export class NomadClient {
  constructor(
    readonly target: NomadTarget,
    private readonly timeoutMs = 30_000,
  ) {}

  /** The URL of an API path, with the namespace and region query parameters. */
  url(path: string): string {
    const u = new URL(`${this.target.address}${path}`);
    if (this.target.namespace) u.searchParams.set('namespace', this.target.namespace);
    if (this.target.region) u.searchParams.set('region', this.target.region);
    return u.toString();
  }

  /** Sends a request and parses the JSON answer; throws NomadRequestError. */
  async request<T>(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.target.token) headers['x-nomad-token'] = this.target.token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const where = `${method} ${this.target.address}${path}`;
    let res: Response;
    try {
      res = await fetch(this.url(path), {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      if ((err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError') {
        throw new NomadRequestError('timeout', `${where}: no answer from Nomad within ${Math.round(this.timeoutMs / 1000)}s`);
      }
      const cause = causeOf(err);
      if (cause.code && TLS_CODES.test(cause.code)) {
        throw new NomadRequestError('tls', `TLS error talking to Nomad at ${this.target.address}: ${cause.text}`);
      }
      throw new NomadRequestError('network', `cannot reach Nomad at ${this.target.address}: ${cause.text}`);
    }
    const text = await res.text();
    if (!res.ok) {
      const shown = text.trim() || res.statusText;
      const hint =
        res.status === 403
          ? this.target.token
            ? ' (the ACL token was refused: check --token or NOMAD_TOKEN and its policy)'
            : ' (this Nomad requires an ACL token: give --token or set NOMAD_TOKEN)'
          : '';
      throw new NomadRequestError('http', `Nomad answered ${res.status} ${res.statusText} to ${method} ${path}: ${shown}${hint}`, res.status, text);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new NomadRequestError('protocol', `${where}: Nomad's answer is not JSON: ${text.slice(0, 200)}`);
    }
  }
}
