// A minimal QMP client for the raw-QEMU baselines (deliberately not vmdesk's): connect as soon as the socket
// accepts (retrying every millisecond), read the greeting, negotiate capabilities, run commands.
import { connect, type Socket } from 'node:net';
import { sleep } from './clock';

/** An open, negotiated QMP connection. */
export interface RawQmp {
  execute(command: string, args?: Record<string, unknown>): Promise<unknown>;
  /** Resolves with the first event from now on for which `match` is true. */
  nextEvent(match: (event: { event: string; data?: Record<string, unknown> }) => boolean, timeoutMs: number): Promise<void>;
  close(): void;
}

function connectOnce(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    s.once('connect', () => {
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', reject);
  });
}

/** Connects (retrying until `timeoutMs`), negotiates, and returns the client. */
export async function rawQmp(path: string, timeoutMs: number): Promise<RawQmp> {
  const end = Date.now() + timeoutMs;
  let sock: Socket | undefined;
  while (!sock) {
    try {
      sock = await connectOnce(path);
    } catch (err) {
      if (Date.now() > end) throw new Error(`QMP socket ${path} did not accept a connection within ${timeoutMs} ms: ${(err as Error).message}`);
      await sleep(1);
    }
  }
  const s = sock;
  let buf = '';
  const waiting: Array<(msg: Record<string, unknown>) => void> = [];
  type Event = { event: string; data?: Record<string, unknown> };
  const eventWaiters = new Set<(e: Event) => void>();
  let greeted!: () => void;
  const greeting = new Promise<void>((r) => (greeted = r));
  s.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const msg = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
      buf = buf.slice(nl + 1);
      if ('QMP' in msg) greeted();
      else if ('return' in msg || 'error' in msg) waiting.shift()?.(msg);
      else if ('event' in msg) for (const w of [...eventWaiters]) w(msg as unknown as Event);
    }
  });
  s.on('error', () => undefined);
  const execute = (command: string, args?: Record<string, unknown>) =>
    new Promise<unknown>((resolve, reject) => {
      waiting.push((msg) => ('error' in msg ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.return)));
      s.write(JSON.stringify(args ? { execute: command, arguments: args } : { execute: command }) + '\n');
    });
  await greeting;
  await execute('qmp_capabilities');
  const nextEvent = (match: (e: Event) => boolean, ms: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        eventWaiters.delete(w);
        reject(new Error(`no matching QMP event within ${ms} ms`));
      }, ms);
      const w = (e: Event) => {
        if (!match(e)) return;
        clearTimeout(timer);
        eventWaiters.delete(w);
        resolve();
      };
      eventWaiters.add(w);
    });
  return { execute, nextEvent, close: () => s.destroy() };
}
