// A $VMDESK_HOME vmdesk cannot write to (issue #12, item 9): a read-only file system (a real read-only bind
// mount, made in a private mount namespace with unshare so nothing else on the host sees it) and a home of
// another user (permission denied, as `nobody`). start, stop and rm say which directory and what to do;
// nothing is started or written; the fix the message gives works when followed. Real CLI, real QEMU (-S).
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { VmInfo } from '../../src/shared/vm';
import { killTracked, pidsMentioning, trackDir, trackPid } from '../helpers/cleanup';
import { json, vmdesk, type CliResult } from '../helpers/cli';
import { createImage } from '../helpers/image-files';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

const bin = fileURLToPath(new URL('../../bin/vmdesk.js', import.meta.url));
let t: TempHome;
let taskFile: string;

beforeAll(() => {
  t = makeTempHome();
  trackDir(t.runtimeDir);
  const tasks = mkdtempSync('/tmp/vd-rotask-');
  chmodSync(tasks, 0o755);
  createImage(join(tasks, 'blank.qcow2'));
  chmodSync(join(tasks, 'blank.qcow2'), 0o644);
  taskFile = join(tasks, 'ro.task.json');
  writeFileSync(taskFile, JSON.stringify({ name: 'ro', config: { image_path: 'blank.qcow2', args: ['-S'] }, resources: { memory: 128 }, disposable: true }), { mode: 0o644 });
  trackDir(tasks);
});
afterAll(() => {
  killTracked();
  rmSync(join(taskFile, '..'), { recursive: true, force: true });
  t?.remove();
});

/** Runs `vmdesk ...args` with the home mounted read-only (in a mount namespace of its own). */
function readOnly(args: string[], env: NodeJS.ProcessEnv = t.env): Promise<CliResult> {
  const script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"';
  return new Promise((resolve) => {
    execFile('unshare', ['-m', 'sh', '-c', script, env.VMDESK_HOME!, process.execPath, bin, ...args], { env, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const errorOf = (r: CliResult) => json<{ error: { code: string; message: string } }>(r).error;
const ok = (r: CliResult) => expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });

describe('a read-only VMDESK_HOME', () => {
  it('start: refused naming the home, nothing started or written; the other home the message offers works', async () => {
    const r = await readOnly(['start', taskFile, '--json']);
    expect(errorOf(r)).toMatchObject({ code: 'HOME_NOT_WRITABLE', message: expect.stringContaining(`under VMDESK_HOME (${t.home})`) });
    expect(errorOf(r).message).toContain('EROFS: a read-only file system');
    expect(readdirSync(t.home)).toEqual([]);
    expect(pidsMentioning(t.runtimeDir)).toEqual([]);
    // The fix: "set VMDESK_HOME to a writable directory".
    expect(errorOf(r).message).toContain('or set VMDESK_HOME to a writable directory');
    const other = makeTempHome();
    trackDir(other.runtimeDir);
    try {
      const started = await vmdesk(['start', taskFile, '--json'], other.env);
      ok(started);
      trackPid(json<{ vm: VmInfo }>(started).vm.pid);
      ok(await vmdesk(['rm', 'ro', '--force'], other.env));
    } finally {
      other.remove();
    }
  });

  it('stop and rm of a running VM: refused naming the home, the VM still runs; once the home is writable again they work', async () => {
    const started = await vmdesk(['start', taskFile, '--json'], t.env);
    ok(started);
    const pid = json<{ vm: VmInfo }>(started).vm.pid!;
    trackPid(pid);
    for (const cmd of [['stop', 'ro', '--json'], ['rm', 'ro', '--force', '--json']]) {
      const r = await readOnly(cmd);
      expect(errorOf(r)).toMatchObject({ code: 'HOME_NOT_WRITABLE', message: expect.stringContaining(`Make ${t.home} writable for you (remount it read-write`) });
      expect(pidsMentioning(t.runtimeDir)).toEqual([pid]);
    }
    // Reading works read-only: ls still reports the VM.
    const ls = await readOnly(['ls', '--json']);
    expect(json<{ vms: VmInfo[] }>(ls).vms).toMatchObject([{ name: 'ro', pid }]);
    // The fix: the home writable again (here: without the read-only mount).
    ok(await vmdesk(['rm', 'ro', '--force'], t.env));
    expect(pidsMentioning(t.runtimeDir)).toEqual([]);
    expect(existsSync(join(t.home, 'vms', 'ro', 'vm.json'))).toBe(false);
  });
});

describe('a VMDESK_HOME of another user', () => {
  it('start as nobody: permission denied, said with the directory', async () => {
    chmodSync(t.home, 0o755);
    const r = await new Promise<CliResult>((resolve) => {
      execFile('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, bin, 'start', taskFile, '--json'], { env: { ...t.env, VMDESK_RUNTIME_DIR: '/tmp/vd-nobody-never' }, timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? 1 : 0, stdout, stderr }),
      );
    });
    expect(errorOf(r)).toMatchObject({ code: 'HOME_NOT_WRITABLE', message: expect.stringContaining('EACCES: permission denied') });
    expect(errorOf(r).message).toContain(`under VMDESK_HOME (${t.home})`);
    expect(existsSync('/tmp/vd-nobody-never')).toBe(false);
  });
});
