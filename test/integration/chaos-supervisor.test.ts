// Chaos with the real guest, bounded in time and count: three VMs outlive 20 SIGKILLed supervisors in a row
// (each new supervisor process re-attaches all three with the same pid and uuid; the console logs have no
// gap), then QEMU dies by SIGKILL (a re-attached VM, not our child), SIGSEGV (our child) and by itself
// (the guest powers off): each is detected at once and recorded with its cause. Every QEMU is SIGKILLed in
// afterAll even on failure (test/helpers/cleanup.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSupervisor } from '../../src/main/supervisor/supervisor';
import type { SupervisorApi } from '../../src/main/supervisor/api';
import { loadDriverConfig } from '../../src/main/store/settings-file';
import { killTracked, pidsMentioning, trackDir, trackPid } from '../helpers/cleanup';
import { makeCliHome, writeGuestTask } from '../helpers/cli-home';
import { guestDisk, guestMarkers } from '../helpers/guest';
import type { TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';

// Booting three TCG guests on 2 shared cores can take minutes when other tests load the machine.
vi.setConfig({ testTimeout: 600_000, hookTimeout: 600_000 });

const markers = guestMarkers();
const root = fileURLToPath(new URL('../..', import.meta.url));
const jiti = join(root, 'node_modules/.bin/jiti');
const NAMES = ['chaos-a', 'chaos-b', 'chaos-c'];
const KILLS = 20;

let t: TempHome;
const children = new Set<ChildProcess>();
let started: Array<{ name: string; pid: number; uuid: string }> = [];
let sup: SupervisorApi | undefined;

/** Spawns a separate process running a fixture; resolves with it and its first stdout JSON line. */
async function spawnFixture(fixture: string, args: string[]): Promise<{ child: ChildProcess; first: unknown; lines: () => string[] }> {
  const child = spawn(jiti, [join(root, 'test/fixtures', fixture), ...args], { env: t.env, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  trackPid(child.pid);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const first = await waitFor(`${fixture} to answer`, () => {
    if (child.exitCode !== null) throw new Error(`${fixture} exited: ${err}`);
    const nl = out.indexOf('\n');
    return nl >= 0 ? (JSON.parse(out.slice(0, nl)) as unknown) : undefined;
  }, 240_000, 50);
  return { child, first, lines: () => out.split('\n').filter(Boolean) };
}

async function sigkill(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await waitFor('the supervisor process to die', () => child.exitCode !== null || child.signalCode !== null, 30_000, 20);
  children.delete(child);
}

const consoleLog = (name: string) => join(t.home, 'vms', name, 'console.log');
const ticks = (name: string) => [...readFileSync(consoleLog(name), 'utf8').matchAll(new RegExp(`${markers.tick} (\\d+)`, 'g'))].map((m) => Number(m[1]));

beforeAll(async () => {
  t = makeCliHome();
  trackDir(t.runtimeDir);
  trackDir(t.home);
  const tasks = NAMES.map((n) => writeGuestTask(t, n, guestDisk));
  const holder = await spawnFixture('hold-vms.ts', [t.home, ...tasks]);
  started = holder.first as typeof started;
  for (const vm of started) trackPid(vm.pid);
  for (const vm of started) await waitFor(`${vm.name} to boot`, () => readFileSync(consoleLog(vm.name), 'utf8').includes(markers.ready), 420_000, 500);
  await sigkill(holder.child);
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await sup?.close();
  killTracked();
  t?.remove();
});

/** Sends one command to a vm-worker and resolves with its JSON answer. */
async function ask(w: { child: ChildProcess; lines: () => string[] }, command: string, timeoutMs = 120_000): Promise<Record<string, unknown>> {
  const seen = w.lines().length;
  w.child.stdin!.write(command + '\n');
  return waitFor(`the answer to "${command}"`, () => {
    const l = w.lines();
    return l.length > seen ? (JSON.parse(l[seen]!) as Record<string, unknown>) : undefined;
  }, timeoutMs, 20);
}

describe('the supervisor process SIGKILLed 20 times in a row while three VMs run', () => {
  it('each new supervisor process re-attaches all three (same pid, same uuid); the console logs have no gap', async () => {
    const before = Object.fromEntries(NAMES.map((n) => [n, ticks(n).length]));
    for (let i = 1; i <= KILLS; i++) {
      const w = await spawnFixture('vm-worker.ts', [t.home]);
      const r = await ask(w, 'recover');
      expect(r.ok, JSON.stringify(r)).toBe(true);
      const vms = (r.vms as Array<{ name: string; state: string; pid: number; uuid: string }>).sort((a, b) => a.name.localeCompare(b.name));
      expect({ kill: i, vms }).toEqual({ kill: i, vms: started.map((v) => ({ name: v.name, state: 'running', pid: v.pid, uuid: v.uuid })) });
      await sigkill(w.child);
    }
    // Every VM re-attached each time: one "reattached" event per kill, from 20 different supervisor pids.
    const probe = createSupervisor({ home: t.home, env: t.env, driverConfig: () => loadDriverConfig({ home: t.home }) });
    for (const name of NAMES) {
      const re = (await probe.events(name)).filter((e) => e.type === 'reattached');
      expect(re).toHaveLength(KILLS);
      expect(new Set(re.map((e) => e.data?.supervisorPid)).size).toBe(KILLS);
    }
    await probe.close();
    // QEMU wrote the console all along: ticks 1..N with no gap, and more of them than before the kills.
    for (const name of NAMES) {
      await waitFor(`${name} to tick on`, () => ticks(name).length > before[name]! + 1, 60_000, 500);
      const all = ticks(name);
      expect(all).toEqual(Array.from({ length: all.length }, (_, k) => k + 1));
    }
  });
});

describe('QEMU dying: detected at once, recorded with its cause', () => {
  beforeAll(async () => {
    sup = createSupervisor({ home: t.home, env: t.env, driverConfig: () => loadDriverConfig({ home: t.home }) });
    const vms = await sup.recover();
    expect(vms.filter((v) => v.state === 'running').map((v) => v.name).sort()).toEqual(NAMES);
  });

  it('SIGKILL of a re-attached QEMU (not our child): crashed, with the pid and no shutdown seen', async () => {
    const b = started.find((v) => v.name === 'chaos-b')!;
    const exit = sup!.wait('chaos-b');
    process.kill(b.pid, 'SIGKILL');
    const rec = await exit;
    const info = await sup!.inspect('chaos-b');
    expect(info.state).toBe('crashed');
    expect(rec.requested).toBe(false);
    expect(rec.summary).toMatch(new RegExp(`${b.pid}`));
    expect(pidsMentioning(b.uuid)).toEqual([]);
  });

  it('the guest powering off by itself: exited (not crashed), the guest-shutdown reason recorded', async () => {
    const exit = sup!.wait('chaos-c');
    await sup!.writeConsole('chaos-c', 'poweroff -f\n');
    const viaAgent = sup!.agent.exec('chaos-c', ['/bin/busybox', 'poweroff', '-f'], { timeoutMs: 5_000 }).catch(() => undefined);
    const rec = await exit;
    await viaAgent;
    const info = await sup!.inspect('chaos-c');
    expect(info.state).toBe('exited');
    expect(rec).toMatchObject({ requested: false });
    expect(JSON.stringify(rec)).toMatch(/guest-shutdown|shut down|powered off/);
  });

  it('SIGSEGV of a QEMU we spawned: crashed, with the signal', async () => {
    const task = writeGuestTask(t, 'chaos-segv', guestDisk);
    const vm = await sup!.start({ taskFile: task });
    trackPid(vm.pid);
    const exit = sup!.wait('chaos-segv');
    process.kill(vm.pid!, 'SIGSEGV');
    const rec = await exit;
    expect(rec).toMatchObject({ signal: 'SIGSEGV', requested: false });
    expect((await sup!.inspect('chaos-segv')).state).toBe('crashed');
    const events = (await sup!.events('chaos-segv')).map((e) => e.type);
    expect(events).toContain('crashed');
  });
});
