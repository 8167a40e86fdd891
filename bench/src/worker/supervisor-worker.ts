// A supervisor in its own process, so the bench can measure its RSS and CPU from /proc, kill it with
// SIGKILL and start another that re-attaches. Forked by worker-client.ts with VMDESK_HOME and
// VMDESK_RUNTIME_DIR set; driven by the requests of protocol.ts.
import { createHash } from 'node:crypto';
import { createSupervisor } from '../../../src/main/supervisor/supervisor';
import { DEFAULT_DRIVER_CONFIG } from '../../../src/shared/driver-config';
import { isLive } from '../../../src/shared/vm';
import type { Notice, Reply, Request } from './protocol';

const now = () => Number(process.hrtime.bigint()) / 1e6;
const sup = createSupervisor({ home: process.env.VMDESK_HOME!, env: process.env, driverConfig: () => DEFAULT_DRIVER_CONFIG });
const send = (m: Reply | Notice) => process.send!(m);
const subscriptions: Array<() => void> = [];
let received = { bytes: 0, hash: createHash('sha1') };

/** Latency stamps written by bench/console-writer.mjs: "@@LAT <monotonic ms>@@". */
const LAT = /@@LAT ([0-9.]+)@@/g;

function subscribe(name: string, expectBytes: number, latencyLines: number, hash: boolean): void {
  received = { bytes: 0, hash: createHash('sha1') };
  const latencies: number[] = [];
  let carry = '';
  subscriptions.push(
    sup.subscribeConsole(name, (chunk) => {
      const at = now();
      received.bytes += chunk.length;
      if (latencyLines > 0) {
        const text = carry + Buffer.from(chunk).toString('latin1');
        for (const m of text.matchAll(LAT)) latencies.push(at - Number(m[1]));
        carry = text.slice(Math.max(0, text.lastIndexOf('@@LAT')));
        if (/@@LAT [0-9.]+@@/.test(carry)) carry = '';
        if (latencies.length >= latencyLines) send({ notice: 'latencies', values: latencies.splice(0) });
      } else {
        if (hash) received.hash.update(chunk);
        if (received.bytes >= expectBytes) send({ notice: 'all-received', at, bytes: received.bytes, hash: received.hash.copy().digest('hex') });
      }
    }, { fromOffset: 0 }),
  );
}

async function handle(r: Request): Promise<unknown> {
  switch (r.op) {
    case 'start': {
      const t0 = now();
      const infos = await Promise.all(r.taskFiles.map((taskFile) => sup.start({ taskFile })));
      return { ms: now() - t0, pids: infos.map((i) => i.pid!) };
    }
    case 'recover': {
      const t0 = now();
      const infos = await sup.recover();
      return { ms: now() - t0, running: infos.filter((i) => i.state === 'running').length, live: infos.filter((i) => isLive(i.state)).length };
    }
    case 'kill-all': {
      const infos = await sup.list();
      await Promise.all(infos.filter((i) => isLive(i.state)).map((i) => sup.stop(i.name, { force: true })));
      return infos.length;
    }
    case 'subscribe':
      subscribe(r.name, r.expectBytes, r.latencyLines, r.hash);
      return undefined;
    case 'received':
      return { bytes: received.bytes, hash: received.hash.copy().digest('hex') };
    case 'close':
      for (const off of subscriptions.splice(0)) off();
      await sup.close();
      return undefined;
  }
}

process.on('message', (m) => {
  const r = m as Request;
  handle(r).then(
    (value) => send({ id: r.id, ok: true, value: value ?? null }),
    (err: Error) => send({ id: r.id, ok: false, error: err.message }),
  );
});
send({ notice: 'ready', at: now() });
