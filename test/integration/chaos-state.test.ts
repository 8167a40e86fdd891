// Faults in vmdesk's own state while QEMU runs (real QEMU paused with -S on a blank image: the guest is not
// what is tested here): a state record truncated, garbage or from another version; the runtime dir deleted
// under a running VM; a stale socket left by a dead QEMU; a pid reused by another process. Each is detected
// and reported, nothing is started twice, nothing crashes. Then two vmdesk processes start, stop and destroy
// the same VM at once, 50 times: every operation happens once or fails clearly.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSupervisor } from '../../src/main/supervisor/supervisor';
import type { SupervisorApi } from '../../src/main/supervisor/api';
import { readProcStat } from '../../src/main/supervisor/proc';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';
import { VmdeskError } from '../../src/shared/errors';
import { killTracked, pidsMentioning, trackDir, trackPid } from '../helpers/cleanup';
import { createImage } from '../helpers/image-files';
import { makeTempHome, type TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const root = fileURLToPath(new URL('../..', import.meta.url));
let t: TempHome;
const sups: SupervisorApi[] = [];
const children = new Set<ChildProcess>();

beforeAll(() => {
  t = makeTempHome();
  trackDir(t.runtimeDir);
  trackDir(t.home);
  createImage(join(t.home, 'blank.qcow2'));
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const s of sups) await s.close().catch(() => undefined);
  killTracked();
  t?.remove();
});

const newSup = () => {
  const s = createSupervisor({ home: t.home, env: t.env, driverConfig: () => DEFAULT_DRIVER_CONFIG });
  sups.push(s);
  return s;
};
const taskFile = (name: string) => {
  const p = join(t.home, `${name}.json`);
  writeFileSync(p, JSON.stringify({ name, config: { image_path: 'blank.qcow2', args: ['-S'] }, resources: { memory: 128 }, kill_timeout: '3s', disposable: true }));
  return p;
};
const vmDir = (name: string) => join(t.home, 'vms', name);
const recordFile = (name: string) => join(vmDir(name), 'vm.json');
const qemusOf = (name: string) => pidsMentioning(join(vmDir(name), 'console.log')).filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith('/'));
const codeOf = (e: unknown) => (e instanceof VmdeskError ? e.code : `not a VmdeskError: ${String(e)}`);

describe('a broken state record while QEMU runs', () => {
  let good: string;
  let pid: number;
  beforeAll(async () => {
    const s = newSup();
    const vm = await s.start({ taskFile: taskFile('rec') });
    pid = vm.pid!;
    trackPid(pid);
    await s.close(); // detach: QEMU runs on, as after the app quits
    good = readFileSync(recordFile('rec'), 'utf8');
  });

  it.each([
    ['truncated', (g: string) => g.slice(0, Math.floor(g.length / 2)), /not valid JSON/],
    ['garbage', () => '\u0000\u0001garbage{{', /not valid JSON/],
    ['from an older version', (g: string) => JSON.stringify({ ...JSON.parse(g), version: 0 }), /version/],
    ['from a newer version', (g: string) => JSON.stringify({ ...JSON.parse(g), version: 2 }), /version/],
    ['with a wrong type', (g: string) => JSON.stringify({ ...JSON.parse(g), pid: 'twelve' }), /pid/],
  ])('%s: recover reports and quarantines it, does not crash; a start is refused, QEMU is not started twice', async (_what, corrupt, reason) => {
    writeFileSync(recordFile('rec'), corrupt(good));
    const s = newSup();
    const events: string[] = [];
    s.on('event', (name, e) => events.push(`${name}:${e.type}:${e.message}`));
    await expect(s.recover()).resolves.toBeDefined();
    expect(events.join('\n')).toMatch(new RegExp(`rec:record-quarantined:corrupt state record \\(.*${reason.source}`));
    expect(readdirSync(vmDir('rec')).some((f) => f.startsWith('vm.json.corrupt-'))).toBe(true);
    const err = await s.start({ taskFile: taskFile('rec') }).catch((e: unknown) => e);
    expect(codeOf(err)).toBe('VM_RUNNING');
    expect((err as Error).message).toMatch(new RegExp(`still running \\(pid ${pid}\\)`));
    expect(qemusOf('rec')).toEqual([pid]);
    await s.close();
    for (const f of readdirSync(vmDir('rec'))) if (f.startsWith('vm.json.corrupt-')) rmSync(join(vmDir('rec'), f));
  });

  it('the runtime dir deleted under the running VM: lost (reported), not started twice; stop kills the provably-ours QEMU by signal', async () => {
    writeFileSync(recordFile('rec'), good);
    rmSync(join(t.runtimeDir, 'rec'), { recursive: true, force: true });
    const s = newSup();
    const vms = await s.recover();
    expect(vms.find((v) => v.name === 'rec')?.state).toBe('lost');
    expect((await s.events('rec')).map((e) => `${e.type}: ${e.message}`).join('\n')).toMatch(/lost: cannot reach QEMU \(pid \d+\) on its QMP socket/);
    expect(codeOf(await s.start({ taskFile: taskFile('rec') }).catch((e: unknown) => e))).toBe('VM_RUNNING');
    expect(qemusOf('rec')).toEqual([pid]);
    const r = await s.stop('rec');
    expect(r.step).toBe('sigterm');
    expect(r.info.state).toBe('exited');
    expect(qemusOf('rec')).toEqual([]);
    await s.destroy('rec', { removeLogs: true });
  });
});

describe('a dead QEMU and a reused pid', () => {
  it('a stale socket left by a QEMU that died while no vmdesk watched: reported as exited; a new start works', async () => {
    // A separate vmdesk process starts it; that process and then QEMU are SIGKILLed: nobody records the exit,
    // and QEMU (killed) cannot remove its sockets.
    const child = spawn(join(root, 'node_modules/.bin/jiti'), [join(root, 'test/fixtures/hold-vms.ts'), t.home, taskFile('stale')], { env: t.env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    trackPid(child.pid);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const [vm] = await waitFor('the holder to start it', () => (out.includes('\n') ? (JSON.parse(out) as Array<{ pid: number; uuid: string }>) : undefined), 120_000, 50);
    trackPid(vm!.pid);
    child.kill('SIGKILL');
    await waitFor('the holder to die', () => child.signalCode !== null, 30_000, 20);
    process.kill(vm!.pid, 'SIGKILL');
    await waitFor('QEMU to die', () => !existsSync(`/proc/${vm!.pid}`) || readProcStat(vm!.pid)?.state === 'Z', 30_000, 20);
    expect(existsSync(join(t.runtimeDir, 'stale', 'qmp.sock'))).toBe(true);

    const s = newSup();
    expect((await s.list()).find((v) => v.name === 'stale')?.state).toBe('exited');
    const vms = await s.recover();
    expect(vms.find((v) => v.name === 'stale')).toMatchObject({ state: 'exited', lastExit: { summary: expect.stringMatching(/exited while no vmdesk process was watching/) } });
    const again = await s.start({ taskFile: taskFile('stale') });
    trackPid(again.pid);
    expect(again.pid).not.toBe(vm!.pid);
    expect(again.state).toMatch(/running|paused/);
    expect(qemusOf('stale')).toEqual([again.pid]);
    await s.stop('stale', { force: true });
    await s.destroy('stale', { removeLogs: true });
  });

  it('a pid reused by another process: lost (reported), the other process is never signalled', async () => {
    const s = newSup();
    const vm = await s.start({ taskFile: taskFile('reused') });
    trackPid(vm.pid);
    await s.stop('reused', { force: true });
    const sleeper = spawn('sleep', ['300'], { stdio: 'ignore' });
    children.add(sleeper);
    trackPid(sleeper.pid);
    const rec = JSON.parse(readFileSync(recordFile('reused'), 'utf8'));
    writeFileSync(recordFile('reused'), JSON.stringify({ ...rec, state: 'running', pid: sleeper.pid, pidStartTime: readProcStat(sleeper.pid!)!.startTime, lastExit: undefined }));
    const s2 = newSup();
    const vms = await s2.recover();
    expect(vms.find((v) => v.name === 'reused')?.state).toBe('lost');
    expect((await s2.events('reused')).map((e) => e.message).join('\n')).toMatch(new RegExp(`pid ${sleeper.pid} is alive but is not this VM's QEMU`));
    const stop = await s2.stop('reused', { force: true }).catch((e: unknown) => e);
    expect(codeOf(stop)).toBe('STOP_FAILED');
    expect((stop as Error).message).toMatch(/cannot be verified, so vmdesk will not signal it/);
    await s2.destroy('reused', { force: true, removeLogs: true });
    expect(sleeper.exitCode).toBeNull();
    expect(sleeper.signalCode).toBeNull();
    expect(readProcStat(sleeper.pid!)?.state).not.toBe('Z');
    sleeper.kill('SIGKILL');
  });
});

describe('two vmdesk processes racing on the same VM, 50 times', () => {
  it('start, stop and destroy each happen once or fail clearly; never two QEMUs', async () => {
    const jiti = join(root, 'node_modules/.bin/jiti');
    const workers = [0, 1].map(() => {
      const child = spawn(jiti, [join(root, 'test/fixtures/vm-worker.ts'), t.home], { env: t.env, stdio: ['pipe', 'pipe', 'pipe'] });
      children.add(child);
      trackPid(child.pid);
      const lines: string[] = [];
      let buf = '';
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          lines.push(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
      });
      return { child, lines };
    });
    for (const w of workers) await waitFor('a worker to be ready', () => w.lines.length > 0, 120_000, 50);
    const ask = (w: (typeof workers)[number], cmd: string) => {
      const seen = w.lines.length;
      w.child.stdin!.write(cmd + '\n');
      return waitFor(`"${cmd}"`, () => (w.lines.length > seen ? (JSON.parse(w.lines[seen]!) as { ok: boolean; code?: string; message?: string; pid?: number; step?: string }) : undefined), 60_000, 10);
    };
    const file = taskFile('race');
    const clear = /^(VM_LOCKED|VM_RUNNING|VM_NOT_FOUND|VM_NOT_RUNNING)$/;
    for (let round = 1; round <= 50; round++) {
      const starts = await Promise.all(workers.map((w) => ask(w, `start ${file}`)));
      const ok = starts.filter((r) => r.ok);
      expect(ok.length, `round ${round}: ${JSON.stringify(starts)}`).toBe(1);
      for (const r of starts.filter((x) => !x.ok)) expect({ round, code: r.code }).toEqual({ round, code: expect.stringMatching(clear) });
      trackPid(ok[0]!.pid);
      expect(qemusOf('race')).toEqual([ok[0]!.pid]);

      const stops = await Promise.all(workers.map((w) => ask(w, 'stop race')));
      const killed = stops.filter((r) => r.ok && r.step !== 'already-exited');
      const story = () => `round ${round}: starts ${JSON.stringify(starts)} stops ${JSON.stringify(stops)}; events ${existsSync(join(t.home, 'vms', 'race', 'events.jsonl')) ? readFileSync(join(t.home, 'vms', 'race', 'events.jsonl'), 'utf8') : '(none)'}`;
      expect(killed.length, story()).toBe(1);
      for (const r of stops.filter((x) => !x.ok)) expect({ round, code: r.code }).toEqual({ round, code: expect.stringMatching(clear) });
      expect(qemusOf('race')).toEqual([]);

      const destroys = await Promise.all(workers.map((w) => ask(w, 'destroy race')));
      expect({ round, destroyed: destroys.filter((r) => r.ok).length }).toEqual({ round, destroyed: expect.any(Number) });
      for (const r of destroys.filter((x) => !x.ok)) expect({ round, code: r.code, message: r.message }).toEqual({ round, code: expect.stringMatching(clear), message: r.message });
      expect(destroys.some((r) => r.ok)).toBe(true);
      expect(existsSync(recordFile('race'))).toBe(false);
    }
  });
});
