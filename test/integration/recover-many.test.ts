// Several VMs re-attached at once: a supervisor process holding six VMs (five started paused with "-S",
// so they need no boot on 2 shared cores, and one running) is SIGKILLed; a new supervisor's recover()
// finds every one with its own state, pid, uuid and host ports (each port still answers), and the work it
// put off until after the list (stats sampling) then runs for each. Every QEMU is SIGKILLed in afterAll
// even on failure (test/helpers/cleanup.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSupervisor } from '../../src/main/supervisor/supervisor';
import type { SupervisorApi } from '../../src/main/supervisor/api';
import { loadDriverConfig } from '../../src/main/store/settings-file';
import type { PortForward } from '../../src/shared/plan';
import { killTracked, trackDir, trackPid } from '../helpers/cleanup';
import { makeCliHome, writeGuestTask } from '../helpers/cli-home';
import { guestDisk } from '../helpers/guest';
import type { TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const root = fileURLToPath(new URL('../..', import.meta.url));
const jiti = join(root, 'node_modules/.bin/jiti');
const PAUSED = ['many-a', 'many-b', 'many-c', 'many-d', 'many-e'];
const RUNNING = 'many-run';

interface Held { name: string; pid: number; uuid: string; state: string; ports: PortForward[] }

let t: TempHome;
let holder: ChildProcess | undefined;
let held: Held[] = [];
let sup: SupervisorApi | undefined;

/** Resolves once something accepts a TCP connection on 127.0.0.1:port (QEMU's user-net forward listens). */
function tcpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

beforeAll(async () => {
  t = makeCliHome();
  trackDir(t.runtimeDir);
  trackDir(t.home);
  const tasks = [...PAUSED.map((n) => writeGuestTask(t, n, guestDisk, {}, { args: ['-S'] })), writeGuestTask(t, RUNNING, guestDisk)];
  holder = spawn(jiti, [join(root, 'test/fixtures/hold-vms.ts'), t.home, ...tasks], { env: t.env, stdio: ['ignore', 'pipe', 'pipe'] });
  trackPid(holder.pid);
  let out = '';
  let err = '';
  holder.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  holder.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  held = await waitFor('the holding supervisor to start all six VMs', () => {
    if (holder!.exitCode !== null) throw new Error(`hold-vms exited: ${err}`);
    const nl = out.indexOf('\n');
    return nl >= 0 ? (JSON.parse(out.slice(0, nl)) as Held[]) : undefined;
  }, 240_000, 50);
  for (const vm of held) trackPid(vm.pid);
  holder.kill('SIGKILL');
  await waitFor('the holding supervisor to die', () => holder!.exitCode !== null || holder!.signalCode !== null, 30_000, 20);
});

afterAll(async () => {
  holder?.kill('SIGKILL');
  await sup?.close();
  killTracked();
  t?.remove();
});

describe('recover() after SIGKILL of the supervisor, six VMs at once', () => {
  it('finds each VM with its own state, pid, uuid and ports; each forwarded port still answers', async () => {
    expect(held.map((v) => [v.name, v.state])).toEqual([...PAUSED.map((n) => [n, 'paused']), [RUNNING, 'running']]);
    const hostPorts = held.map((v) => v.ports[0]!.host);
    expect(new Set(hostPorts).size).toBe(held.length); // six distinct ports: a mix-up would show below

    sup = createSupervisor({ home: t.home, env: t.env, driverConfig: () => loadDriverConfig({ home: t.home }) });
    const vms = await sup.recover();
    const got = vms.map((v) => ({ name: v.name, pid: v.pid, uuid: v.uuid, state: v.state, ports: v.ports })).sort((a, b) => a.name.localeCompare(b.name));
    expect(got).toEqual([...held].sort((a, b) => a.name.localeCompare(b.name)));
    for (const v of held) expect(await tcpAnswers(v.ports[0]!.host), `${v.name}'s port ${v.ports[0]!.host}`).toBe(true);

    // Re-attached by this process, once each.
    for (const v of held) {
      const re = (await sup.events(v.name)).filter((e) => e.type === 'reattached');
      expect(re.at(-1)?.data).toMatchObject({ pid: v.pid, uuid: v.uuid, supervisorPid: process.pid });
    }
    // What recover() put off until the list was made still happens: stats are sampled for every VM.
    for (const v of held) await waitFor(`stats for ${v.name}`, () => sup!.stats(v.name).length > 0 || undefined, 60_000, 50);
  });
});
