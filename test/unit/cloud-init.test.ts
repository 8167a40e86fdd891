// cloud_init (issue #13), the pure parts: the task option's schema and YAML check (with the line), the seed's
// files (user-data merge, meta-data, instance-id that follows the content), the seed cdrom in the plan, the
// seed tool's argv, and `vmdesk ssh`'s argv and refusals.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseTask } from '../../src/shared/task';
import { yamlProblem } from '../../src/shared/cloud-init';
import { mergeUserData, seedFiles } from '../../src/main/cloudinit/seed-files';
import { seedToolArgs } from '../../src/main/cloudinit/seed-tool';
import { buildPlan } from '../../src/main/driver/plan';
import { hardwareLines } from '../../src/main/driver/hardware-summary';
import { sshAccessOf, sshCommandFor } from '../../src/main/ssh/ssh-command';
import { sshArgvForVm } from '../../src/main/ssh/run-ssh';
import type { VmInfo } from '../../src/shared/vm';
import { ctx, task } from '../helpers/driver-fixtures';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZ0ZXN0a2V5 vmdesk-web';
const tool = { name: 'genisoimage' as const, path: '/usr/bin/genisoimage' };

function parseCi(cloud_init: unknown) {
  return parseTask({ name: 'web', config: { image_path: 'w.qcow2', cloud_init } });
}

describe('the cloud_init option', () => {
  it('fills in the defaults and keeps what the task set', () => {
    const r = parseCi({ hostname: 'box1' });
    expect(r.ok && r.task.config.cloud_init).toEqual({ hostname: 'box1', ssh_user: 'vmdesk', ssh_port: 'ssh' });
    const none = parseTask({ name: 'web', config: { image_path: 'w.qcow2' } });
    expect(none.ok && 'cloud_init' in none.task.config).toBe(false);
  });

  it.each([
    [{ user_data: 5 }, 'config.cloud_init.user_data', /string .* or \{"file": "path"\}/],
    [{ user_data: { file: '' } }, 'config.cloud_init.user_data.file', /path/],
    [{ hostname: 'bad_host!' }, 'config.cloud_init.hostname', /hostname/],
    [{ ssh_user: 'Root Me' }, 'config.cloud_init.ssh_user', /Linux user name/],
    [{ ssh_authorized_keys: ['not a key'] }, 'config.cloud_init.ssh_authorized_keys.0', /public key line/],
    [{ userdata: 'x' }, 'config.cloud_init.userdata', /userdata/],
    [{ meta_data: { 'instance-id': 'x' } }, 'config.cloud_init.meta_data.instance-id', /vmdesk sets instance-id itself/],
    [{ meta_data: { 'local-hostname': 'x' } }, 'config.cloud_init.meta_data.local-hostname', /cloud_init\.hostname/],
  ])('refuses %j', (ci, field, message) => {
    const r = parseCi(ci);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.field).toBe(field);
      expect(r.message).toMatch(message);
    }
  });

  it('refuses a broken #cloud-config before anything starts, with its line', () => {
    const r = parseCi({ user_data: '#cloud-config\nruncmd:\n  - echo hi\n bad: [unclosed\n' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.field).toBe('config.cloud_init.user_data');
      expect(r.message).toMatch(/^cloud_init\.user_data: broken YAML at line 4: /);
    }
    const net = parseCi({ network_config: 'version: 2\nethernets: {a: [}\n' });
    expect(!net.ok && net.message).toMatch(/cloud_init\.network_config: broken YAML at line 2/);
    // A shell-script user-data is not YAML: not checked as YAML.
    expect(parseCi({ user_data: '#!/bin/sh\necho {[\n' }).ok).toBe(true);
  });

  it('yamlProblem reports the first error with a 1-based line', () => {
    expect(yamlProblem('a: 1\nb: 2\n')).toBeUndefined();
    expect(yamlProblem('a: 1\na: 2\n')?.line).toBe(2); // duplicate keys: cloud-init's loader would pick one silently
  });
});

describe('the seed files', () => {
  it('without user_data: a #cloud-config with the default user and the ssh user holding the key', () => {
    const s = seedFiles({ vmName: 'web', sshUser: 'vmdesk', authorizedKeys: [KEY] });
    expect(Object.keys(s.files).sort()).toEqual(['meta-data', 'user-data']);
    expect(s.files['user-data']!.startsWith('#cloud-config\n')).toBe(true);
    expect(parse(s.files['user-data']!)).toEqual({
      users: ['default', { name: 'vmdesk', sudo: 'ALL=(ALL) NOPASSWD:ALL', shell: '/bin/bash', lock_passwd: true, ssh_authorized_keys: [KEY] }],
    });
    expect(parse(s.files['meta-data']!)).toEqual({ 'instance-id': s.instanceId, 'local-hostname': 'web' });
    expect(s.instanceId).toMatch(/^vmdesk-web-[0-9a-f]{16}$/);
    expect(s.warnings).toEqual([]);
  });

  it('merges the key into the user-data: the listed user, another user list, or none', () => {
    const listed = mergeUserData('#cloud-config\nusers:\n  - name: vmdesk\n    ssh_authorized_keys: [ssh-rsa AAAA old]\nruncmd: [echo hi]\n', 'vmdesk', [KEY]);
    expect(listed.merged).toBe(true);
    expect(listed.text.match(/#cloud-config/g)).toHaveLength(1);
    expect(parse(listed.text)).toEqual({ users: [{ name: 'vmdesk', ssh_authorized_keys: ['ssh-rsa AAAA old', KEY] }], runcmd: ['echo hi'] });
    const other = parse(mergeUserData('#cloud-config\nusers: [default, {name: alice}]\n', 'vmdesk', [KEY]).text);
    expect(other.users.map((u: { name?: string } | string) => (typeof u === 'string' ? u : u.name))).toEqual(['default', 'alice', 'vmdesk']);
    const none = parse(mergeUserData('#cloud-config\n# a comment\nhostname: x\n', 'vmdesk', [KEY]).text);
    expect(none).toMatchObject({ hostname: 'x', users: ['default', { name: 'vmdesk', ssh_authorized_keys: [KEY] }] });
  });

  it('a script user-data is kept as is; the keys go to meta-data public-keys, with a warning', () => {
    const s = seedFiles({ vmName: 'web', userData: '#!/bin/sh\necho hi\n', sshUser: 'vmdesk', authorizedKeys: [KEY] });
    expect(s.files['user-data']).toBe('#!/bin/sh\necho hi\n');
    expect(parse(s.files['meta-data']!)['public-keys']).toEqual([KEY]);
    expect(s.warnings[0]).toMatch(/default user/);
  });

  it('meta-data: the hostname, the extra keys, instance-id first; network-config when given', () => {
    const s = seedFiles({ vmName: 'web', hostname: 'box1', metaData: { zone: 'lab' }, networkConfig: 'version: 2\n', sshUser: 'vmdesk', authorizedKeys: [KEY] });
    expect(s.files['meta-data']!.split('\n')[0]).toBe(`instance-id: ${s.instanceId}`);
    expect(parse(s.files['meta-data']!)).toEqual({ 'instance-id': s.instanceId, zone: 'lab', 'local-hostname': 'box1' });
    expect(s.files['network-config']).toBe('version: 2\n');
  });

  it('the instance-id changes when the content changes, and only then', () => {
    const base = { vmName: 'web', sshUser: 'vmdesk', authorizedKeys: [KEY], userData: '#cloud-config\nruncmd: [echo 1]\n' };
    const a = seedFiles(base).instanceId;
    expect(seedFiles(base).instanceId).toBe(a);
    expect(seedFiles({ ...base, userData: '#cloud-config\nruncmd: [echo 2]\n' }).instanceId).not.toBe(a);
    expect(seedFiles({ ...base, hostname: 'other' }).instanceId).not.toBe(a);
    expect(seedFiles({ ...base, authorizedKeys: [KEY.replace('vmdesk-web', 'new')] }).instanceId).not.toBe(a);
    expect(seedFiles({ ...base, networkConfig: 'version: 2\n' }).instanceId).not.toBe(a);
  });

  it('the seed tool argv: label cidata, Joliet and Rock Ridge; xorriso in its mkisofs mode', () => {
    expect(seedToolArgs('genisoimage', '/v/seed.iso', ['user-data', 'meta-data'])).toEqual(['-output', '/v/seed.iso', '-volid', 'cidata', '-joliet', '-rock', '-quiet', 'user-data', 'meta-data']);
    expect(seedToolArgs('xorriso', '/v/seed.iso', ['user-data']).slice(0, 4)).toEqual(['-as', 'mkisofs', '-output', '/v/seed.iso']);
  });
});

describe('the seed in the plan', () => {
  const t = task({ config: { port_map: { ssh: 22 }, cloud_init: { hostname: 'box1' } }, ports: { ssh: 0 } });

  it('a read-only IDE cdrom with the seed ISO in the VM directory, after the disk', () => {
    const plan = buildPlan(t, ctx(t, { cloudInit: { tool } }));
    const seed = '/home/u/.local/state/vmdesk/vms/web/cloud-init/seed.iso';
    expect(plan.cloudInit).toMatchObject({ seed, driveId: 'vmdesk-seed', hostname: 'box1', sshUser: 'vmdesk', sshLabel: 'ssh', keyFile: '/home/u/.local/state/vmdesk/vms/web/ssh/id_ed25519' });
    const i = plan.argv.indexOf(`file.driver=file,file.filename=${seed},format=raw,id=vmdesk-seed,if=none,read-only=on`);
    expect(i).toBeGreaterThan(plan.argv.findIndex((a) => a.includes('id=vmdesk-disk0')));
    expect(plan.argv[i - 1]).toBe('-drive');
    expect(JSON.parse(plan.argv[i + 2]!)).toEqual({ driver: 'ide-cd', drive: 'vmdesk-seed', id: 'vmdesk-seed-dev' });
    expect(plan.warnings).toEqual([]);
    expect(hardwareLines(plan).at(-1)).toMatch(/^cloud-init: seed .*seed\.iso .*genisoimage.*hostname box1/);
  });

  it('refused without a seed tool, saying what to install; warned without the ssh label', () => {
    expect(() => buildPlan(t, ctx(t, { cloudInit: {} }))).toThrow(/no program to build the seed ISO .*apt-get install genisoimage/);
    const noSsh = task({ config: { cloud_init: {} } });
    expect(buildPlan(noSsh, ctx(noSsh, { cloudInit: { tool } })).warnings).toEqual([expect.stringMatching(/port_map has no "ssh" label/)]);
  });

  it('with the task\'s own keys: no generated key file', () => {
    const own = task({ config: { cloud_init: { ssh_authorized_keys: [KEY] } } });
    const plan = buildPlan(own, ctx(own, { cloudInit: { tool } }));
    expect(plan.cloudInit?.keyFile).toBeUndefined();
    expect(plan.cloudInit?.authorizedKeys).toEqual([KEY]);
  });
});

describe('vmdesk ssh argv', () => {
  const target = { user: 'vmdesk', host: '127.0.0.1', port: 2222, keyFile: '/v/ssh/id_ed25519', knownHosts: '/v/ssh/known_hosts' };

  it('the key, the port, the VM\'s known_hosts; BatchMode and -- for a command', () => {
    expect(sshCommandFor(target, ['uname', '-a'])).toEqual([
      '-i', '/v/ssh/id_ed25519', '-o', 'IdentitiesOnly=yes', '-p', '2222',
      '-o', 'UserKnownHostsFile=/v/ssh/known_hosts', '-o', 'StrictHostKeyChecking=accept-new', '-o', 'ConnectTimeout=30', '-o', 'LogLevel=ERROR',
      '-o', 'BatchMode=yes', 'vmdesk@127.0.0.1', '--', 'uname', '-a',
    ]);
    const login = sshCommandFor(target);
    expect(login).not.toContain('BatchMode=yes');
    expect(login.at(-1)).toBe('vmdesk@127.0.0.1');
    expect(sshCommandFor({ ...target, keyFile: undefined })).not.toContain('-i');
  });

  it('the access from a plan: the assigned forward, loopback for a wildcard bind', () => {
    const t = task({ config: { port_map: { ssh: 22 }, cloud_init: {} }, ports: { ssh: 0 } });
    const plan = buildPlan(t, ctx(t, { cloudInit: { tool } }));
    expect(sshAccessOf(plan)?.port).toBeUndefined(); // not assigned yet
    const started = { ...plan, ports: plan.ports.map((p) => ({ ...p, host: 40022, bind: '0.0.0.0' })) };
    expect(sshAccessOf(started)).toMatchObject({ host: '127.0.0.1', port: 40022, command: expect.arrayContaining(['ssh', '-p', '40022', 'vmdesk@127.0.0.1']) });
  });

  it('clear refusals: no cloud_init, not running, no ssh label, no key', () => {
    const base: VmInfo = { name: 'web', state: 'running', ports: [], agent: 'disabled', disposable: false, ssh: { user: 'vmdesk', label: 'ssh', host: '127.0.0.1', port: 2222, keyFile: '/k', knownHosts: '/kh' } };
    expect(sshArgvForVm(base, ['true'], () => true)).toContain('vmdesk@127.0.0.1');
    expect(() => sshArgvForVm({ ...base, ssh: undefined }, [], () => true)).toThrow(/no cloud_init block/);
    expect(() => sshArgvForVm({ ...base, state: 'exited' }, [], () => true)).toThrow(/web is not running \(state exited\); start it first/);
    expect(() => sshArgvForVm({ ...base, ssh: { ...base.ssh!, port: undefined } }, [], () => true)).toThrow(/no port_map label "ssh"/);
    expect(() => sshArgvForVm(base, [], () => false)).toThrow(/SSH key \/k is missing/);
  });
});

describe('cloud_init in a Nomad export', () => {
  it('the seed ISO as a cdrom drive arg, an artifact beside the image, and notes', async () => {
    const { exportHardware } = await import('../../src/main/nomad/hardware-nomad');
    const t = task({ config: { cloud_init: { hostname: 'box1' } } });
    const out = exportHardware(t, 'https://images.example/web.qcow2');
    expect(out.args).toEqual(['-drive', 'file=local/seed.iso,format=raw,if=ide,media=cdrom,readonly=on']);
    expect(out.artifacts).toEqual([{ source: 'https://images.example/seed.iso', destination: 'local/seed.iso', mode: 'file' }]);
    expect(out.notes.join('\n')).toMatch(/seed ISO .* must be served at https:\/\/images\.example\/seed\.iso/);
    expect(out.notes.join('\n')).toMatch(/generated key/);
    expect(exportHardware(task(), 'https://images.example/web.qcow2').args).toEqual([]);
  });
});
