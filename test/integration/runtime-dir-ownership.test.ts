// The runtime directory base (issue #12, item 6) is used only when private: a real directory, owned by the
// user, no access for group or others. Each unsafe base is made the way an attacker would, by a second real
// user (`nobody`, via setpriv) where it can; `vmdesk start` (real CLI, real QEMU) refuses it, says what is
// wrong, starts nothing and writes nothing, and the fix its message gives works when followed. Also: a uid
// with no passwd entry starts and stops a VM (the fallback base /tmp/vmdesk-<uid> is computed from the
// numeric uid, not from the passwd database).
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { VmInfo } from '../../src/shared/vm';
import { killTracked, pidsMentioning, trackDir, trackPid } from '../helpers/cleanup';
import { json, vmdesk, type CliResult } from '../helpers/cli';
import { createImage } from '../helpers/image-files';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const NOBODY = 65534;
let t: TempHome;
/** A /tmp-like parent (mode 1777) where `nobody` can make things, as it can in /tmp. */
let parent: string;

beforeAll(() => {
  t = makeTempHome();
  parent = mkdtempSync('/tmp/vd-own-');
  chmodSync(parent, 0o1777);
  trackDir(parent);
  trackDir(t.runtimeDir);
  createImage(join(t.home, 'blank.qcow2'));
  writeFileSync(join(t.home, 'own.task.json'), JSON.stringify({ name: 'own', config: { image_path: 'blank.qcow2', args: ['-S'] }, resources: { memory: 128 }, disposable: true }));
});
afterAll(() => {
  killTracked();
  rmSync(parent, { recursive: true, force: true });
  t?.remove();
});

/** Runs a shell command as `nobody` (uid, gid and groups dropped by setpriv). */
function asNobody(script: string): void {
  execFileSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'sh', '-c', script]);
}

const start = (base: string) => vmdesk(['start', join(t.home, 'own.task.json'), '--json'], { ...t.env, VMDESK_RUNTIME_DIR: base });
const errorOf = (r: CliResult) => json<{ error: { code: string; message: string } }>(r).error;

/** Nothing started (no process mentions the base) and nothing written (no VM directory, the base unchanged). */
function expectNothingDone(base: string, entriesBefore: string[] | undefined): void {
  expect(pidsMentioning(base)).toEqual([]);
  expect(existsSync(join(t.home, 'vms', 'own'))).toBe(false);
  if (entriesBefore) expect(readdirSync(base)).toEqual(entriesBefore);
}

/** Starts with `base`, checks it runs, stops it. */
async function startWorks(base: string): Promise<void> {
  const r = await start(base);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  trackPid(json<{ vm: VmInfo }>(r).vm.pid);
  const stop = await vmdesk(['rm', 'own', '--force', '--purge'], { ...t.env, VMDESK_RUNTIME_DIR: base });
  expect({ code: stop.code, stderr: stop.stderr }).toEqual({ code: 0, stderr: '' });
}

/** Follows the VMDESK_RUNTIME_DIR fix the messages give: `mkdir -m 700 DIR`, then that directory as the base. */
async function followRuntimeDirHint(message: string): Promise<void> {
  expect(message).toContain('set VMDESK_RUNTIME_DIR to a directory only you can use (e.g. `mkdir -m 700 /tmp/vd-$USER`');
  const dir = join(parent, `mine-${Math.random().toString(36).slice(2, 8)}`);
  execFileSync('sh', ['-c', `mkdir -m 700 ${dir}`]);
  await startWorks(dir);
}

describe('an unsafe runtime directory base is refused', () => {
  const cases: Array<{ what: string; make: (base: string) => void; says: RegExp; fix?: (base: string) => void }> = [
    // "Have it removed": here the test is root, as the owner or an administrator would be.
    { what: "another user's directory, mode 0777", make: (b) => asNobody(`mkdir ${b} && chmod 777 ${b}`), says: /belongs to uid 65534, not to you \(uid 0\).*Have it removed/, fix: (b) => rmSync(b, { recursive: true }) },
    { what: "another user's directory, mode 0700", make: (b) => asNobody(`mkdir -m 700 ${b}`), says: /belongs to uid 65534/, fix: (b) => rmSync(b, { recursive: true }) },
    { what: 'a symlink made by another user to a directory of theirs', make: (b) => asNobody(`mkdir -m 777 ${b}.real && ln -s ${b}.real ${b}`), says: /is a symbolic link \(to .*\.real\)/, fix: (b) => rmSync(b) },
    { what: 'a symlink (even to a private directory of ours)', make: (b) => { mkdirSync(`${b}.ours`, { mode: 0o700 }); symlinkSync(`${b}.ours`, b); }, says: /is a symbolic link/, fix: (b) => rmSync(b) },
    { what: 'our own directory with mode 0777', make: (b) => { mkdirSync(b); chmodSync(b, 0o777); }, says: /has mode 0777: other users can reach/, fix: (b) => execFileSync('sh', ['-c', `chmod 700 ${b}`]) },
    { what: 'our own directory with mode 0750', make: (b) => { mkdirSync(b); chmodSync(b, 0o750); }, says: /has mode 0750/, fix: (b) => execFileSync('sh', ['-c', `chmod 700 ${b}`]) },
    { what: 'a file', make: (b) => writeFileSync(b, ''), says: /exists but is not a directory/, fix: (b) => rmSync(b) },
  ];
  for (const [i, c] of cases.entries()) {
    it(`${c.what}: refused, nothing started or written, and the fix works`, async () => {
      const base = join(parent, `base-${i}`);
      c.make(base);
      const entries = lstatSync(base).isDirectory() ? readdirSync(base) : undefined;
      const r = await start(base);
      expect(r.code).not.toBe(0);
      const err = errorOf(r);
      expect(err.code).toBe('RUNTIME_DIR_UNSAFE');
      expect(err.message).toMatch(c.says);
      expect(err.message).toContain(base);
      expectNothingDone(base, entries);
      if (c.fix) {
        c.fix(base); // the first fix the message names (chmod 700, or remove what is in the way)
        await startWorks(base);
        expect(statSync(base).mode & 0o777).toBe(0o700);
      }
      await followRuntimeDirHint(err.message); // the fix every message names
    });
  }

  it('a base that is missing is made private (0700) and used', async () => {
    const base = join(parent, 'fresh', 'base');
    await startWorks(base);
    expect(lstatSync(base).isDirectory()).toBe(true);
    expect(lstatSync(base).mode & 0o7777).toBe(0o700);
  });

  it('a base that became unsafe after the start: stop refuses to talk to the sockets in it, and chmod 700 makes it work', async () => {
    const base = join(parent, 'later');
    const r = await start(base);
    expect(r.code).toBe(0);
    trackPid(json<{ vm: VmInfo }>(r).vm.pid);
    chmodSync(base, 0o755);
    const stop = await vmdesk(['stop', 'own', '--json'], { ...t.env, VMDESK_RUNTIME_DIR: base });
    expect(errorOf(stop)).toMatchObject({ code: 'RUNTIME_DIR_UNSAFE', message: expect.stringContaining(`chmod 700 ${base}`) });
    expect(pidsMentioning(`${base}/`).length).toBe(1); // still running: not signalled
    execFileSync('sh', ['-c', `chmod 700 ${base}`]);
    const rm = await vmdesk(['rm', 'own', '--force', '--purge'], { ...t.env, VMDESK_RUNTIME_DIR: base });
    expect({ code: rm.code, stderr: rm.stderr }).toEqual({ code: 0, stderr: '' });
    expect(pidsMentioning(`${base}/`)).toEqual([]);
  });
});

describe('a uid with no passwd entry', () => {
  it('starts and stops a VM, its sockets under /tmp/vmdesk-<uid>', async () => {
    const uid = 4242 + Math.floor(Math.random() * 1000);
    expect(() => execFileSync('getent', ['passwd', String(uid)])).toThrow(); // really no entry
    const home = mkdtempSync('/tmp/vd-nopw-');
    const fallback = `/tmp/vmdesk-${uid}`;
    trackDir(fallback);
    try {
      createImage(join(home, 'blank.qcow2'));
      writeFileSync(join(home, 'np.task.json'), JSON.stringify({ name: 'np', config: { image_path: 'blank.qcow2', args: ['-S'] }, resources: { memory: 128 }, disposable: true }));
      chownSync(home, uid, uid);
      for (const f of readdirSync(home)) chownSync(join(home, f), uid, uid);
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, VMDESK_HOME: home };
      const run = (args: string[]) => {
        try {
          return { code: 0, out: execFileSync('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', process.execPath, join(process.cwd(), 'bin/vmdesk.js'), ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
        } catch (err) {
          const e = err as { status: number; stdout: string; stderr: string };
          return { code: e.status, out: `${e.stdout}${e.stderr}` };
        }
      };
      const started = run(['start', join(home, 'np.task.json'), '--json']);
      expect(started).toMatchObject({ code: 0 });
      trackPid((JSON.parse(started.out) as { vm: VmInfo }).vm.pid);
      expect(statSync(fallback)).toMatchObject({ uid });
      expect(statSync(fallback).mode & 0o7777).toBe(0o700);
      expect(existsSync(join(fallback, 'np', 'qmp.sock'))).toBe(true);
      expect(run(['rm', 'np', '--force'])).toMatchObject({ code: 0 });
      expect(pidsMentioning(`${fallback}/`)).toEqual([]);
    } finally {
      for (const pid of pidsMentioning(`${fallback}/`)) process.kill(pid, 'SIGKILL');
      rmSync(home, { recursive: true, force: true });
      rmSync(fallback, { recursive: true, force: true });
    }
  });
});
