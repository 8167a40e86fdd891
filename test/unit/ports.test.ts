// Host port checks with real sockets: a port is free only when every protocol of the forward can bind it.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveHostPorts } from '../../src/main/supervisor/ports';
import type { PortForward } from '../../src/shared/plan';

const held: Array<Server | UdpSocket> = [];
afterEach(async () => {
  for (const h of held.splice(0)) await new Promise<void>((r) => h.close(() => r()));
});

const holdUdp = () =>
  new Promise<number>((resolve) => {
    const s = createSocket('udp4');
    held.push(s);
    s.bind(0, '127.0.0.1', () => resolve(s.address().port));
  });
const holdTcp = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    held.push(s);
    s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port));
  });
const fwd = (host: number, protocols: PortForward['protocols']): PortForward => ({ label: 'web', host, guest: 80, bind: '127.0.0.1', protocols });

describe('resolveHostPorts', () => {
  it('refuses a fixed port whose UDP side is taken, for a forward that carries UDP', async () => {
    const port = await holdUdp();
    await expect(resolveHostPorts([fwd(port, ['tcp', 'udp'])])).rejects.toMatchObject({ code: 'PORT_IN_USE', field: 'ports.web', message: expect.stringContaining('already in use (tcp/udp)') });
    expect(await resolveHostPorts([fwd(port, ['tcp'])])).toEqual({ web: port }); // TCP alone is free
  });

  it('refuses a fixed port whose TCP side is taken', async () => {
    const port = await holdTcp();
    await expect(resolveHostPorts([fwd(port, ['tcp', 'udp'])])).rejects.toMatchObject({ code: 'PORT_IN_USE' });
  });

  it('port 0 becomes a port both protocols can bind, distinct per label', async () => {
    const got = await resolveHostPorts([fwd(0, ['tcp', 'udp']), { ...fwd(0, ['tcp', 'udp']), label: 'dns' }]);
    expect(got.web).toBeGreaterThan(0);
    expect(got.dns).not.toBe(got.web);
    for (const port of [got.web!, got.dns!]) {
      await expect(resolveHostPorts([fwd(port, ['tcp', 'udp'])])).resolves.toEqual({ web: port });
    }
  });
});
