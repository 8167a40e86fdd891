// Nothing lost, nothing orphaned (issue #12, items 7 and 8), with real QEMU (paused with -S on a blank image:
// no guest needed) driven through the real CLI: `vmdesk start` SIGKILLed at each point of the start (before
// the spawn, after the spawn before the pid is recorded, after), a record whose pid now belongs to another
// process while the QEMU runs, a record of another run, and no record at all. Each time vmdesk finds its QEMU
// by identity, reports it truthfully, and every hint an error gives is followed and shown to work.
import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { VmInfo } from '../../src/shared/vm';
import { killTracked, pidsMentioning, trackDir, trackPid } from '../helpers/cleanup';
import { json, vmdesk, type CliResult } from '../helpers/cli';
import { createImage } from '../helpers/image-files';
import { spawnBystander } from '../helpers/recorded-vm';
import { makeTempHome, type TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const bin = fileURLToPath(new URL('../../bin/vmdesk.js', import.meta.url));
let t: TempHome;
const bystanders: ChildProcess[] = [];

beforeAll(() => {
  t = makeTempHome();
  trackDir(t.runtimeDir);
  createImage(join(t.home, 'blank.qcow2'));
});
afterEach(() => {
  for (const b of bystanders) b.kill('SIGKILL');
  bystanders.length = 0;
});
afterAll(() => {
  killTracked();
  t?.remove();
});

/** Writes a task file for a QEMU that needs no guest (paused at once, -S); returns its path. */
function task(name: string): string {
  const path = join(t.home, `${name}.task.json`);
  writeFileSync(path, JSON.stringify({ name, config: { image_path: 'blank.qcow2', args: ['-S'] }, resources: { memory: 128 }, disposable: true }));
  return path;
}

/** `vmdesk start` with VMDESK_TEST_KILL_AT set: resolves with the signal that ended it. */
function startKilledAt(point: string, taskFile: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, 'start', taskFile, '--json'], { env: { ...t.env, VMDESK_TEST_KILL_AT: point }, timeout: 120_000 }, (err) => resolve(err?.signal ?? null));
  });
}

const runtimeDir = (name: string) => join(t.runtimeDir, name);
const qemusOf = (name: string) => pidsMentioning(`${runtimeDir(name)}/`);
const recordFile = (name: string) => join(t.home, 'vms', name, 'vm.json');
const readRecord = (name: string) => JSON.parse(readFileSync(recordFile(name), 'utf8')) as { state: string; pid?: number; uuid: string; pidStartTime?: number };
const ls = async (name: string) => (json<{ vms: VmInfo[] }>(await vmdesk(['ls', '--json'], t.env)).vms.find((v) => v.name === name));
const errorOf = (r: CliResult) => (json<{ error: { code: string; message: string } }>(r)).error;

/** Runs the command a hint names (`vmdesk ...` through the CLI, `kill PID` as a signal); checks it succeeded. */
async function follow(hint: string): Promise<void> {
  const kill = /^kill ((?:\d+ ?)+)$/.exec(hint);
  if (kill) {
    for (const pid of kill[1]!.trim().split(' ').map(Number)) process.kill(pid, 'SIGTERM');
    for (const pid of kill[1]!.trim().split(' ').map(Number)) await waitFor(`pid ${pid} to exit`, () => !pidsMentioning(t.runtimeDir).includes(pid), 60_000);
    return;
  }
  const args = /^vmdesk (.+)$/.exec(hint)?.[1]?.split(' ');
  if (!args) throw new Error(`not a command: ${hint}`);
  const r = await vmdesk(args, t.env);
  expect({ hint, code: r.code, stderr: r.stderr }).toEqual({ hint, code: 0, stderr: '' });
}

/** Starts `name` normally and checks it runs; returns its pid. */
async function startOk(name: string): Promise<number> {
  const r = await vmdesk(['start', task(name), '--json'], t.env);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  const vm = json<{ vm: VmInfo }>(r).vm;
  trackPid(vm.pid);
  expect(vm.state).toBe('paused');
  return vm.pid!;
}

describe('vmdesk start killed (SIGKILL) at each point of the start', () => {
  it('before the spawn: no QEMU runs, the VM reads as exited ("interrupted"), and the next start works', async () => {
    expect(await startKilledAt('before-spawn', task('kill-a'))).toBe('SIGKILL');
    expect(readRecord('kill-a')).toMatchObject({ state: 'starting' });
    expect(readRecord('kill-a').pid).toBeUndefined();
    expect(qemusOf('kill-a')).toEqual([]);
    const vm = await ls('kill-a');
    expect(vm).toMatchObject({ state: 'exited', lastExit: { summary: 'the start was interrupted before QEMU ran' } });
    await startOk('kill-a');
    await follow('vmdesk stop kill-a --force');
    expect(qemusOf('kill-a')).toEqual([]);
  });

  for (const point of ['after-spawn', 'after-pid'] as const) {
    it(`${point}: the running QEMU is found by identity, reported with its pid, and stopped by the hint start gives`, async () => {
      const name = `kill-${point}`;
      expect(await startKilledAt(point, task(name))).toBe('SIGKILL');
      const qemu = await waitFor('the orphaned QEMU', () => qemusOf(name)[0], 30_000);
      trackPid(qemu);
      expect(readRecord(name).state).toBe('starting');
      expect(readRecord(name).pid).toBe(point === 'after-pid' ? qemu : undefined);
      // ls finds it (adopted by identity when no pid was recorded) and finishes the start's bookkeeping.
      expect(await ls(name)).toMatchObject({ state: 'paused', pid: qemu });
      expect(readRecord(name)).toMatchObject({ state: 'paused', pid: qemu });
      // A second start is refused, and its hint works.
      const again = await vmdesk(['start', task(name), '--json'], t.env);
      expect(again.code).not.toBe(0);
      const err = errorOf(again);
      expect(err).toMatchObject({ code: 'VM_RUNNING', message: expect.stringContaining(`pid ${qemu}`) });
      const hint = /\((vmdesk stop [^)]+)\)/.exec(err.message)?.[1];
      expect(hint).toBe(`vmdesk stop ${name}`);
      await follow(hint!);
      expect(qemusOf(name)).toEqual([]);
      expect(await ls(name)).toMatchObject({ state: 'exited' });
      expect(existsSync(runtimeDir(name))).toBe(false);
    });
  }
});

describe('the hints of a running VM', () => {
  it('rm of a running VM names --force, and --force stops and removes it', async () => {
    await startOk('rm-hint');
    const r = await vmdesk(['rm', 'rm-hint', '--json'], t.env);
    expect(errorOf(r)).toMatchObject({ code: 'VM_RUNNING', message: expect.stringContaining('stop it first, or use --force to kill it') });
    expect(qemusOf('rm-hint').length).toBe(1);
    await follow('vmdesk rm rm-hint --force');
    expect(qemusOf('rm-hint')).toEqual([]);
    expect(existsSync(recordFile('rm-hint'))).toBe(false);
  });
});

describe('the record and the running QEMU disagree', () => {
  it('a recorded pid that now belongs to another process: the real QEMU is found, reported as it is (paused), and rm --force stops and removes it', async () => {
    const qemu = await startOk('reuse');
    const other = await spawnBystander();
    bystanders.push(other.child);
    writeFileSync(recordFile('reuse'), JSON.stringify({ ...readRecord('reuse'), state: 'running', pid: other.pid, pidStartTime: other.startTime }));
    expect(await ls('reuse')).toMatchObject({ state: 'paused', pid: qemu });
    const events = json<{ events: Array<{ type: string; message: string }> }>(await vmdesk(['events', 'reuse', '--json'], t.env)).events;
    expect(events.find((e) => e.type === 'adopted')?.message).toContain(`pid ${other.pid}, which now belongs to another process`);
    const rm = await vmdesk(['rm', 'reuse', '--force', '--json'], t.env);
    expect({ code: rm.code, stderr: rm.stderr }).toEqual({ code: 0, stderr: '' });
    expect(qemusOf('reuse')).toEqual([]);
    expect(existsSync(recordFile('reuse'))).toBe(false);
    expect(other.child.exitCode).toBeNull(); // the bystander was never signalled
    process.kill(other.pid, 0);
  });

  it("a record of another run (another uuid, its pid gone) while this VM's QEMU runs: its sockets stay, rm refuses, and the hint works", async () => {
    const qemu = await startOk('other-run');
    const gone = await spawnBystander(); // a pid that was real and has exited
    gone.child.kill('SIGKILL');
    await waitFor('the bystander to exit', () => gone.child.exitCode !== null || gone.child.signalCode !== null);
    writeFileSync(recordFile('other-run'), JSON.stringify({ ...readRecord('other-run'), uuid: '00000000-0000-4000-8000-000000000000', state: 'running', pid: gone.pid, pidStartTime: gone.startTime }));
    expect(await ls('other-run')).toMatchObject({ state: 'exited' }); // no QEMU carries that uuid
    expect(existsSync(join(runtimeDir('other-run'), 'qmp.sock'))).toBe(true); // ...but this one still uses the sockets
    const rm = await vmdesk(['rm', 'other-run', '--json'], t.env);
    const err = errorOf(rm);
    expect(err).toMatchObject({ code: 'VM_RUNNING', message: expect.stringContaining(`pid ${qemu}`) });
    expect(existsSync(join(runtimeDir('other-run'), 'qmp.sock'))).toBe(true);
    expect(existsSync(recordFile('other-run'))).toBe(true);
    const [, kill, again] = /\((kill [\d ]+)\), then `(vmdesk rm [^`]+)`/.exec(err.message) ?? [];
    expect([kill, again]).toEqual([`kill ${qemu}`, 'vmdesk rm other-run']);
    await follow(kill!);
    await follow(again!);
    expect(existsSync(recordFile('other-run'))).toBe(false);
  });

  it('no record at all while the QEMU runs: start refuses, says which pid, and the hint works', async () => {
    const qemu = await startOk('norecord');
    rmSync(recordFile('norecord'));
    const r = await vmdesk(['start', task('norecord'), '--json'], t.env);
    const err = errorOf(r);
    expect(err).toMatchObject({ code: 'VM_RUNNING', message: expect.stringContaining(`pid ${qemu}`) });
    expect(pidsMentioning(`${runtimeDir('norecord')}/`)).toEqual([qemu]); // nothing else started
    const hint = /\((kill [\d ]+)\)/.exec(err.message)?.[1];
    expect(hint).toBe(`kill ${qemu}`);
    await follow(hint!);
    await startOk('norecord');
    await follow('vmdesk rm norecord --force');
    expect(qemusOf('norecord')).toEqual([]);
  });
});
