// `vmdesk import` as a user runs it: the built bin/vmdesk.js in a child process, real files in temp dirs.
import { execa } from 'execa';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTask } from '../../src/shared/task';

const bin = fileURLToPath(new URL('../../bin/vmdesk.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/nomad/${name}`, import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vmdesk-import-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const vmdesk = (...args: string[]) =>
  execa('node', [bin, ...args], { reject: false, env: { VMDESK_HOME: join(dir, 'home') }, cwd: dir });

describe('vmdesk import (CLI)', () => {
  it('writes one task file per qemu task that parses as a task, and prints the diagnostics', async () => {
    const r = await vmdesk('import', fixture('group-network.nomad.hcl'), '--out', join(dir, 'vms'));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/imported 2 tasks from job "lab"/);
    expect(r.stdout).toMatch(/warning: line 59, task "frontend": artifact https:\/\/images\.example\.com\/frontend\.qcow2/);
    expect((await readdir(join(dir, 'vms'))).sort()).toEqual(['backend', 'frontend']);
    const file = JSON.parse(await readFile(join(dir, 'vms', 'frontend', 'frontend.json'), 'utf8'));
    const parsed = parseTask(file);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.task.config.port_map).toEqual({ http: 80, ssh: 22, metrics: 9100 });
  });

  it('reports invalid HCL with line and column, exits 2 and writes nothing', async () => {
    const r = await vmdesk('import', fixture('trailing-comma.hcl'), '--out', join(dir, 'vms'));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/error: line 9, column 18: invalid HCL: Unexpected comma after argument/);
    expect(r.stderr).toMatch(/nothing written/);
    await expect(readdir(join(dir, 'vms'))).rejects.toThrow(/ENOENT/);
  });

  it('writes nothing when one task of several is refused', async () => {
    const text = (await readFile(fixture('group-network.nomad.hcl'), 'utf8')).replace('"local/backend.img"', '"/etc/passwd"');
    await writeFile(join(dir, 'job.hcl'), text);
    const r = await vmdesk('import', join(dir, 'job.hcl'), '--out', join(dir, 'vms'));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/task "backend": image_path is not in the allowed paths/);
    await expect(readdir(join(dir, 'vms'))).rejects.toThrow(/ENOENT/);
    // The other task alone imports.
    const one = await vmdesk('import', join(dir, 'job.hcl'), '--out', join(dir, 'vms'), '--task', 'frontend');
    expect(one.exitCode).toBe(0);
    expect(await readdir(join(dir, 'vms'))).toEqual(['frontend']);
  });

  it('prints JSON with --json and refuses to overwrite without --force', async () => {
    const first = await vmdesk('import', fixture('api-job.json'), '--out', join(dir, 'vms'), '--json');
    expect(first.exitCode).toBe(0);
    const out = JSON.parse(first.stdout);
    expect(out).toMatchObject({ ok: true, job: { name: 'apivm', format: 'json' }, tasks: [{ name: 'vm', taskFile: join(dir, 'vms', 'vm', 'vm.json') }] });
    // The job's artifact becomes the task option `artifacts` (fetched by `vmdesk start`), not a diagnostic.
    expect(out.diagnostics.some((d: { kind: string }) => d.kind === 'artifact')).toBe(false);
    const before = await readFile(join(dir, 'vms', 'vm', 'vm.json'), 'utf8');
    expect(JSON.parse(before).artifacts).toEqual([{ source: 'https://images.example.com/api.qcow2', destination: 'local/api.qcow2', mode: 'file' }]);
    const again = await vmdesk('import', fixture('api-job.json'), '--out', join(dir, 'vms'));
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/not overwriting existing file/);
    expect(await readFile(join(dir, 'vms', 'vm', 'vm.json'), 'utf8')).toBe(before);
    const forced = await vmdesk('import', fixture('api-job.json'), '--out', join(dir, 'vms'), '--force');
    expect(forced.exitCode).toBe(0);
  });

  it('refuses a wrong command line with the usage', async () => {
    const r = await vmdesk('import');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/Usage: vmdesk import JOBFILE/);
  });
});
