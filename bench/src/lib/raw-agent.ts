// A minimal qemu-ga client for the raw baselines (deliberately not vmdesk's): one connection, synced once with
// guest-sync-delimited (qga/qapi-schema.json), then commands one at a time; guest-exec-status is asked again
// at once until the process has exited (no pause: the fastest a direct caller can learn of the exit).
import { connect, type Socket } from 'node:net';

/** An open, synced agent connection. */
export interface RawAgent {
  execute(command: string, args?: Record<string, unknown>): Promise<unknown>;
  /** guest-exec with captured output, then guest-exec-status until exited; resolves to the exit code. */
  exec(path: string, args: string[]): Promise<number>;
  close(): void;
}

function open(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    s.once('connect', () => {
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', reject);
  });
}

/** Connects and syncs, retrying (the agent may not run yet right after boot) until `timeoutMs`. */
export async function rawAgent(path: string, timeoutMs: number): Promise<RawAgent> {
  const end = Date.now() + timeoutMs;
  const s = await open(path);
  s.on('error', () => undefined);
  let buf = '';
  const waiting: Array<(msg: Record<string, unknown>) => void> = [];
  let syncing: ((msg: Record<string, unknown>) => void) | undefined;
  s.on('data', (d: Buffer) => {
    buf += d.toString('latin1').replace(/\xff/g, ''); // the sync reply is prefixed by 0xFF
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (!line) continue;
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (syncing) syncing(msg);
      else waiting.shift()?.(msg);
    }
  });
  const execute = (command: string, args?: Record<string, unknown>) =>
    new Promise<unknown>((resolve, reject) => {
      waiting.push((msg) => ('error' in msg ? reject(new Error(`${command}: ${JSON.stringify(msg.error)}`)) : resolve(msg.return)));
      s.write(JSON.stringify(args ? { execute: command, arguments: args } : { execute: command }) + '\n');
    });
  // While syncing, every answer but the one with our id is dropped (the agent answers the 0xFF flush byte
  // with a parse error, and a previous client may have left replies queued).
  for (;;) {
    const id = Math.floor(Math.random() * 2 ** 31);
    const synced = new Promise<boolean>((resolve) => {
      syncing = (msg) => {
        if (msg.return === id) resolve(true);
      };
      setTimeout(() => resolve(false), 1000);
    });
    s.write(Buffer.from([0xff]));
    s.write(JSON.stringify({ execute: 'guest-sync-delimited', arguments: { id } }) + '\n');
    const ok = await synced;
    syncing = undefined;
    if (ok) break;
    if (Date.now() > end) {
      s.destroy();
      throw new Error(`the guest agent on ${path} did not answer guest-sync-delimited within ${timeoutMs} ms`);
    }
  }
  return {
    execute,
    async exec(path, args) {
      const { pid } = (await execute('guest-exec', { path, arg: args, 'capture-output': true })) as { pid: number };
      for (;;) {
        const st = (await execute('guest-exec-status', { pid })) as { exited: boolean; exitcode?: number };
        if (st.exited) return st.exitcode ?? -1;
      }
    },
    close: () => s.destroy(),
  };
}
