// The QMP and guest-agent clients against real unix socket servers. The servers are FAKES of QEMU's QMP
// monitor and of qemu-ga (scripted replies), so that orderings real QEMU rarely produces can be forced:
// events between a command and its reply, replies split and merged, disconnects mid-call, silence.
// The clients against real QEMU are covered by test/integration/.
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GuestAgentClient, QmpClient, QmpCommandError, QmpDisconnectedError, QmpTimeoutError } from '../../src/main/qmp/index';

const GREETING = '{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": ""}, "capabilities": ["oob"]}}\r\n';

let dir: string;
let server: Server | undefined;
const sockets: Socket[] = [];

beforeEach(() => {
  dir = mkdtempSync('/tmp/vd-qmp-');
});
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.length = 0;
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** A fake QMP server: sends the greeting, then hands each parsed command to `onCommand`. */
function fakeQmp(onCommand: (cmd: { execute: string; id?: string; arguments?: unknown }, sock: Socket) => void): Promise<string> {
  const path = join(dir, 'qmp.sock');
  server = createServer((sock) => {
    sockets.push(sock);
    sock.write(GREETING);
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const cmd = JSON.parse(line);
        if (cmd.execute === 'qmp_capabilities') sock.write(`{"return": {}, "id": ${JSON.stringify(cmd.id)}}\r\n`);
        else onCommand(cmd, sock);
      }
    });
    sock.on('error', () => undefined);
  });
  return new Promise((resolve) => server!.listen(path, () => resolve(path)));
}

describe('QmpClient', () => {
  it('negotiates capabilities, sends ids and matches replies', async () => {
    const seen: unknown[] = [];
    const path = await fakeQmp((cmd, sock) => {
      seen.push(cmd);
      sock.write(`{"return": {"status": "running", "running": true}, "id": ${JSON.stringify(cmd.id)}}\r\n`);
    });
    const qmp = await QmpClient.connect(path);
    expect(qmp.greeting.version?.qemu?.major).toBe(7);
    await expect(qmp.execute('query-status')).resolves.toEqual({ status: 'running', running: true });
    expect(seen).toEqual([{ execute: 'query-status', id: expect.stringMatching(/^vmdesk-\d+$/) }]);
    await qmp.close();
  });

  it('delivers events that arrive between a command and its reply, and replies out of order', async () => {
    const held: Array<{ id?: string; sock: Socket }> = [];
    const path = await fakeQmp((cmd, sock) => {
      held.push({ id: cmd.id, sock });
      if (held.length === 2) {
        // Reply to the second first, with an event in between, all merged into one write.
        const [a, b] = held;
        sock.write(
          `{"return": "second", "id": ${JSON.stringify(b!.id)}}\r\n` +
            '{"timestamp": {"seconds": 10, "microseconds": 0}, "event": "POWERDOWN"}\r\n' +
            `{"return": "first", "id": ${JSON.stringify(a!.id)}}\r\n`,
        );
      }
    });
    const qmp = await QmpClient.connect(path);
    const events: string[] = [];
    qmp.onEvent((e) => events.push(e.event));
    const [first, second] = await Promise.all([qmp.execute('a'), qmp.execute('b')]);
    expect(first).toBe('first');
    expect(second).toBe('second');
    expect(events).toEqual(['POWERDOWN']);
    await qmp.close();
  });

  it('reassembles a reply split byte by byte', async () => {
    const path = await fakeQmp((cmd, sock) => {
      const text = `{"return": {"UUID": "abc"}, "id": ${JSON.stringify(cmd.id)}}\r\n`;
      let i = 0;
      const drip = () => {
        if (i < text.length) {
          sock.write(text[i++]!);
          setImmediate(drip);
        }
      };
      drip();
    });
    const qmp = await QmpClient.connect(path);
    await expect(qmp.execute('query-uuid')).resolves.toEqual({ UUID: 'abc' });
    await qmp.close();
  });

  it('turns an error reply into QmpCommandError', async () => {
    const path = await fakeQmp((cmd, sock) => {
      sock.write(`{"error": {"class": "CommandNotFound", "desc": "The command nope has not been found"}, "id": ${JSON.stringify(cmd.id)}}\r\n`);
    });
    const qmp = await QmpClient.connect(path);
    const err = await qmp.execute('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QmpCommandError);
    expect((err as QmpCommandError).errorClass).toBe('CommandNotFound');
    await qmp.close();
  });

  it('times out a call that gets no answer, and ignores the late answer', async () => {
    let late: (() => void) | undefined;
    const path = await fakeQmp((cmd, sock) => {
      if (cmd.execute === 'slow') late = () => sock.write(`{"return": "late", "id": ${JSON.stringify(cmd.id)}}\r\n`);
      else sock.write(`{"return": "${cmd.execute}", "id": ${JSON.stringify(cmd.id)}}\r\n`);
    });
    const qmp = await QmpClient.connect(path);
    await expect(qmp.execute('slow', undefined, { timeoutMs: 100 })).rejects.toBeInstanceOf(QmpTimeoutError);
    late?.();
    await expect(qmp.execute('fast')).resolves.toBe('fast');
    await qmp.close();
  });

  it('rejects every pending call when the socket closes, and fires onClose once', async () => {
    const path = await fakeQmp((_cmd, sock) => {
      if (sockets.length && _cmd.execute === 'second') sock.destroy();
    });
    const qmp = await QmpClient.connect(path);
    let closes = 0;
    qmp.onClose(() => closes++);
    const a = qmp.execute('first').catch((e: unknown) => e);
    const b = qmp.execute('second').catch((e: unknown) => e);
    expect(await a).toBeInstanceOf(QmpDisconnectedError);
    expect(await b).toBeInstanceOf(QmpDisconnectedError);
    await qmp.closed;
    expect(closes).toBe(1);
    expect(qmp.isClosed).toBe(true);
    await expect(qmp.execute('after')).rejects.toBeInstanceOf(QmpDisconnectedError);
  });

  it('fails to connect with a clear error when nothing listens', async () => {
    await expect(QmpClient.connect(join(dir, 'absent.sock'))).rejects.toThrow(/cannot connect to .*absent\.sock: ENOENT/);
  });

  it('times out when the peer never greets', async () => {
    const path = join(dir, 'mute.sock');
    server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server!.listen(path, () => r()));
    await expect(QmpClient.connect(path, { connectTimeoutMs: 150 })).rejects.toBeInstanceOf(QmpTimeoutError);
  });
});

/** A fake qemu-ga: handles 0xFF resync and guest-sync-delimited like qga does; `reply` answers the rest. */
function fakeAgent(reply: ((cmd: { execute: string; arguments?: Record<string, unknown> }) => unknown) | 'silent', opts: { staleFirst?: boolean } = {}): Promise<string> {
  const path = join(dir, 'ga.sock');
  server = createServer((sock) => {
    sockets.push(sock);
    if (reply === 'silent') return;
    if (opts.staleFirst) sock.write('{"return": {"stale": true}}\n');
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const ff = buf.indexOf(0xff);
        if (ff >= 0 && ff < (buf.indexOf(0x0a) < 0 ? Infinity : buf.indexOf(0x0a))) {
          buf = buf.subarray(ff + 1);
          sock.write('{"error": {"class": "GenericError", "desc": "JSON parse error, stray \'\\xff\'"}}\n');
          continue;
        }
        const nl = buf.indexOf(0x0a);
        if (nl < 0) break;
        const cmd = JSON.parse(buf.subarray(0, nl).toString());
        buf = buf.subarray(nl + 1);
        if (cmd.execute === 'guest-sync-delimited') {
          sock.write(Buffer.concat([Buffer.from([0xff]), Buffer.from(JSON.stringify({ return: cmd.arguments.id }) + '\n')]));
        } else {
          sock.write(JSON.stringify(reply(cmd)) + '\n');
        }
      }
    });
    sock.on('error', () => undefined);
  });
  return new Promise((resolve) => server!.listen(path, () => resolve(path)));
}

describe('GuestAgentClient', () => {
  it('syncs past stale output and the 0xFF parse error, then answers ping/info/interfaces', async () => {
    const path = await fakeAgent(
      (cmd) => {
        if (cmd.execute === 'guest-ping') return { return: {} };
        if (cmd.execute === 'guest-info') return { return: { version: '7.2.0', supported_commands: [] } };
        if (cmd.execute === 'guest-network-get-interfaces') {
          return {
            return: [
              { name: 'eth0', 'hardware-address': '52:54:00:12:34:56', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '10.0.2.15', prefix: 24 }] },
            ],
          };
        }
        return { error: { class: 'CommandNotFound', desc: 'no' } };
      },
      { staleFirst: true },
    );
    const ga = await GuestAgentClient.connect(path);
    await ga.ping();
    expect(await ga.info()).toMatchObject({ version: '7.2.0' });
    expect(await ga.interfaces()).toEqual([{ name: 'eth0', hardwareAddress: '52:54:00:12:34:56', addresses: [{ type: 'ipv4', address: '10.0.2.15', prefix: 24 }] }]);
    await expect(ga.execute('guest-nope')).rejects.toBeInstanceOf(QmpCommandError);
    ga.close();
  });

  it('runs exec and decodes base64 output once guest-exec-status says exited', async () => {
    let polls = 0;
    const path = await fakeAgent((cmd) => {
      if (cmd.execute === 'guest-exec') return { return: { pid: 77 } };
      if (cmd.execute === 'guest-exec-status') {
        polls++;
        if (polls < 3) return { return: { exited: false } };
        return { return: { exited: true, exitcode: 3, 'out-data': Buffer.from('hello\n').toString('base64'), 'err-data': Buffer.from('oops').toString('base64') } };
      }
      return { return: {} };
    });
    const ga = await GuestAgentClient.connect(path);
    expect(await ga.exec('/bin/sh', ['-c', 'echo hello'])).toEqual({ exitCode: 3, stdout: 'hello\n', stderr: 'oops', truncated: false });
    expect(polls).toBe(3);
    ga.close();
  });

  it('times out when the socket accepts but no agent answers (QEMU without qemu-ga in the guest)', async () => {
    const path = await fakeAgent('silent');
    const started = Date.now();
    await expect(GuestAgentClient.connect(path, { timeoutMs: 200 })).rejects.toBeInstanceOf(QmpTimeoutError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
