// `vmdesk plan` and `vmdesk ssh` for cloud_init tasks, without a guest: the seed cdrom in the argv and the
// summary, refusals before anything starts (broken YAML with its line, a {file} outside the allowed places, no
// seed tool on PATH with the package to install), and ssh's usage and unknown-VM errors.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, vmdesk } from '../helpers/cli';
import { createImage } from '../helpers/image-files';

let root: string;
let env: NodeJS.ProcessEnv;

function task(name: string, cloudInit: unknown, extra: Record<string, unknown> = {}): string {
  const path = join(root, `${name}.json`);
  writeFileSync(path, JSON.stringify({ name, config: { image_path: 'disk.qcow2', port_map: { ssh: 22 }, cloud_init: cloudInit }, ports: { ssh: 0 }, ...extra }));
  return path;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'vmdesk-ci-cli-'));
  createImage(join(root, 'disk.qcow2'));
  env = { ...process.env, VMDESK_HOME: join(root, 'home'), VMDESK_RUNTIME_DIR: '/tmp/vd-ci-cli' };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('vmdesk plan with cloud_init', () => {
  it('shows the seed cdrom in the argv and the cloud-init line; writes nothing', async () => {
    const r = await vmdesk(['plan', task('web', { hostname: 'box1' })], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/file\.filename=.*\/vms\/web\/cloud-init\/seed\.iso,format=raw,id=vmdesk-seed,if=none,read-only=on/);
    expect(r.stderr).toMatch(/cloud-init: seed .* genisoimage\); hostname box1; ssh vmdesk on port label "ssh" with the generated key .*id_ed25519/);
    const j = json<{ hardware: { cloudInit: Record<string, unknown> } }>(await vmdesk(['plan', task('web', {}), '--json'], env));
    expect(j.hardware.cloudInit).toMatchObject({ driveId: 'vmdesk-seed', tool: 'genisoimage', hostname: 'web', sshUser: 'vmdesk', sshLabel: 'ssh' });
    expect(() => execFileSync('ls', [join(root, 'home', 'vms', 'web')], { stdio: 'ignore' })).toThrow();
  });

  it('refuses broken YAML (inline and {file}) with its line, exit 2', async () => {
    const inline = await vmdesk(['plan', task('bad', { user_data: '#cloud-config\na: [1,\n' })], env);
    expect(inline.code).toBe(2);
    expect(inline.stderr).toMatch(/cloud_init\.user_data: broken YAML at line \d+/);
    writeFileSync(join(root, 'net.yaml'), 'version: 2\nethernets:\n  eth0: {dhcp4: true\n');
    const file = await vmdesk(['plan', task('bad2', { network_config: { file: 'net.yaml' } }), '--json'], env);
    expect(file.code).toBe(2);
    expect(json<{ error: { field: string; message: string } }>(file).error).toMatchObject({ field: 'config.cloud_init.network_config.file', message: expect.stringMatching(/net\.yaml\): broken YAML at line \d/) });
  });

  it('refuses a {file} outside the task directory and image_paths', async () => {
    const r = await vmdesk(['plan', task('out', { user_data: { file: '/etc/passwd' } })], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cloud_init\.user_data\.file is not in the allowed paths: \/etc\/passwd/);
  });

  it('without genisoimage or xorriso on PATH: refused, naming the package', async () => {
    const bin = join(root, 'bin');
    mkdirSync(bin);
    for (const tool of ['qemu-system-x86_64', 'qemu-img']) symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bin, tool));
    const r = await vmdesk(['plan', task('notool', {})], { ...env, PATH: bin });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cloud_init: no program to build the seed ISO was found on PATH; install genisoimage \(sudo apt-get install genisoimage/);
  });
});

describe('vmdesk ssh errors', () => {
  it('usage and an unknown VM', async () => {
    const usage = await vmdesk(['ssh'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/give a VM name/);
    const extra = await vmdesk(['ssh', 'a', 'uname'], env);
    expect(extra.stderr).toMatch(/put the command after --/);
    const unknown = await vmdesk(['ssh', 'nosuch', '--print'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/nosuch/);
  });
});
