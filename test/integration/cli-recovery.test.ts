// The VM outlives its supervisor: a separate supervisor process starts two VMs and is killed with SIGKILL;
// the CLI (new processes) re-attaches both (same pid, same uuid), talks to them and stops them gracefully;
// the console logs run on without a gap. Also: two concurrent `vmdesk start` of one VM start it once.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Booting under TCG on 2 shared cores can take minutes when other tests load the machine.
vi.setConfig({ testTimeout: 1_500_000, hookTimeout: 240_000 });
import type { VmEvent, VmInfo } from '../../src/shared/vm';
import { killTracked, pidsMentioning, trackDir, trackPid } from '../helpers/cleanup';
import { json, vmdesk } from '../helpers/cli';
import { makeCliHome, writeGuestTask } from '../helpers/cli-home';
import { guestDisk, guestMarkers } from '../helpers/guest';
import type { TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';

const markers = guestMarkers();
const root = fileURLToPath(new URL('../..', import.meta.url));
let t: TempHome;
let holder: ChildProcess | undefined;

beforeAll(() => {
  t = makeCliHome();
  trackDir(t.runtimeDir);
});

afterAll(() => {
  holder?.kill('SIGKILL');
  killTracked();
  t?.remove();
});

const consoleLog = (name: string) => join(t.home, 'vms', name, 'console.log');
const ticks = (text: string) => [...text.matchAll(new RegExp(`${markers.tick} (\\d+)`, 'g'))].map((m) => Number(m[1]));

describe('recovery after the supervisor dies', () => {
  it('re-attaches both VMs from a new process and stops them gracefully, with continuous console logs', async () => {
    const tasks = [writeGuestTask(t, 'rec-a', guestDisk), writeGuestTask(t, 'rec-b', guestDisk)];
    holder = spawn(join(root, 'node_modules/.bin/jiti'), [join(root, 'test/fixtures/hold-vms.ts'), t.home, ...tasks], { env: t.env, stdio: ['ignore', 'pipe', 'pipe'] });
    trackPid(holder.pid);
    let out = '';
    let err = '';
    holder.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    holder.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const started = await waitFor('the holder to start both VMs', () => {
      if (holder!.exitCode !== null) throw new Error(`holder exited: ${err}`);
      return out.includes('\n') ? (JSON.parse(out) as Array<{ name: string; pid: number; uuid: string }>) : undefined;
    }, 120_000, 200);
    for (const vm of started) trackPid(vm.pid);
    await Promise.all(
      started.map((vm) =>
        waitFor(`${vm.name} to boot`, () => readFileSync(consoleLog(vm.name), 'utf8').includes(markers.ready), 900_000, 500).catch((err: Error) => {
          throw new Error(`${err.message}; console tail: ${JSON.stringify(readFileSync(consoleLog(vm.name), 'utf8').slice(-400))}`);
        }),
      ),
    );

    // Kill the supervisor process; QEMU runs on (its own process group), writing its logs itself.
    const beforeKill = Object.fromEntries(started.map((v) => [v.name, readFileSync(consoleLog(v.name), 'utf8')]));
    holder.kill('SIGKILL');
    await waitFor('the holder to die', () => holder!.exitCode !== null || holder!.signalCode !== null);
    for (const vm of started) {
      const before = ticks(beforeKill[vm.name]!);
      await waitFor(`${vm.name} to tick on without a supervisor`, () => ticks(readFileSync(consoleLog(vm.name), 'utf8')).length > before.length + 2, 60_000, 500);
    }

    // A new process (the CLI) finds both: same pid, same uuid, running.
    const ls = json<{ vms: VmInfo[] }>(await vmdesk(['ls', '--json'], t.env));
    for (const vm of started) {
      expect(ls.vms.find((v) => v.name === vm.name)).toMatchObject({ state: 'running', pid: vm.pid, uuid: vm.uuid });
    }
    // It talks to them: the guest agent and stats from fresh processes.
    const ifaces = json<{ interfaces: Array<{ name: string; addresses: Array<{ address: string }> }> }>(await vmdesk(['agent', 'rec-a', 'ifaces', '--json'], t.env));
    expect(ifaces.interfaces.find((i) => i.name === 'eth0')?.addresses.map((a) => a.address)).toContain('10.0.2.15');
    const stats = json<{ sample: { rssBytes: number } }>(await vmdesk(['stats', 'rec-a', '--json'], t.env));
    expect(stats.sample.rssBytes).toBeGreaterThan(10 * 1024 * 1024);

    // And stops them gracefully (the guest powers off).
    for (const vm of started) {
      const r = await vmdesk(['stop', vm.name, '--json'], t.env);
      const stop = json<{ step: string; vm: VmInfo }>(r);
      expect(stop.step).toBe('powerdown');
      expect(stop.vm).toMatchObject({ state: 'exited', pid: vm.pid, uuid: vm.uuid });
      expect(stop.vm.lastExit).toMatchObject({ requested: true, stopStep: 'powerdown', shutdownReason: 'guest-shutdown' });
      expect(pidsMentioning(vm.uuid)).toEqual([]);
      const events = json<{ events: VmEvent[] }>(await vmdesk(['events', vm.name, '--json'], t.env)).events.map((e) => e.type);
      expect(events).toEqual(expect.arrayContaining(['running', 'reattached', 'stop-step', 'POWERDOWN', 'SHUTDOWN', 'exited']));
    }

    // The console log is continuous: every tick from 1 to the last, across the supervisor's death.
    for (const vm of started) {
      const log = readFileSync(consoleLog(vm.name), 'utf8');
      const all = ticks(log);
      const before = ticks(beforeKill[vm.name]!);
      expect(all.length).toBeGreaterThan(before.length);
      expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
      expect(log.startsWith(beforeKill[vm.name]!)).toBe(true);
      expect(log).toContain('power button, powering off');
      // `vmdesk logs` prints the same bytes.
      const logs = await vmdesk(['logs', vm.name], t.env);
      expect(logs.stdout).toBe(log);
    }
  });
});

describe('two concurrent starts of one VM', () => {
  it('starts it once: one succeeds, the other is refused, one QEMU runs', async () => {
    const task = writeGuestTask(t, 'twice', guestDisk);
    const [a, b] = await Promise.all([vmdesk(['start', task, '--json'], t.env), vmdesk(['start', task, '--json'], t.env)]);
    const results = [a, b].map((r) => json<{ ok: boolean; vm?: VmInfo; error?: { code: string } }>(r));
    const ok = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok);
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(['VM_LOCKED', 'VM_RUNNING']).toContain(refused[0]!.error!.code);
    trackPid(ok[0]!.vm!.pid);
    expect(pidsMentioning(ok[0]!.vm!.uuid!)).toEqual([ok[0]!.vm!.pid]);
    expect(pidsMentioning(join(t.runtimeDir, 'twice', 'qmp.sock'))).toHaveLength(1);
    const stop = json<{ step: string; vm: VmInfo }>(await vmdesk(['stop', 'twice', '--force', '--json'], t.env));
    expect(stop.step).toBe('sigkill');
    expect(stop.vm.state).toBe('exited');
    const rm = await vmdesk(['rm', 'twice'], t.env);
    expect(rm.code).toBe(0);
    expect(json<{ vms: VmInfo[] }>(await vmdesk(['ls', '--json'], t.env)).vms.map((v) => v.name)).not.toContain('twice');
  });
});
