// Snapshots through the built CLI on real QEMU: a running disposable guest (its overlay is qcow2) saves a
// snapshot with its memory, a file written through the guest agent after the save is gone after the restore,
// the guest goes on ticking and its agent answers; ls shows tag and size; rm removes it. A vmdesk killed
// during a save leaves a running VM and an image that `qemu-img check` finds no corruption in, and the next save works.
// A raw image is refused with what to do; a stopped qcow2 VM gets disk-only snapshots via qemu-img.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { killTracked, trackDir, trackPid } from '../helpers/cleanup';
import { json, vmdesk } from '../helpers/cli';
import { makeCliHome, writeGuestTask } from '../helpers/cli-home';
import { guestDisk, guestMarkers } from '../helpers/guest';
import { createImage } from '../helpers/image-files';
import type { TempHome } from '../helpers/temp-home';
import { waitFor } from '../helpers/wait-for';
import type { Snapshot } from '../../src/shared/snapshot';
import type { VmInfo } from '../../src/shared/vm';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 240_000 });

const bin = fileURLToPath(new URL('../../bin/vmdesk.js', import.meta.url));
let t: TempHome;
const markers = guestMarkers();
const consoleLog = (name: string) => {
  try {
    return readFileSync(join(t.home, 'vms', name, 'console.log'), 'latin1');
  } catch {
    return '';
  }
};
const ticks = (name: string) => consoleLog(name).split(markers.tick).length - 1;

async function startTask(task: string): Promise<VmInfo> {
  const r = await vmdesk(['start', task, '--json'], t.env);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  const vm = json<{ vm: VmInfo }>(r).vm;
  trackPid(vm.pid);
  return vm;
}
const ls = async (name: string) => json<{ snapshots: Snapshot[] }>(await vmdesk(['snapshot', name, 'ls', '--json'], t.env)).snapshots;
const guestLs = async (name: string) => {
  const r = await vmdesk(['agent', name, 'exec', '--json', '--', '/bin/ls', '/root'], t.env);
  return r.code === 0 ? json<{ stdout: string }>(r).stdout : undefined;
};

beforeAll(() => {
  t = makeCliHome();
  trackDir(t.runtimeDir);
});
afterAll(async () => {
  for (const name of ['snap', 'rawvm', 'cold']) await vmdesk(['stop', name, '--force'], t.env, 60_000);
  killTracked();
  t?.remove();
});

describe('vmdesk snapshot on a running guest', () => {
  it('save, write a file, restore: the file is gone, the guest ticks on and its agent answers; ls and rm', async () => {
    await startTask(writeGuestTask(t, 'snap', guestDisk, { resources: { memory: 128 } }));
    await waitFor('the guest agent', async () => (await vmdesk(['agent', 'snap', 'ping'], t.env)).code === 0, 240_000, 1_000);

    const saved = await vmdesk(['snapshot', 'snap', 'save', 'before', '--json'], t.env);
    expect(saved.code, saved.stderr).toBe(0);
    expect(json<{ snapshot: Snapshot }>(saved).snapshot).toMatchObject({ tag: 'before' });
    const list = await ls('snap');
    expect(list.map((s) => s.tag)).toEqual(['before']);
    expect(list[0]!.vmStateBytes).toBeGreaterThan(1024 * 1024); // the guest's memory is in it

    const wrote = await vmdesk(['agent', 'snap', 'exec', '--', '/bin/sh', '-c', 'echo x > /root/after-save'], t.env);
    expect(wrote.code, wrote.stderr).toBe(0);
    expect(await guestLs('snap')).toContain('after-save');

    const restored = await vmdesk(['snapshot', 'snap', 'restore', 'before', '--json'], t.env);
    expect(restored.code, restored.stderr).toBe(0);
    const ticksAfterRestore = ticks('snap');
    await waitFor('the agent to answer after the restore', async () => (await guestLs('snap')) !== undefined, 60_000, 1_000);
    expect(await guestLs('snap')).not.toContain('after-save');
    await waitFor('the guest to tick on after the restore', () => ticks('snap') >= ticksAfterRestore + 2, 60_000, 500);
    expect(json<{ vm: VmInfo }>(await vmdesk(['inspect', 'snap', '--json'], t.env)).vm.state).toBe('running');

    const dup = await vmdesk(['snapshot', 'snap', 'save', 'before'], t.env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already has a snapshot "before"/);

    expect((await vmdesk(['snapshot', 'snap', 'rm', 'before'], t.env)).code).toBe(0);
    expect(await ls('snap')).toEqual([]);
    const gone = await vmdesk(['snapshot', 'snap', 'restore', 'before'], t.env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/snap has no snapshot "before"/);

    const types = json<{ events: Array<{ type: string }> }>(await vmdesk(['events', 'snap', '--json'], t.env)).events.map((e) => e.type);
    for (const ty of ['snapshot-save-started', 'snapshot-saved', 'snapshot-restore-started', 'snapshot-restored', 'snapshot-delete-started', 'snapshot-deleted']) expect(types).toContain(ty);
  });

  it('a vmdesk killed during a save leaves the VM running and the image intact; the next save works', async () => {
    const child = spawn(process.execPath, [bin, 'snapshot', 'snap', 'save', 'killed'], { env: t.env, stdio: 'ignore' });
    const events = join(t.home, 'vms', 'snap', 'events.jsonl');
    const before = readFileSync(events, 'utf8').length;
    await waitFor('the save to begin', () => readFileSync(events, 'utf8').slice(before).includes('snapshot-save-started'), 60_000, 5);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const n = ticks('snap');
    await waitFor('the guest to tick on', () => ticks('snap') >= n + 2, 60_000, 500);
    expect(json<{ vm: VmInfo }>(await vmdesk(['inspect', 'snap', '--json'], t.env)).vm.state).toBe('running');
    // QEMU finished the save without vmdesk (or never began it): either way the list is readable.
    expect((await ls('snap')).every((s) => s.tag === 'killed')).toBe(true);
    const overlay = join(t.home, 'vms', 'snap', 'overlay.qcow2');
    // The image is live: QEMU's refcount cache may not be on disk yet. qcow2 writes refcounts before the
    // tables that use them, so a live (or crashed) image can show leaked clusters (exit 3, harmless) but
    // never a cluster used more than its refcount says (exit 2, corruption).
    const check = spawnSync('qemu-img', ['check', '-U', '-f', 'qcow2', overlay], { encoding: 'utf8' });
    expect([0, 3], check.stdout + check.stderr).toContain(check.status);
    expect(check.stdout + check.stderr).not.toMatch(/^ERROR/m);
    const again = await vmdesk(['snapshot', 'snap', 'save', 'after-kill'], t.env);
    expect(again.code, again.stderr).toBe(0);
    expect((await ls('snap')).map((s) => s.tag)).toContain('after-kill');
  });
});

describe('vmdesk snapshot: what cannot be snapshotted, and stopped VMs', () => {
  it('refuses a raw image with what to do, changing nothing', async () => {
    createImage(join(t.home, 'plain.raw'), 'raw');
    const task = join(t.home, 'rawvm.json');
    writeFileSync(task, JSON.stringify({ name: 'rawvm', config: { image_path: 'plain.raw', args: ['-S'] }, resources: { memory: 128 } }));
    await startTask(task);
    const r = await vmdesk(['snapshot', 'rawvm', 'save', 's1'], t.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/plain\.raw is a raw image; snapshots need qcow2.*qemu-img convert -O qcow2 .*"disposable": true/);
    expect(json<{ vm: VmInfo }>(await vmdesk(['inspect', 'rawvm', '--json'], t.env)).vm.state).toBe('paused');
    const stopped = await vmdesk(['stop', 'rawvm', '--force'], t.env);
    expect(stopped.code).toBe(0);
    const cold = await vmdesk(['snapshot', 'rawvm', 'save', 's1'], t.env);
    expect(cold.stderr).toMatch(/is a raw image; snapshots need qcow2/);
  });

  it('a stopped qcow2 VM gets disk-only snapshots through qemu-img', async () => {
    const image = createImage(join(t.home, 'cold.qcow2'));
    const task = join(t.home, 'cold.json');
    writeFileSync(task, JSON.stringify({ name: 'cold', config: { image_path: 'cold.qcow2', args: ['-S'] }, resources: { memory: 128 } }));
    await startTask(task);
    expect((await vmdesk(['stop', 'cold', '--force'], t.env)).code).toBe(0);
    const r = await vmdesk(['snapshot', 'cold', 'save', 'disk1', '--json'], t.env);
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ snapshot: Snapshot }>(r).snapshot).toMatchObject({ tag: 'disk1', vmStateBytes: 0 });
    const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', image], { encoding: 'utf8' })) as { snapshots?: Array<{ name: string }> };
    expect(info.snapshots?.map((s) => s.name)).toEqual(['disk1']);
    expect((await vmdesk(['snapshot', 'cold', 'ls'], t.env)).stdout).toMatch(/disk1 .* disk only/);
    expect((await vmdesk(['snapshot', 'cold', 'restore', 'disk1'], t.env)).code).toBe(0);
    expect((await vmdesk(['snapshot', 'cold', 'rm', 'disk1'], t.env)).code).toBe(0);
    expect(await ls('cold')).toEqual([]);
  });
});
