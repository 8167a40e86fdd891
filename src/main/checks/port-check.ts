// `port`: a TCP connection to the host port forwarded for a port_map label, retried until the timeout.
// QEMU's user network (slirp) accepts a connection on a forwarded port before the guest has answered, then
// closes it when the guest refuses: so a connection counts as open only when it is still open (or has sent
// data) SETTLE_MS after connecting.
import { connect } from 'node:net';
import type { CheckRunner } from './context';
import { hostPort, pause, throwIfAborted } from './context';

/** How long a fresh connection must stay open to count. */
export const SETTLE_MS = 1000;

/** One attempt: 'open', or why not. */
export function probeTcp(port: number, timeoutMs: number): Promise<'open' | string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let settled = false;
    const done = (v: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done('connect timed out'), timeoutMs);
    socket.on('connect', () => {
      clearTimeout(timer);
      setTimeout(() => done('open'), SETTLE_MS);
    });
    socket.on('data', () => done('open'));
    socket.on('end', () => done('the guest closed the connection (nothing listens on the guest port yet?)'));
    socket.on('close', () => done('the connection was closed'));
    socket.on('error', (err) => done(err.message));
  });
}

/** Runs a port check. */
export const portCheck: CheckRunner = async (spec, ctx, deadline) => {
  const where = hostPort(ctx.vm, spec.port!);
  if ('error' in where) return { passed: false, message: where.error, evidence: {} };
  let attempts = 0;
  let last = '';
  while (Date.now() < deadline) {
    throwIfAborted(ctx.signal);
    attempts++;
    last = await probeTcp(where.port, Math.min(5000, Math.max(500, deadline - Date.now())));
    if (last === 'open') return { passed: true, message: `127.0.0.1:${where.port} (${spec.port}) accepts connections`, evidence: { port: where.port, attempts } };
    await pause(500, ctx.signal);
  }
  return { passed: false, message: `127.0.0.1:${where.port} (${spec.port}) did not accept a connection within the timeout: ${last}`, evidence: { port: where.port, attempts } };
};
