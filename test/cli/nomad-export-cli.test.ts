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

  it('cloud_init survives vmdesk export then vmdesk import (HCL and JSON): keys, hostname, user-data, no seed drive', async () => {
    const cloud = {
      name: 'cloud',
      config: {
        image_path: 'debian.qcow2',
        port_map: { ssh: 22 },
        cloud_init: {
          hostname: 'box1',
          user_data: '#cloud-config\n# ${HOME} stays text\nruncmd:\n  - echo "vmdesk-ok" > /dev/console\n',
          ssh_authorized_keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq7oE3ZL5b8x6m9cVv1Y7y2Yw2Jk8mG0b1c2d3e4f5g dev@laptop'],
        },
      },
      ports: { ssh: 2222 },
    };
    await writeFile(join(dir, 'cloud.json'), JSON.stringify(cloud));
    for (const format of ['hcl', 'json']) {
      const out = join(dir, `cloud.${format}`);
      const r = await vmdesk('export', join(dir, 'cloud.json'), '--format', format, '--out', out, '--artifact', 'https://images.example.com/vms/debian.qcow2');
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/cloud_init: the whole block is kept in meta vmdesk_cloud_init/);
      expect(await readFile(out, 'utf8')).toMatch(/seed\.iso/);
      const imported = await vmdesk('import', out, '--out', join(dir, `back-${format}`), '--json');
      expect(imported.exitCode, imported.stdout + imported.stderr).toBe(0);
      expect(imported.stdout + imported.stderr).toMatch(/cloud_init restored from meta vmdesk_cloud_init; dropped the seed -drive arg and the seed artifact https:\/\/images\.example\.com\/vms\/seed\.iso/);
      const back = parseTask(JSON.parse(await readFile(join(dir, `back-${format}`, 'cloud', 'cloud.json'), 'utf8')));
      const want = parseTask(cloud);
      if (!back.ok || !want.ok) throw new Error('not a task');
      expect(back.task.config.cloud_init).toEqual(want.task.config.cloud_init);
      expect(back.task.config.drives).toBeUndefined();
      expect(back.task.config.args).toEqual([]);
      expect(back.task.artifacts?.map((a) => a.source)).toEqual(['https://images.example.com/vms/debian.qcow2']);
    }
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

describe('vmdesk export of a VM the supervisor knows', () => {
  it('uses the task in the VM\'s state record when its task file is gone', async () => {
    const { execFileSync } = await import('node:child_process');
    const { planTask } = await import('../../src/main/driver/prepare');
    const { writeRecord } = await import('../../src/main/supervisor/state-record');
    const { vmsDir } = await import('../../src/main/store/paths');
    const { DEFAULT_DRIVER_CONFIG } = await import('../../src/shared/driver-config');
    const home = join(dir, 'home');
    const taskDir = join(dir, 'task');
    await mkdir(taskDir, { recursive: true });
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(taskDir, 'web.qcow2'), '16M']);
    const parsed = parseTask(taskFile);
    if (!parsed.ok) throw new Error(parsed.message);
    const plan = await planTask(parsed.task, taskDir, { driverConfig: DEFAULT_DRIVER_CONFIG, home, env: { ...process.env, VMDESK_RUNTIME_DIR: join(dir, 'rt') } });
    const vmDir = join(vmsDir(home), 'web');
    await mkdir(vmDir, { recursive: true });
    writeRecord(vmDir, { version: 1, name: 'web', state: 'exited', uuid: '0c7a5f3e-8d3b-4c1e-9a51-2f4b6d8e0a11', plan, taskFile: join(taskDir, 'gone.json'), createdAt: new Date().toISOString() });
    const r = await vmdesk('export', 'web', '--format', 'json');
    expect(r.exitCode).toBe(0);
    const job = JSON.parse(r.stdout);
    expect(job.Job.TaskGroups[0].Tasks[0]).toMatchObject({ Config: { image_path: 'web.qcow2' }, Resources: { MemoryMB: 256, Cores: 2 }, KillTimeout: 20_000_000_000 });
  });
});
