// Real QEMU with the listening addresses that bindArgs rewrote: each listens on port_bind_address
// (127.0.0.1) only, as the kernel's socket tables (/proc/net/tcp, tcp6) show for that QEMU's ports. A control
// run with the address as the task wrote it (-vnc :N) listens on every interface, so the check can fail.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bindArgs } from '../../src/main/driver/args-binds';
import { killAll, startQemu, waitFor } from '../helpers/qemu-run';

afterEach(() => killAll());

/** A TCP port free on every interface right now (asked from the kernel with port 0, or tried in a range). */
async function freePort(from?: number): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const want = from === undefined ? 0 : from + Math.floor(Math.random() * 20_000);
    const port = await new Promise<number | undefined>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(undefined));
      s.listen(want, () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    if (port !== undefined) return port;
  }
  throw new Error('no free port');
}

/** Local addresses (hex, as in /proc/net/tcp*) of listening TCP sockets on `port`. */
function listeners(port: number): string[] {
  const out: string[] = [];
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(f, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') continue; // 0A: LISTEN
      const [addr, hexPort] = cols[1]!.split(':');
      if (parseInt(hexPort!, 16) === port) out.push(addr!);
    }
  }
  return out;
}

const LOOPBACK = '0100007F'; // 127.0.0.1, little-endian hex
const QEMU = ['-machine', 'pc,accel=tcg', '-m', '64', '-nodefaults', '-display', 'none', '-S', '-monitor', 'none'];

describe('rewritten listening addresses really listen only on port_bind_address (real QEMU)', () => {
  it('hostfwd (QemuOpts and JSON), -vnc :N, a server chardev, -gdb tcp::P, -incoming tcp::P all listen on 127.0.0.1 only', async () => {
    const [fwd, jfwd, chr, gdb, inc] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    const vnc = await freePort(6900);
    const task = [
      '-netdev', `user,id=n,hostfwd=tcp::${fwd}-:80`,
      '-netdev', `{'type':'user','id':'n2','hostfwd':[{'str':'tcp::${jfwd}-:81'}]}`, // QEMU's JSON dialect
      '-vnc', `:${vnc - 5900}`,
      '-chardev', `socket,id=c,port=${chr},server=on,wait=off`,
      '-gdb', `tcp::${gdb}`,
      '-incoming', `tcp::${inc}`,
    ];
    const bound = bindArgs(task, '127.0.0.1', true);
    expect(bound.args).not.toEqual(task);
    startQemu('qemu-system-x86_64', [...QEMU, ...bound.args]);
    const ports = { hostfwd: fwd, jsonHostfwd: jfwd, vnc, chardev: chr, gdb, incoming: inc };
    await waitFor(() => Object.values(ports).every((p) => listeners(p).length > 0), 'QEMU listening on every port', 90_000);
    expect(Object.fromEntries(Object.entries(ports).map(([k, p]) => [k, listeners(p)]))).toEqual({
      hostfwd: [LOOPBACK], jsonHostfwd: [LOOPBACK], vnc: [LOOPBACK], chardev: [LOOPBACK], gdb: [LOOPBACK], incoming: [LOOPBACK],
    });
  });

  it('control: -vnc :N as written listens on every interface', async () => {
    const vnc = await freePort(6900);
    startQemu('qemu-system-x86_64', [...QEMU, '-vnc', `:${vnc - 5900}`]);
    await waitFor(() => listeners(vnc).length > 0, 'QEMU listening for VNC', 90_000);
    expect(listeners(vnc).some((a) => a === '00000000' || /^0+$/.test(a))).toBe(true);
  });
});
