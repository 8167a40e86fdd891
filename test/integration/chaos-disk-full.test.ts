// The log disk full ($VMDESK_HOME on a small real tmpfs): the VM keeps running, the error is reported once,
// the supervisor's API keeps answering, and when space returns logging resumes and a "resumed" event is
// recorded. First vmdesk's own writes one by one on a full tmpfs (state record, events, rotation, lock), then
// the real test guest (128 MiB, TCG) ticking on its serial console while the disk fills and empties.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

// Booting under TCG on 2 shared cores can take minutes when other tests load the machine.
vi.setConfig({ testTimeout: 1_000_000, hookTimeout: 240_000 });
import { createSupervisor } from '../../src/main/supervisor/supervisor';
import type { SupervisorApi } from '../../src/main/supervisor/api';
import { EventJournal, parseEvents, readEvents } from '../../src/main/supervisor/events-log';
import { acquireLock } from '../../src/main/supervisor/lock';
import { liveStart, rotateIfNeeded } from '../../src/main/supervisor/log-rotation';
import { isRunningPid, readProcStat } from '../../src/main/supervisor/proc';
import { readRecord, writeRecord, type StateRecord } from '../../src/main/supervisor/state-record';
import { QmpClient } from '../../src/main/qmp/index';
import { VmdeskError } from '../../src/shared/errors';
import type { VmEvent } from '../../src/shared/vm';
import { killTracked, pidsMentioning, trackDir, trackPid } from '../helpers/cleanup';
import { json, vmdesk } from '../helpers/cli';
import { guestDisk, guestMarkers } from '../helpers/guest';
import { guestDriverConfig, guestTask } from '../helpers/guest-plan';
import { fillDisk, freeBytesOf, mountTmpfs, unfill, type Tmpfs } from '../helpers/tmpfs';
import { waitFor } from '../helpers/wait-for';

const event = (type: string, message = 'x'): VmEvent => ({ at: new Date().toISOString(), kind: 'lifecycle', type, message });
const tmpFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe("vmdesk's own writes on a full disk (real tmpfs)", () => {
  let fs: Tmpfs;
  let dir: string;
  const filler = () => join(fs.dir, 'filler');
  beforeAll(() => {
    fs = mountTmpfs('1m');
    dir = join(fs.dir, 'vm');
    mkdirSync(dir, { mode: 0o700 });
  });
  afterEach(() => unfill(filler())); // a failing test leaves no full disk to the next one
  afterAll(() => fs?.unmount());

  const record = (note: string): StateRecord =>
    ({
      version: 1,
      name: 'a',
      state: 'running',
      uuid: '00000000-0000-4000-8000-000000000000',
      createdAt: note,
      plan: {
        name: 'a',
        binary: '/usr/bin/qemu-system-x86_64',
        argv: ['-name', 'a'],
        ports: [],
        paths: { vmDir: dir, runtimeDir: '/tmp/x', qmpSocket: '/tmp/x/q', consoleSocket: '/tmp/x/c', consoleLog: join(dir, 'console.log'), stderrLog: join(dir, 'qemu.stderr.log') },
        task: { name: 'a', kill_timeout_ms: 5000, config: { graceful_shutdown: true, guest_agent: false } },
      },
    }) as unknown as StateRecord;

  it('a state record write that does not fit fails, leaves the old record whole and no temp file; it succeeds once space returns', () => {
    writeRecord(dir, record('old'));
    const before = readFileSync(join(dir, 'vm.json'));
    fillDisk(filler());
    // Larger than a page: the first write may partly succeed, the next one fails (a short write, not just an error).
    const big = record('new-' + 'x'.repeat(20_000));
    expect(() => writeRecord(dir, big)).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
    expect(readFileSync(join(dir, 'vm.json'))).toEqual(before);
    expect(readRecord(dir)).toMatchObject({ ok: true, record: { createdAt: 'old' } });
    expect(tmpFiles(dir)).toEqual([]);
    unfill(filler());
    writeRecord(dir, big);
    expect(readRecord(dir)).toMatchObject({ ok: true, record: { createdAt: big.createdAt } });
  });

  it('events that do not fit wait in memory, then reach events.jsonl in order, whole, and once; a torn line is left behind a newline', () => {
    const j = new EventJournal();
    expect(j.append(dir, event('before'))).toEqual({ ok: true });
    fillDisk(filler());
    // An event bigger than what is left in the file's last page: part of it lands, then ENOSPC (a torn line).
    const r1 = j.append(dir, event('big', 'y'.repeat(9000)));
    expect(r1).toMatchObject({ ok: false, diskFull: true, path: join(dir, 'events.jsonl') });
    const r2 = j.append(dir, event('during'));
    expect(r2).toMatchObject({ ok: false, diskFull: true });
    expect(j.pendingFor(dir).map((e) => e.type)).toEqual(['big', 'during']);
    expect(readEvents(dir).map((e) => e.type)).toEqual(['before']);
    unfill(filler());
    expect(j.append(dir, event('after'))).toEqual({ ok: true });
    expect(j.pendingFor(dir)).toEqual([]);
    const text = readFileSync(join(dir, 'events.jsonl'), 'utf8');
    expect(parseEvents(text).map((e) => e.type)).toEqual(['before', 'big', 'during', 'after']);
    expect(parseEvents(text).find((e) => e.type === 'big')!.message).toHaveLength(9000);
  });

  it('a long episode keeps the first event and the newest ones in memory, and says how many it dropped', () => {
    const sub = join(fs.dir, 'vm2');
    mkdirSync(sub, { mode: 0o700 });
    const j = new EventJournal(3);
    fillDisk(filler());
    for (const type of ['why', 'e1', 'e2', 'e3', 'e4']) expect(j.append(sub, event(type))).toMatchObject({ ok: false, diskFull: true });
    expect(j.pendingFor(sub).map((e) => e.type)).toEqual(['why', 'e3', 'e4']);
    unfill(filler());
    expect(j.append(sub, event('back'))).toEqual({ ok: true });
    const written = readEvents(sub);
    expect(written.map((e) => e.type)).toEqual(['why', 'events-dropped', 'e3', 'e4', 'back']);
    expect(written[1]!.message).toMatch(/^2 events were dropped while the disk was full/);
  });

  it('rotation on a full disk fails without touching the log, its archive or its start; it rotates losslessly once space returns', async () => {
    const log = join(dir, 'console.log');
    const lines = Array.from({ length: 4000 }, (_, i) => `line ${i}\n`).join('');
    writeFileSync(log, lines);
    fillDisk(filler());
    const err = await rotateIfNeeded(log, 8 * 1024).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ENOSPC' });
    expect(readFileSync(log, 'utf8')).toBe(lines);
    expect(existsSync(`${log}.1`) ? statSync(`${log}.1`).size : 0).toBe(0);
    expect(liveStart(log)).toBe(0);
    expect(tmpFiles(dir)).toEqual([]);
    unfill(filler());
    const r = await rotateIfNeeded(log, 8 * 1024);
    expect(r.rotated).toBe(true);
    const live = readFileSync(log).subarray(liveStart(log)).toString('utf8');
    expect(readFileSync(`${log}.1`, 'utf8') + live).toBe(lines);
  });

  it('the VM lock can still be taken on a full disk (a symlink holds the owner), refuses a second holder and is released', async () => {
    fillDisk(filler());
    const lock = await acquireLock(dir, 'stop');
    expect(readdirSync(dir)).toContain('vm.lock');
    await expect(acquireLock(dir, 'destroy')).rejects.toThrow(/already doing "stop"/);
    lock.release();
    expect(existsSync(join(dir, 'vm.lock'))).toBe(false);
    // A symlink lock left by a process that died (pid 2^22+1 is above Linux's pid_max): stale, taken over.
    symlinkSync('4194305 1 stop', join(dir, 'vm.lock'));
    const again = await acquireLock(dir, 'start');
    expect(lstatSync(join(dir, 'vm.lock')).isSymbolicLink()).toBe(true); // still full: the new lock is a symlink too
    expect(readlinkSync(join(dir, 'vm.lock'))).toMatch(new RegExp(`^${process.pid} \\d+ start$`));
    again.release();
    expect(existsSync(join(dir, 'vm.lock'))).toBe(false);
    unfill(filler());
  });
});

describe('the real guest while $VMDESK_HOME fills up and empties', () => {
  const markers = guestMarkers();
  let fs: Tmpfs;
  let runtimeDir: string;
  let taskDir: string;
  let env: NodeJS.ProcessEnv;
  const sups: SupervisorApi[] = [];
  let sup: SupervisorApi;
  let pid: number;
  const seen: Array<{ sup: number; e: VmEvent }> = [];
  const filler = () => join(fs.dir, 'filler');
  const vmDir = () => join(fs.dir, 'vms', 'web');
  const consoleText = () => readFileSync(join(vmDir(), 'console.log'), 'latin1');
  const ticks = (text: string) => [...text.matchAll(new RegExp(`${markers.tick} (\\d+)`, 'g'))].map((m) => Number(m[1]));
  const ofType = (type: string, supIndex?: number) => seen.filter((s) => s.e.type === type && (supIndex === undefined || s.sup === supIndex));
  const newSup = () => {
    const s = createSupervisor({ home: fs.dir, env, driverConfig: () => guestDriverConfig, statsIntervalMs: 500 });
    const index = sups.length;
    sups.push(s);
    s.on('event', (name, e) => name === 'web' && seen.push({ sup: index, e }));
    return s;
  };

  beforeAll(async () => {
    fs = mountTmpfs('4m');
    runtimeDir = mkdtempSync('/tmp/vd-');
    taskDir = mkdtempSync('/tmp/vd-task-');
    env = { ...process.env, VMDESK_HOME: fs.dir, VMDESK_RUNTIME_DIR: runtimeDir };
    trackDir(runtimeDir);
    trackDir(fs.dir);
    writeFileSync(join(fs.dir, 'settings.json'), JSON.stringify({ driver: { image_paths: [guestDriverConfig.image_paths[0]] } }));
    sup = newSup();
    // Disposable: its overlay lives on the tmpfs too, as it would in a real $VMDESK_HOME. virtio: the guest has
    // a driver for it (/dev/vda), so it can write its disk below.
    const info = await sup.start({ task: guestTask('web', guestDisk, { disposable: true }, { drive_interface: 'virtio' }), taskDir });
    pid = info.pid!;
    trackPid(pid);
  });

  afterAll(async () => {
    for (const s of sups) await s.close().catch(() => undefined);
    killTracked();
    try {
      if (fs) unfill(filler());
    } finally {
      fs?.unmount();
      if (runtimeDir) rmSync(runtimeDir, { recursive: true, force: true });
      if (taskDir) rmSync(taskDir, { recursive: true, force: true });
    }
  });

  it('boots and ticks on its console', async () => {
    await waitFor('the ready marker and two ticks', () => consoleText().includes(markers.ready) && ticks(consoleText()).length >= 2, 900_000, 500);
  });

  it('disk full: QEMU keeps running, the error is reported once, inspect/stats/events/agent and the CLI still answer', async () => {
    fillDisk(filler());
    expect(freeBytesOf(fs.dir)).toBeLessThan(64 * 1024);
    const full = await waitFor('the log-disk-full event', () => ofType('log-disk-full', 0)[0], 60_000, 100);
    expect(full.e.kind).toBe('error');
    expect(full.e.message).toContain(`the disk holding ${vmDir()} is full`);
    expect(full.e.message).toMatch(/The VM keeps running/);
    expect(full.e.data).toMatchObject({ vmDir: vmDir(), freeBytes: expect.any(Number) });

    // inspect says so; the VM runs on
    const info = await sup.inspect('web');
    expect(info.state).toBe('running');
    expect(info.pid).toBe(pid);
    expect(info.logDisk).toMatchObject({ full: true, message: expect.stringContaining(vmDir()) });
    expect(isRunningPid(pid)).toBe(true);
    // stats keep coming (nothing of them is written to disk)
    const n = sup.stats('web').length;
    await waitFor('two more stats samples', () => sup.stats('web').length >= Math.min(n + 2, 300), 60_000, 100);
    // the guest answers through QEMU (the agent's channel is a socket in the runtime dir, not on the full disk)
    await sup.agent.ping('web');
    // events: the error is there (on disk or, if it did not fit, from memory)
    expect((await sup.events('web')).map((e) => e.type)).toContain('log-disk-full');
    // the record on disk is whole, no temp file left
    expect(readRecord(vmDir())).toMatchObject({ ok: true, record: { state: 'running', pid } });
    expect(tmpFiles(vmDir())).toEqual([]);
    // another process (the CLI, not attached) sees the full disk on the spot
    const cliInspect = json<{ vm: { state: string; logDisk?: { full: boolean; message: string } } }>(await vmdesk(['inspect', '--json', 'web'], env));
    expect(cliInspect.vm).toMatchObject({ state: 'running', logDisk: { full: true, message: expect.stringContaining(`the disk holding ${vmDir()} is full`) } });
    const cliEvents = await vmdesk(['events', 'web'], env);
    expect(cliEvents.code).toBe(0);
    expect(cliEvents.stderr).toContain(`vmdesk: warning: web: the disk holding ${vmDir()} is full`);
    const cliLogs = await vmdesk(['logs', 'web'], env);
    expect(cliLogs.code).toBe(0);
    expect(cliLogs.stdout).toContain(markers.ready);
    expect(cliLogs.stderr).toContain(`vmdesk: warning: web: the disk holding ${vmDir()} is full`);

    // Still one report after more ticks of the supervisor (each finds the disk full again).
    const samples = sup.stats('web').length;
    await waitFor('four more stats ticks', () => sup.stats('web').length >= Math.min(samples + 4, 300), 60_000, 100);
    expect(ofType('log-disk-full', 0)).toHaveLength(1);
  });

  it('QMP answers while the disk is full (the supervisor detached, as when the app quits), and a new supervisor re-attaches and reports the episode itself', async () => {
    await sup.close(); // QMP has a single client slot: free it
    const qmp = await QmpClient.connect(join(runtimeDir, 'web', 'qmp.sock'), { connectTimeoutMs: 10_000 });
    try {
      expect(await qmp.execute<{ running: boolean; status: string }>('query-status')).toMatchObject({ running: true, status: 'running' });
      expect((await qmp.execute<{ UUID: string }>('query-uuid')).UUID).toBeTruthy();
    } finally {
      await qmp.close();
    }
    sup = newSup();
    const vms = await sup.recover();
    expect(vms.find((v) => v.name === 'web')).toMatchObject({ state: 'running', pid });
    await waitFor('the new supervisor to report the full disk', () => ofType('log-disk-full', 1)[0], 60_000, 100);
    expect((await sup.inspect('web')).logDisk?.full).toBe(true);
    expect(readProcStat(pid)?.state).not.toBe('Z');
  });

  it('space returns: the console log grows again with new guest ticks and one resumed event is recorded, after the error, on disk', async () => {
    const lastTickBefore = Math.max(0, ...ticks(consoleText()));
    unfill(filler());
    const resumed = await waitFor('the log-disk-resumed event', () => ofType('log-disk-resumed', 1)[0], 60_000, 100);
    expect(resumed.e.kind).toBe('lifecycle');
    expect(resumed.e.message).toContain(`the disk holding ${vmDir()} has space again`);
    await waitFor('a guest tick written after space returned', () => Math.max(0, ...ticks(consoleText())) > lastTickBefore + 2, 120_000, 250);
    expect((await sup.inspect('web')).logDisk).toBeUndefined();
    // On disk, in order: the error this supervisor reported (kept in memory if it did not fit), then the resumed one.
    const onDisk = parseEvents(readFileSync(join(vmDir(), 'events.jsonl'), 'utf8')).map((e) => e.type);
    const fullAt = onDisk.lastIndexOf('log-disk-full');
    expect(fullAt).toBeGreaterThanOrEqual(0);
    expect(onDisk.indexOf('log-disk-resumed', fullAt)).toBeGreaterThan(fullAt);
    expect(onDisk.filter((t) => t === 'log-disk-resumed')).toHaveLength(1);
    expect(ofType('log-disk-resumed')).toHaveLength(1); // so far
    expect(readRecord(vmDir())).toMatchObject({ ok: true, record: { state: 'running', pid } });
  });

  it('a guest writing its disposable disk while the disk is full: QEMU pauses the VM (werror=enospc), vmdesk continues it when space returns', async () => {
    const episodes = ofType('log-disk-full', 1).length;
    fillDisk(filler());
    await waitFor('a new log-disk-full report', () => ofType('log-disk-full', 1).length === episodes + 1, 60_000, 100);
    // In the background, so the agent call returns before QEMU pauses the VM; 1 MiB fits once space is back.
    await sup.agent.exec('web', ['/bin/sh', '-c', '(dd if=/dev/urandom of=/dev/vda bs=64k count=16 seek=64 && sync && echo DISK-WRITE-DONE > /dev/console) >/dev/null 2>&1 &']);
    const ioError = await waitFor('BLOCK_IO_ERROR (no space) from QEMU', () => ofType('BLOCK_IO_ERROR', 1).find((s) => s.e.data?.nospace === true), 120_000, 100);
    expect(ioError.e.data).toMatchObject({ device: 'vmdesk-disk0', action: 'stop', nospace: true });
    await waitFor('the VM paused', async () => (await sup.inspect('web')).state === 'paused', 60_000, 100);
    expect(isRunningPid(pid)).toBe(true);
    expect(consoleText()).not.toContain('DISK-WRITE-DONE');
    unfill(filler());
    await waitFor('the continued-after-disk-full event', () => ofType('continued-after-disk-full', 1)[0], 60_000, 100);
    await waitFor('the VM running again', async () => (await sup.inspect('web')).state === 'running', 60_000, 100);
    // The guest's write, paused in QEMU, completed after the continue.
    await waitFor('the guest to finish its write', () => consoleText().includes('DISK-WRITE-DONE'), 120_000, 250);
  });

  it('full again: another episode is reported; a stop still works; the record on disk stays whole and is corrected once space returns', async () => {
    const episodes = ofType('log-disk-full', 1).length;
    fillDisk(filler());
    await waitFor('another log-disk-full report', () => ofType('log-disk-full', 1).length === episodes + 1, 60_000, 100);
    const r = await sup.stop('web');
    expect(['powerdown', 'quit', 'sigterm', 'sigkill']).toContain(r.step);
    expect(r.info.state).toBe('exited');
    expect(isRunningPid(pid)).toBe(false);
    // The exit could not be written: the previous record is on disk, whole (never a torn one).
    const onDisk = readRecord(vmDir());
    expect(onDisk.ok).toBe(true);
    expect(tmpFiles(vmDir())).toEqual([]);
    // A start on the full disk fails clearly and starts nothing; the record on disk is still a whole one of the
    // stopped VM (rewritten as "exited" if the failed start freed a page for it), never the new start's.
    const uuidBefore = (onDisk as { record: StateRecord }).record.uuid;
    // (A start first deletes the VM's old overlay, which would free the space the guest wrote into it.)
    rmSync(join(vmDir(), 'overlay.qcow2'), { force: true });
    fillDisk(filler());
    const err = await sup.start({ task: guestTask('web', guestDisk, { disposable: true }), taskDir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VmdeskError);
    expect(err).toMatchObject({ code: 'START_FAILED', message: expect.stringMatching(/No space left on device|is full/) });
    expect(pidsMentioning(join(vmDir(), 'console.log'))).toEqual([]);
    expect(readRecord(vmDir())).toMatchObject({ ok: true, record: { uuid: uuidBefore } });
    expect(tmpFiles(vmDir())).toEqual([]);
    unfill(filler());
    const later = newSup();
    expect(await later.inspect('web')).toMatchObject({ state: 'exited', pid });
    expect(readRecord(vmDir())).toMatchObject({ ok: true, record: { state: 'exited' } });
  });
});
