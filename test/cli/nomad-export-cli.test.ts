// `vmdesk export` as a user runs it (the built bin/vmdesk.js), and `vmdesk import` of what it wrote.
import { execa } from 'execa';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTask } from '../../src/shared/task';

const bin = fileURLToPath(new URL('../../bin/vmdesk.js', import.meta.url));
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vmdesk-export-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const vmdesk = (...args: string[]) => execa('node', [bin, ...args], { reject: false, env: { VMDESK_HOME: join(dir, 'home') }, cwd: dir });

const taskFile = {
  name: 'web',
  config: { image_path: 'web.qcow2', graceful_shutdown: true, args: ['-nodefaults'], port_map: { http: 80 } },
  resources: { memory: 256, cores: 2 },
  ports: { http: 8080 },
  kill_timeout: '20s',
};

describe('vmdesk export (CLI)', () => {
  it('prints HCL for a task file; importing it gives the same task back', async () => {
    await writeFile(join(dir, 'web.json'), JSON.stringify(taskFile));
    const r = await vmdesk('export', join(dir, 'web.json'));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^# Nomad job for vmdesk VM "web"/);
    expect(r.stdout).toContain('job "web" {');
    expect(r.stdout).toMatch(/port "http" \{\n\s+static = 8080\n\s+to\s+= 80/);
    expect(r.stderr).toMatch(/note: image_path web\.qcow2 is relative/);
    await writeFile(join(dir, 'web.nomad.hcl'), r.stdout);
    const imported = await vmdesk('import', join(dir, 'web.nomad.hcl'), '--out', join(dir, 'back'), '--json');
    expect(imported.exitCode).toBe(0);
    const back = parseTask(JSON.parse(await readFile(join(dir, 'back', 'web', 'web.json'), 'utf8')));
    expect(back).toEqual(parseTask(taskFile));
  });

  it('writes API JSON to --out for a VM name, with the artifact', async () => {
    await mkdir(join(dir, 'home', 'tasks'), { recursive: true });
    await writeFile(join(dir, 'home', 'tasks', 'web.json'), JSON.stringify(taskFile));
    const r = await vmdesk('export', 'web', '--format', 'json', '--out', join(dir, 'job.json'), '--artifact', 'https://images.example.com/web.qcow2');
    expect(r.exitCode).toBe(0);
    const job = JSON.parse(await readFile(join(dir, 'job.json'), 'utf8'));
    expect(job.Job).toMatchObject({
      ID: 'web',
      TaskGroups: [
        {
          Networks: [{ Mode: 'host', ReservedPorts: [{ Label: 'http', Value: 8080, To: 80 }], DynamicPorts: [] }],
          Tasks: [
            {
              Driver: 'qemu',
              Config: { image_path: 'local/web.qcow2', graceful_shutdown: true },
              Resources: { MemoryMB: 256, Cores: 2 },
              KillTimeout: 20_000_000_000,
              Artifacts: [{ GetterSource: 'https://images.example.com/web.qcow2', RelativeDest: 'local/web.qcow2', GetterMode: 'file' }],
            },
          ],
        },
      ],
    });
  });

  it('says what is wrong for an unknown VM and a bad format', async () => {
    const missing = await vmdesk('export', 'nosuchvm');
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/no VM named "nosuchvm"/);
    const bad = await vmdesk('export', 'x', '--format', 'yaml');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--format must be hcl or json/);
  });
});
