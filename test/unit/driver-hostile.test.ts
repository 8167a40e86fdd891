// Hostile task files: each must fail with a clear error (the right code, a message that says what is wrong)
// through the real I/O path: a real task file in a temp dir, real images made by qemu-img, real symlinks.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planTaskFile } from '../../src/main/driver/prepare';
import { DEFAULT_DRIVER_CONFIG, type DriverConfig } from '../../src/shared/driver-config';
import { VmdeskError, type ErrorCode } from '../../src/shared/errors';
import { createImage, createOverlay } from '../helpers/image-files';

let root: string;
let outside: string;
let n = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vmdesk-hostile-'));
  outside = join(root, 'outside');
  await mkdir(outside);
  createImage(join(outside, 'other.qcow2'));
  await mkdir(join(root, 'allowed'));
  await mkdir(join(root, 'allowedx'));
  createImage(join(root, 'allowedx', 'img.qcow2'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

type Setup = (dir: string) => Promise<unknown> | unknown;
interface Case {
  title: string;
  /** Builds the task (object or raw text) in the task dir; the dir already holds a good disk.qcow2. */
  task: Setup;
  config?: Partial<DriverConfig> | (() => Partial<DriverConfig>);
  env?: Record<string, string>;
  code: ErrorCode;
  message: RegExp;
}

const base = (config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  name: 'web', config: { image_path: 'disk.qcow2', ...config }, resources: { memory: 128 }, ...extra,
});
const img = (dir: string, name: string, format = 'qcow2') => createImage(join(dir, name), format);
const qemuImg = (...args: string[]) => execFileSync('qemu-img', args);

const cases: Case[] = [
  // Paths
  { title: 'traversal ../', task: () => base({ image_path: '../outside/other.qcow2' }), code: 'IMAGE_NOT_ALLOWED', message: /^image_path is not in the allowed paths/ },
  { title: 'absolute path outside', task: () => base({ image_path: '/etc/passwd' }), code: 'IMAGE_NOT_ALLOWED', message: /^image_path is not in the allowed paths: \/etc\/passwd/ },
  { title: 'missing file outside (no existence oracle)', task: () => base({ image_path: '/etc/nonexistent-vmdesk' }), code: 'IMAGE_NOT_ALLOWED', message: /not in the allowed paths/ },
  { title: '/tmpx beside an allowed /tmp', task: () => base({ image_path: join(root, 'allowedx', 'img.qcow2') }), config: () => ({ image_paths: [join(root, 'allowed')] }), code: 'IMAGE_NOT_ALLOWED', message: /not in the allowed paths/ },
  { title: 'symlink in the task dir pointing out', task: async (d) => { await symlink(join(outside, 'other.qcow2'), join(d, 'link.qcow2')); return base({ image_path: 'link.qcow2' }); }, code: 'IMAGE_NOT_ALLOWED', message: /link\.qcow2 \(really .*outside\/other\.qcow2\) is outside/ },
  { title: 'symlinked directory pointing out', task: async (d) => { await symlink(outside, join(d, 'sub')); return base({ image_path: 'sub/other.qcow2' }); }, code: 'IMAGE_NOT_ALLOWED', message: /really/ },
  { title: 'symlink to /etc/shadow', task: async (d) => { await symlink('/etc/shadow', join(d, 'x.img')); return base({ image_path: 'x.img' }); }, code: 'IMAGE_NOT_ALLOWED', message: /really \/etc\/shadow/ },
  { title: 'file: prefix', task: () => base({ image_path: 'file:disk.qcow2' }), code: 'IMAGE_NOT_ALLOWED', message: /"file:" protocol prefixes are not allowed/ },
  { title: 'json: prefix', task: () => base({ image_path: 'json:{"driver":"file","filename":"/etc/passwd"}' }), code: 'IMAGE_NOT_ALLOWED', message: /"json:" protocol prefixes/ },
  { title: 'nbd: URL', task: () => base({ image_path: 'nbd://10.0.0.1/x' }), code: 'IMAGE_NOT_ALLOWED', message: /"nbd:" protocol/ },
  { title: 'newline in image_path', task: () => base({ image_path: 'disk.qcow2\n-hda /etc/passwd' }), code: 'IMAGE_NOT_ALLOWED', message: /control characters/ },
  { title: 'NUL byte in image_path', task: () => base({ image_path: 'disk.qcow2\u0000/etc/passwd' }), code: 'INVALID_TASK', message: /config\.image_path: must not contain a NUL byte/ },
  { title: 'image is a directory', task: async (d) => { await mkdir(join(d, 'dir.img')); return base({ image_path: 'dir.img' }); }, code: 'IMAGE_INVALID', message: /is not a regular file/ },
  { title: 'image is a FIFO', task: (d) => { execFileSync('mkfifo', [join(d, 'fifo.img')]); return base({ image_path: 'fifo.img' }); }, code: 'IMAGE_INVALID', message: /is not a regular file/ },
  { title: 'image does not exist', task: () => base({ image_path: 'missing.qcow2' }), code: 'IMAGE_NOT_FOUND', message: /missing\.qcow2 does not exist/ },
  // Image contents
  { title: 'qcow2 backing file outside', task: (d) => { createOverlay(join(d, 'ov.qcow2'), join(outside, 'other.qcow2')); return base({ image_path: 'ov.qcow2' }); }, code: 'IMAGE_NOT_ALLOWED', message: /backing file .*other\.qcow2 of .*ov\.qcow2 is not in the allowed paths/ },
  { title: 'qcow2 backing /etc/passwd as raw', task: (d) => { img(d, 'p.qcow2'); qemuImg('rebase', '-u', '-b', '/etc/passwd', '-F', 'raw', join(d, 'p.qcow2')); return base({ image_path: 'p.qcow2' }); }, code: 'IMAGE_NOT_ALLOWED', message: /backing file \/etc\/passwd .* not in the allowed paths/ },
  { title: 'qcow2 json: backing', task: (d) => { img(d, 'j.qcow2'); qemuImg('rebase', '-u', '-b', 'json:{"driver":"file","filename":"/etc/passwd"}', '-F', 'raw', join(d, 'j.qcow2')); return base({ image_path: 'j.qcow2' }); }, code: 'IMAGE_NOT_ALLOWED', message: /"json:" pseudo-protocol/ },
  { title: 'qcow2 nbd: backing', task: (d) => { img(d, 'n.qcow2'); qemuImg('rebase', '-u', '-b', 'nbd://127.0.0.1:1/x', '-F', 'raw', join(d, 'n.qcow2')); return base({ image_path: 'n.qcow2' }); }, code: 'IMAGE_NOT_ALLOWED', message: /"nbd:" protocol/ },
  { title: 'backing loop a -> b -> a', task: (d) => { img(d, 'a.qcow2'); createOverlay(join(d, 'b.qcow2'), join(d, 'a.qcow2')); qemuImg('rebase', '-u', '-b', 'b.qcow2', '-F', 'qcow2', join(d, 'a.qcow2')); return base({ image_path: 'a.qcow2' }); }, code: 'IMAGE_INVALID', message: /backing chain of .*a\.qcow2 loops back/ },
  { title: 'backing self-loop', task: (d) => { img(d, 's.qcow2'); qemuImg('rebase', '-u', '-b', 's.qcow2', '-F', 'qcow2', join(d, 's.qcow2')); return base({ image_path: 's.qcow2' }); }, code: 'IMAGE_INVALID', message: /loops back/ },
  { title: 'qcow2 external data file outside', task: (d) => { createImage(join(d, 'df.qcow2'), 'qcow2', '16M', ['-o', `data_file=${join(outside, 'data.raw')}`]); return base({ image_path: 'df.qcow2' }); }, code: 'IMAGE_NOT_ALLOWED', message: /data file .*outside\/data\.raw of .* not in the allowed paths/ },
  { title: 'vmdk (extents can name host files)', task: (d) => { img(d, 'v.vmdk', 'vmdk'); return base({ image_path: 'v.vmdk' }); }, code: 'IMAGE_INVALID', message: /image format "vmdk" is not supported.*qemu-img convert/ },
  { title: 'vmdk text descriptor with a /etc/passwd extent', task: async (d) => { await writeFile(join(d, 'desc.vmdk'), '# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="monolithicFlat"\nRW 8 FLAT "/etc/passwd" 0\n'); return base({ image_path: 'desc.vmdk' }); }, code: 'IMAGE_INVALID', message: /vmdk/ },
  { title: 'truncated qcow2 header', task: async (d) => { await writeFile(join(d, 't.qcow2'), Buffer.from([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3])); return base({ image_path: 't.qcow2' }); }, code: 'IMAGE_INVALID', message: /qcow2 header is truncated/ },
  // Commas, "=", newlines in every string field
  { title: 'name with a comma', task: () => base({}, { name: 'web,guest=x' }), code: 'INVALID_TASK', message: /^name: use 1-63 lower-case/ },
  { title: 'name with "="', task: () => base({}, { name: 'a=b' }), code: 'INVALID_TASK', message: /^name:/ },
  { title: 'name with a newline', task: () => base({}, { name: 'web\n-monitor' }), code: 'INVALID_TASK', message: /^name:/ },
  { title: 'name too long (64)', task: () => base({}, { name: 'a'.repeat(64) }), code: 'INVALID_TASK', message: /^name:/ },
  { title: 'huge name (1 MB string)', task: () => base({}, { name: 'a'.repeat(300) }), code: 'INVALID_TASK', message: /^name: must be at most 200 characters/ },
  { title: 'machine_type with a comma', task: () => base({ machine_type: 'pc,accel=kvm' }), code: 'INVALID_TASK', message: /^config\.machine_type:/ },
  { title: 'machine_type with a newline', task: () => base({ machine_type: 'q35\n-monitor stdio' }), code: 'INVALID_TASK', message: /^config\.machine_type:/ },
  { title: 'emulator with a comma', task: () => base({ emulator: 'x86_64,x' }), code: 'INVALID_TASK', message: /^config\.emulator: 'x86_64,x' is not a QEMU system emulator name/ },
  { title: 'emulator as a path', task: () => base({ emulator: '../../bin/sh' }), code: 'INVALID_TASK', message: /^config\.emulator:/ },
  { title: 'accelerator with options', task: () => base({ accelerator: 'tcg,thread=multi' }), code: 'INVALID_TASK', message: /^config\.accelerator: 'tcg,thread=multi' is not supported/ },
  { title: 'drive_interface with options', task: () => base({ drive_interface: 'ide,file=/etc/passwd' }), code: 'INVALID_TASK', message: /^(Unsupported drive_interface|config\.drive_interface: must be at most)/ },
  { title: 'port label with a comma', task: () => base({ port_map: { 'ht,tp': 80 } }, { ports: { 'ht,tp': 8080 } }), code: 'PORT_INVALID', message: /^config\.port_map\.ht,tp: a port label is 1-63 letters/ },
  { title: 'DNS server with netdev options', task: () => base({}, { dns: { servers: ['1.1.1.1,hostfwd=tcp::22-:22'] } }), code: 'INVALID_TASK', message: /^dns\.servers\.0: a DNS server must be an IP address/ },
  { title: 'DNS search with netdev options', task: () => base({}, { dns: { searches: ['lab.local,hostfwd=tcp::22-:22'] } }), code: 'INVALID_TASK', message: /^dns\.searches\.0: a DNS search domain must be a host name/ },
  // Numbers
  { title: 'negative memory', task: () => base({}, { resources: { memory: -1 } }), code: 'INVALID_TASK', message: /^QEMU memory assignment out of bounds/ },
  { title: 'huge memory', task: () => base({}, { resources: { memory: 1e20 } }), code: 'INVALID_TASK', message: /out of bounds|whole number/ },
  { title: 'memory as a non-number string', task: () => base({}, { resources: { memory: '12abc' } }), code: 'INVALID_TASK', message: /^resources\.memory: expected a number/ },
  { title: 'zero cores', task: () => base({}, { resources: { memory: 128, cores: 0 } }), code: 'INVALID_TASK', message: /^resources\.cores: must be 1 to 256/ },
  { title: 'host port 70000', task: () => base({ port_map: { http: 80 } }, { ports: { http: 70000 } }), code: 'PORT_INVALID', message: /^ports\.http: port must be 0 \(automatic\) to 65535/ },
  { title: 'negative host port', task: () => base({ port_map: { http: 80 } }, { ports: { http: -1 } }), code: 'PORT_INVALID', message: /^ports\.http:/ },
  { title: 'guest port 0', task: () => base({ port_map: { http: 0 } }, { ports: { http: 8080 } }), code: 'PORT_INVALID', message: /^config\.port_map\.http: guest port must be 1 to 65535/ },
  { title: 'port_map label without a host port', task: () => base({ port_map: { db: 5432 } }), code: 'PORT_INVALID', message: /^Unknown port label "db"$/ },
  { title: 'negative kill_timeout', task: () => base({}, { kill_timeout: '-5s' }), code: 'INVALID_TASK', message: /^kill_timeout: expected a duration/ },
  // args
  { title: 'allowlist bypass with leading space', task: () => base({ args: [' -drive', 'file=/etc/passwd'] }), config: { args_allowlist: ['-drive'] }, code: 'ARG_NOT_ALLOWED', message: /white space/ },
  { title: 'allowlist bypass with a positional disk', task: () => base({ args: ['-snapshot', '/etc/passwd'] }), config: { args_allowlist: ['-snapshot'] }, code: 'ARG_NOT_ALLOWED', message: /positional argument \(QEMU opens it as a disk image\)/ },
  { title: 'NUL in args', task: () => base({ args: ['-name\u0000x'] }), code: 'INVALID_TASK', message: /^config\.args\.0: must not contain a NUL byte/ },
  // Files and shapes
  { title: 'task file larger than 1 MiB', task: () => JSON.stringify(base({ args: Array.from({ length: 250 }, () => 'x'.repeat(4096)) })) + ' '.repeat(1024 * 1024), code: 'INVALID_TASK', message: /larger than 1048576 bytes/ },
  { title: 'task file is a FIFO (must not block)', task: () => ({ fifo: true }), code: 'INVALID_TASK', message: /task\.json is not a regular file/ },
  { title: 'task file is a JSON array', task: () => '[]', code: 'INVALID_TASK', message: /expected an object/ },
  { title: 'task file is not JSON', task: () => 'name = "web"', code: 'INVALID_TASK', message: /not valid JSON/ },
  { title: '__proto__ as a port label', task: () => '{"name":"web","config":{"image_path":"disk.qcow2","port_map":{"__proto__":80}},"ports":{}}', code: 'PORT_INVALID', message: /^config\.port_map\.__proto__: this port label is reserved/ },
  { title: 'socket path too long', task: () => base({}, { name: 'a'.repeat(60) }), env: { VMDESK_RUNTIME_DIR: `/tmp/${'r'.repeat(40)}` }, code: 'SOCKET_PATH_TOO_LONG', message: /console\.sock is 1\d\d bytes; unix sockets allow at most 107 on linux.*VMDESK_RUNTIME_DIR/ },
  { title: 'IPv6 bind address (slirp forwards IPv4 only)', task: () => base({ port_map: { http: 80 } }, { ports: { http: 8080 } }), config: { port_bind_address: '::1' }, code: 'INVALID_DRIVER_CONFIG', message: /IPv4/ },
];

describe('hostile task files fail with a clear error', () => {
  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    const dir = join(root, `t${++n}`);
    await mkdir(dir);
    createImage(join(dir, 'disk.qcow2'));
    const body = await c.task(dir);
    const file = join(dir, 'task.json');
    if (body && typeof body === 'object' && 'fifo' in body) execFileSync('mkfifo', [file]);
    else await writeFile(file, typeof body === 'string' ? body : JSON.stringify(body));
    const err = await planTaskFile(file, {
      driverConfig: { ...DEFAULT_DRIVER_CONFIG, ...(typeof c.config === 'function' ? c.config() : c.config) },
      home: join(root, 'home'),
      env: { ...process.env, VMDESK_RUNTIME_DIR: '/tmp/vd-h', ...c.env },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err, 'planning must fail').toBeInstanceOf(VmdeskError);
    expect({ code: (err as VmdeskError).code, message: (err as VmdeskError).message }).toEqual({ code: c.code, message: expect.stringMatching(c.message) });
  });

  it('control: the same directory layout with a good task plans fine', async () => {
    const dir = join(root, 'good');
    await mkdir(dir);
    createImage(join(dir, 'disk.qcow2'));
    createOverlay(join(dir, 'ov.qcow2'), join(dir, 'disk.qcow2'));
    await writeFile(join(dir, 'task.json'), JSON.stringify(base({ image_path: 'ov.qcow2' })));
    const plan = await planTaskFile(join(dir, 'task.json'), { driverConfig: DEFAULT_DRIVER_CONFIG, home: join(root, 'home'), env: { ...process.env, VMDESK_RUNTIME_DIR: '/tmp/vd-h' } });
    expect(plan.image).toMatchObject({ path: join(dir, 'ov.qcow2'), format: 'qcow2', backingFile: join(dir, 'disk.qcow2') });
  });

  it('control: an image_paths entry that is a symlink counts by its real directory', async () => {
    const dir = join(root, 'good3');
    await mkdir(dir);
    await symlink(outside, join(root, 'images-link'));
    await writeFile(join(dir, 'task.json'), JSON.stringify(base({ image_path: join(root, 'images-link', 'other.qcow2') })));
    const plan = await planTaskFile(join(dir, 'task.json'), { driverConfig: { ...DEFAULT_DRIVER_CONFIG, image_paths: [join(root, 'images-link')] }, home: join(root, 'home'), env: { ...process.env, VMDESK_RUNTIME_DIR: '/tmp/vd-h' } });
    expect(plan.image.path).toBe(join(outside, 'other.qcow2'));
    expect(plan.argv).toContain(`file.driver=file,file.filename=${join(outside, 'other.qcow2')},format=qcow2,id=vmdesk-disk0,if=ide`);
  });

  it('control: a backing file inside image_paths is allowed', async () => {
    const dir = join(root, 'good2');
    await mkdir(dir);
    createOverlay(join(dir, 'ov.qcow2'), join(outside, 'other.qcow2'));
    await writeFile(join(dir, 'task.json'), JSON.stringify(base({ image_path: 'ov.qcow2' })));
    const plan = await planTaskFile(join(dir, 'task.json'), { driverConfig: { ...DEFAULT_DRIVER_CONFIG, image_paths: [outside] }, home: join(root, 'home'), env: { ...process.env, VMDESK_RUNTIME_DIR: '/tmp/vd-h' } });
    expect(plan.image.backingFile).toBe(join(outside, 'other.qcow2'));
  });
});
