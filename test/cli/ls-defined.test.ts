// `vmdesk ls` and `vmdesk inspect` show the app's never-started task files as `defined` (as the app does).
// Runs the built bin/vmdesk.js as a child process over a temp $VMDESK_HOME; no QEMU is started.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, vmdesk } from '../helpers/cli';
import type { VmInfo } from '../../src/shared/vm';

let home: string;
const env = () => ({ ...process.env, VMDESK_HOME: home, VMDESK_RUNTIME_DIR: '/tmp/vd-ls' });

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'vd-ls-home-'));
  await mkdir(join(home, 'tasks', 'imported'), { recursive: true });
  const task = (name: string) => ({ name, config: { image_path: `${name}.qcow2`, port_map: { http: 80 } }, ports: { http: 8080 } });
  await writeFile(join(home, 'tasks', 'web.json'), JSON.stringify(task('web')));
  await writeFile(join(home, 'tasks', 'imported', 'imported.json'), JSON.stringify(task('imported')));
});
afterAll(async () => rm(home, { recursive: true, force: true }));

describe('vmdesk ls and never-started VMs', () => {
  it('--json reports each task file in $VMDESK_HOME/tasks as state "defined", with its ports and no pid', async () => {
    const r = await vmdesk(['ls', '--json'], env());
    expect(r.code).toBe(0);
    const { vms } = json<{ vms: VmInfo[] }>(r);
    expect(vms.map((v) => [v.name, v.state])).toEqual([
      ['imported', 'defined'],
      ['web', 'defined'],
    ]);
    expect(vms[1]).toMatchObject({ ports: [{ label: 'http', guest: 80, host: 8080 }], taskFile: join(home, 'tasks', 'web.json') });
    expect(vms[1]!.pid).toBeUndefined();
    expect(vms[1]!.lastExit).toBeUndefined();
  });

  it('inspect shows a never-started task file as defined; an unknown name is still VM_NOT_FOUND', async () => {
    const r = await vmdesk(['inspect', 'imported', '--json'], env());
    expect(r.code).toBe(0);
    expect(json<{ vm: VmInfo }>(r).vm).toMatchObject({ name: 'imported', state: 'defined', taskFile: join(home, 'tasks', 'imported', 'imported.json') });
    const missing = await vmdesk(['inspect', 'nope', '--json'], env());
    expect(missing.code).not.toBe(0);
    expect(json<{ ok: false; error: { code: string } }>(missing).error.code).toBe('VM_NOT_FOUND');
  });

  it('prints "defined" in the table, not "exited"', async () => {
    const r = await vmdesk(['ls'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^web\s+defined\s+-/m);
    expect(r.stdout).not.toContain('exited');
  });
});
