// Host ports for forwards: resolve 0 to a free port, and refuse a port already in use before QEMU starts.
// A forward carries TCP and/or UDP (QEMU's hostfwd binds each), so a port is free only when every one of
// its protocols can bind it.
import { createSocket } from 'node:dgram';
import { createServer, isIPv6 } from 'node:net';
import { VmdeskError } from '../../shared/errors';
import type { PortForward } from '../../shared/plan';

type Probe = { ok: true; port: number } | { ok: false; code: string };

/** Tries to bind UDP bind:port; resolves to the port, or the error code. */
function probeUdp(bind: string, port: number): Promise<Probe> {
  return new Promise((resolve) => {
    const sock = createSocket({ type: isIPv6(bind) ? 'udp6' : 'udp4', reuseAddr: false });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      sock.close();
      resolve({ ok: false, code: err.code ?? err.message });
    });
    sock.bind({ address: bind, port, exclusive: true }, () => sock.close(() => resolve({ ok: true, port })));
  });
}

/** Tries to bind bind:port for every protocol of the forward (TCP first, which resolves port 0). */
async function probe(bind: string, port: number, protocols: readonly string[]): Promise<Probe> {
  const tcp = await probeTcp(bind, port);
  if (!tcp.ok || !protocols.includes('udp')) return tcp;
  return probeUdp(bind, tcp.port);
}

/** Tries to listen on TCP bind:port (0 = any); resolves to the port bound, or the error code. */
function probeTcp(bind: string, port: number): Promise<Probe> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, code: err.code ?? err.message }));
    srv.listen({ host: bind, port, exclusive: true }, () => {
      const addr = srv.address();
      const got = typeof addr === 'object' && addr ? addr.port : port;
      srv.close(() => resolve({ ok: true, port: got }));
    });
  });
}

/**
 * Returns the host port for each label: fixed ports checked free, 0 resolved to a free port (distinct
 * from the others). There is an unavoidable window between this check and QEMU binding; QEMU's own
 * error ("Could not set up host forwarding rule") is reported if another process wins it.
 */
export async function resolveHostPorts(ports: readonly PortForward[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const taken = new Set<number>();
  for (const p of ports) {
    if (p.host !== 0) {
      const r = await probe(p.bind, p.host, p.protocols);
      if (!r.ok) {
        throw new VmdeskError(
          'PORT_IN_USE',
          r.code === 'EADDRINUSE'
            ? `port ${p.label}: host port ${p.host} on ${p.bind} is already in use (${p.protocols.join('/')}); choose another port or 0 (pick a free one)`
            : `port ${p.label}: cannot listen on ${p.bind}:${p.host} (${r.code})`,
          `ports.${p.label}`,
        );
      }
      out[p.label] = p.host;
      taken.add(p.host);
    }
  }
  for (const p of ports) {
    if (p.host !== 0) continue;
    for (let i = 0; i < 20; i++) {
      const r = await probe(p.bind, 0, p.protocols);
      if (!r.ok && r.code === 'EADDRINUSE') continue; // TCP port free, UDP taken: try another
      if (!r.ok) throw new VmdeskError('PORT_INVALID', `port ${p.label}: cannot listen on ${p.bind} (${r.code})`, `ports.${p.label}`);
      if (!taken.has(r.port)) {
        out[p.label] = r.port;
        taken.add(r.port);
        break;
      }
    }
  }
  return out;
}
