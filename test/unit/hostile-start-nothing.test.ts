// Hostile task files through the supervisor's real start path (createSupervisor().start({ taskFile })): each
// fails with a clear error (code + message), starts no process and writes nothing in $VMDESK_HOME or the
// runtime dir. Complements driver-hostile.test.ts (the planner alone) with the families it does not cover:
// devices and sockets instead of images, symlink chains/loops/dangling, more protocol prefixes, backing
// chains through symlinks/FIFOs/devices, args whose values reach host files or commands, ports, ranges,
// names, a 100 MB file and deeply nested JSON. Real files, real qemu-img, real symlinks, real sockets.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupervisor } from '../../src/main/supervisor/supervisor';
import { DEFAULT_DRIVER_CONFIG, type DriverConfig } from '../../src/shared/driver-config';
import { VmdeskError, type ErrorCode } from '../../src/shared/errors';
import { pidsMentioning } from '../helpers/cleanup';
import { createImage, createOverlay } from '../helpers/image-files';

let root: string;
let outside: string;
let n = 0;
const servers: Server[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'vmdesk-hsn-'));
  outside = join(root, 'outside');
  mkdirSync(outside);
  createImage(join(outside, 'other.qcow2'));
  writeFileSync(join(outside, 'evil.so'), 'not really a plugin');
});
afterAll(() => {
  for (const s of servers) s.close();
  rmSync(root, { recursive: true, force: true });
});

type Setup = (dir: string) => unknown;
interface Case {
  title: string;
  task: Setup;
  config?: Partial<DriverConfig> | (() => Partial<DriverConfig>);
  code: ErrorCode;
  message: RegExp;
}

const base = (config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  name: 'web', config: { image_path: 'disk.qcow2', ...config }, resources: { memory: 128 }, ...extra,
});
const qemuImg = (...args: string[]) => execFileSync('qemu-img', args);
const withArgs = (args: string[]) => base({ args });
const allow = (...opts: string[]) => ({ args_allowlist: opts });
const NOT_PLACE = /outside the task's directory and image_paths; with an args_allowlist, files given to QEMU in args must be in the allowed places/;

const cases: Case[] = [
  // Devices, sockets and directories instead of images
  { title: '/dev/zero as image (outside)', task: () => base({ image_path: '/dev/zero' }), code: 'IMAGE_NOT_ALLOWED', message: /^image_path is not in the allowed paths: \/dev\/zero/ },
  { title: '/dev/null with /dev in image_paths (a device, not a file)', task: () => base({ image_path: '/dev/null' }), config: { image_paths: ['/dev'] }, code: 'IMAGE_INVALID', message: /\/dev\/null is not a regular file/ },
  { title: 'symlink to /dev/zero', task: (d) => { symlinkSync('/dev/zero', join(d, 'z.img')); return base({ image_path: 'z.img' }); }, code: 'IMAGE_NOT_ALLOWED', message: /really \/dev\/zero/ },
  { title: 'a unix socket as image', task: (d) => { const s = createServer(); s.listen(join(d, 's.img')); servers.push(s); return new Promise((r) => s.once('listening', () => r(base({ image_path: 's.img' })))); }, code: 'IMAGE_INVALID', message: /s\.img is not a regular file/ },
  { title: 'symlink to a directory inside the task dir', task: (d) => { mkdirSync(join(d, 'sub')); symlinkSync(join(d, 'sub'), join(d, 'd.img')); return base({ image_path: 'd.img' }); }, code: 'IMAGE_INVALID', message: /is not a regular file/ },
  // Symlink families
  { title: 'chained symlinks ending outside', task: (d) => { symlinkSync(join(outside, 'other.qcow2'), join(d, 'c2')); symlinkSync('c2', join(d, 'c1.qcow2')); return base({ image_path: 'c1.qcow2' }); }, code: 'IMAGE_NOT_ALLOWED', message: /c1\.qcow2 \(really .*outside\/other\.qcow2\)/ },
  { title: 'chain through a symlinked directory outside', task: (d) => { symlinkSync(root, join(d, 'up')); return base({ image_path: 'up/outside/other.qcow2' }); }, code: 'IMAGE_NOT_ALLOWED', message: /really .*outside\/other\.qcow2/ },
  { title: 'dangling symlink', task: (d) => { symlinkSync(join(d, 'nowhere.qcow2'), join(d, 'dangling.qcow2')); return base({ image_path: 'dangling.qcow2' }); }, code: 'IMAGE_NOT_FOUND', message: /dangling\.qcow2 does not exist/ },
  { title: 'dangling symlink pointing outside (same answer: no oracle)', task: (d) => { symlinkSync('/etc/vmdesk-nonexistent', join(d, 'd2.qcow2')); return base({ image_path: 'd2.qcow2' }); }, code: 'IMAGE_NOT_FOUND', message: /d2\.qcow2 does not exist/ },
  { title: 'symlink loop', task: (d) => { symlinkSync('l2.qcow2', join(d, 'l1.qcow2')); symlinkSync('l1.qcow2', join(d, 'l2.qcow2')); return base({ image_path: 'l1.qcow2' }); }, code: 'IMAGE_INVALID', message: /l1\.qcow2: too many levels of symbolic links/ },
  // Protocol prefixes
  { title: 'fat: (vvfat exposes a host dir)', task: () => base({ image_path: 'fat:rw:/' }), code: 'IMAGE_NOT_ALLOWED', message: /"fat:" protocol prefixes are not allowed/ },
  { title: 'http: URL', task: () => base({ image_path: 'http://10.0.0.1/x.qcow2' }), code: 'IMAGE_NOT_ALLOWED', message: /"http:" protocol/ },
  { title: 'ssh: URL', task: () => base({ image_path: 'ssh://root@h/etc/shadow' }), code: 'IMAGE_NOT_ALLOWED', message: /"ssh:" protocol/ },
  { title: 'host_device:', task: () => base({ image_path: 'host_device:/dev/sda' }), code: 'IMAGE_NOT_ALLOWED', message: /"host_device:" protocol/ },
  // Backing and data files
  { title: 'backing file through a symlink in the task dir pointing out', task: (d) => { symlinkSync(join(outside, 'other.qcow2'), join(d, 'base.qcow2')); createOverlay(join(d, 'ov.qcow2'), join(d, 'base.qcow2')); return base({ image_path: 'ov.qcow2' }); }, code: 'IMAGE_NOT_ALLOWED', message: /backing file .*outside\/other\.qcow2 of .*ov\.qcow2 is not in the allowed paths/ },
  { title: 'backing file is a FIFO in the task dir (must not block)', task: (d) => { createImage(join(d, 'f.qcow2')); execFileSync('mkfifo', [join(d, 'pipe.raw')]); qemuImg('rebase', '-u', '-b', 'pipe.raw', '-F', 'raw', join(d, 'f.qcow2')); return base({ image_path: 'f.qcow2' }); }, code: 'IMAGE_INVALID', message: /pipe\.raw.*not a regular file/ },
  { title: 'backing file /dev/zero', task: (d) => { createImage(join(d, 'bz.qcow2')); qemuImg('rebase', '-u', '-b', '/dev/zero', '-F', 'raw', join(d, 'bz.qcow2')); return base({ image_path: 'bz.qcow2' }); }, code: 'IMAGE_NOT_ALLOWED', message: /backing file \/dev\/zero .*not in the allowed paths/ },
  { title: 'backing loop of three', task: (d) => { createImage(join(d, 'a.qcow2')); createOverlay(join(d, 'b.qcow2'), join(d, 'a.qcow2')); createOverlay(join(d, 'c.qcow2'), join(d, 'b.qcow2')); qemuImg('rebase', '-u', '-b', 'c.qcow2', '-F', 'qcow2', join(d, 'a.qcow2')); return base({ image_path: 'c.qcow2' }); }, code: 'IMAGE_INVALID', message: /loops back/ },
  { title: 'backing chain deeper than 16', task: (d) => { createImage(join(d, 'l0.qcow2')); for (let i = 1; i <= 18; i++) createOverlay(join(d, `l${i}.qcow2`), join(d, `l${i - 1}.qcow2`)); return base({ image_path: 'l18.qcow2' }); }, code: 'IMAGE_INVALID', message: /backing chain of .*l18\.qcow2 is longer than 16 images/ },
  { title: 'data file through a symlink pointing out', task: (d) => { symlinkSync(join(outside, 'data2.raw'), join(d, 'data.raw')); writeFileSync(join(outside, 'data2.raw'), ''); createImage(join(d, 'dl.qcow2'), 'qcow2', '16M', ['-o', `data_file=${join(d, 'data.raw')}`]); return base({ image_path: 'dl.qcow2' }); }, code: 'IMAGE_NOT_ALLOWED', message: /data file .*outside\/data2\.raw of .*dl\.qcow2 is not in the allowed paths/ },
  // args whose values reach host files or commands (the option itself is allowed)
  { title: 'allowed -drive with file=/etc/passwd', task: () => withArgs(['-drive', 'file=/etc/passwd,format=raw,if=virtio']), config: allow('-drive'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: 'allowed -drive with file=../outside', task: () => withArgs(['-drive', 'file=../outside/other.qcow2,format=qcow2']), config: allow('-drive'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: 'allowed -drive with file=json:', task: () => withArgs(['-drive', 'file=json:{"driver":"file","filename":"/etc/shadow"}']), config: allow('-drive'), code: 'ARG_NOT_ALLOWED', message: /protocol prefix/ },
  { title: 'allowed -drive with file=nbd:', task: () => withArgs(['-drive', 'file=nbd:10.0.0.1:10809,format=raw']), config: allow('-drive'), code: 'ARG_NOT_ALLOWED', message: /protocol prefix/ },
  { title: 'allowed -drive with a symlink in the task dir pointing out', task: (d) => { symlinkSync('/etc/passwd', join(d, 'p.raw')); return withArgs(['-drive', 'file=p.raw,format=raw']); }, config: allow('-drive'), code: 'ARG_NOT_ALLOWED', message: /really \/etc\/passwd/ },
  { title: 'allowed -blockdev JSON naming /etc/shadow', task: () => withArgs(['-blockdev', '{"driver":"file","node-name":"x","filename":"/etc/shadow"}']), config: allow('-blockdev'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: 'allowed -chardev writing a host file', task: () => withArgs(['-chardev', 'file,id=x,path=/tmp/vmdesk-pwned']), config: allow('-chardev'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: 'allowed -netdev with guestfwd cmd:', task: () => withArgs(['-netdev', 'user,id=n1,guestfwd=tcp:10.0.2.100:80-cmd:/bin/sh -c id']), config: allow('-netdev'), code: 'ARG_NOT_ALLOWED', message: /runs a host command/ },
  { title: 'allowed -netdev with smb=/', task: () => withArgs(['-netdev', 'user,id=n1,smb=/']), config: allow('-netdev'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: 'allowed -netdev with tftp=/etc', task: () => withArgs(['-netdev', 'user,id=n1,tftp=/etc,bootfile=shadow']), config: allow('-netdev'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: 'allowed -netdev tap with script=', task: () => withArgs(['-netdev', 'tap,id=n1,script=/tmp/x.sh']), config: allow('-netdev'), code: 'ARG_NOT_ALLOWED', message: /runs a host command/ },
  { title: 'allowed -readconfig outside', task: () => withArgs(['-readconfig', '/etc/qemu/evil.cfg']), config: allow('-readconfig'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: 'allowed -plugin outside', task: () => withArgs(['-plugin', `file=${join(outside, 'evil.so')}`]), config: allow('-plugin'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: 'allowed -plugin with the implied key', task: () => withArgs(['-plugin', join(outside, 'evil.so')]), config: allow('-plugin'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: 'allowed -L outside', task: () => withArgs(['-L', '/tmp']), config: allow('-L'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: 'allowed -bios outside', task: () => withArgs(['-bios', join(outside, 'other.qcow2')]), config: allow('-bios'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: 'allowed -kernel with ../', task: () => withArgs(['-kernel', '../outside/other.qcow2']), config: allow('-kernel'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: 'allowed -serial file:', task: () => withArgs(['-serial', 'file:/tmp/vmdesk-pwned']), config: allow('-serial'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: 'allowed -incoming exec:', task: () => withArgs(['-incoming', 'exec:sh -c id']), config: allow('-incoming'), code: 'ARG_NOT_ALLOWED', message: /runs a host command/ },
  { title: 'allowed -object with mem-path outside', task: () => withArgs(['-object', 'memory-backend-file,id=m,size=128M,mem-path=/dev/shm/x']), config: allow('-object'), code: 'ARG_NOT_ALLOWED', message: NOT_PLACE },
  { title: '-drive not in a non-empty allowlist', task: () => withArgs(['-drive', 'file=disk2.qcow2']), config: allow('-snapshot'), code: 'ARG_NOT_ALLOWED', message: /^"-drive" is not in args_allowlist$/ },
  { title: '-daemonize even when allowed', task: () => withArgs(['-daemonize']), config: allow('-daemonize'), code: 'ARG_NOT_ALLOWED', message: /-daemonize" cannot be used/ },
  // DNS
  { title: 'DNS server with a newline', task: () => base({}, { dns: { servers: ['1.1.1.1\nhostfwd=tcp::22-:22'] } }), code: 'INVALID_TASK', message: /^dns\.servers\.0: a DNS server must be an IP address/ },
  { title: 'DNS search with a JSON quote', task: () => base({}, { dns: { searches: ['a","hostfwd":[{"str":"tcp::22-:22"}],"x":"'] } }), code: 'INVALID_TASK', message: /^dns\.searches\.0: a DNS search domain must be a host name/ },
  { title: 'seven DNS search domains', task: () => base({}, { dns: { searches: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] } }), code: 'INVALID_TASK', message: /at most 6 search domains/ },
  // Ports
  { title: 'host port non-numeric', task: () => base({ port_map: { http: 80 } }, { ports: { http: '80a' } }), code: 'PORT_INVALID', message: /^ports\.http:/ },
  { title: 'host port fractional', task: () => base({ port_map: { http: 80 } }, { ports: { http: 80.5 } }), code: 'PORT_INVALID', message: /^ports\.http:/ },
  { title: 'guest port 65536', task: () => base({ port_map: { http: 65536 } }, { ports: { http: 8080 } }), code: 'PORT_INVALID', message: /^config\.port_map\.http: guest port must be 1 to 65535/ },
  { title: 'the same host port for two labels', task: () => base({ port_map: { a: 80, b: 81 } }, { ports: { a: 18080, b: 18080 } }), code: 'PORT_INVALID', message: /^ports\.b: host port 18080 is also used by "a"/ },
  // Ranges
  { title: 'memory 127 (Nomad minimum 128)', task: () => base({}, { resources: { memory: 127 } }), code: 'INVALID_TASK', message: /^QEMU memory assignment out of bounds/ },
  { title: 'memory above 4,000,000', task: () => base({}, { resources: { memory: 4_000_001 } }), code: 'INVALID_TASK', message: /^QEMU memory assignment out of bounds/ },
  { title: 'fractional memory', task: () => base({}, { resources: { memory: 128.5 } }), code: 'INVALID_TASK', message: /^resources\.memory:|out of bounds/ },
  { title: '257 cores', task: () => base({}, { resources: { memory: 128, cores: 257 } }), code: 'INVALID_TASK', message: /^resources\.cores: must be 1 to 256/ },
  { title: 'cores as "2x"', task: () => base({}, { resources: { memory: 128, cores: '2x' } }), code: 'INVALID_TASK', message: /^resources\.cores:/ },
  // Names that try to leave the VM directory, and other strings
  { title: 'name "../etc"', task: () => base({}, { name: '../etc' }), code: 'INVALID_TASK', message: /^name: use 1-63 lower-case/ },
  { title: 'name ".."', task: () => base({}, { name: '..' }), code: 'INVALID_TASK', message: /^name:/ },
  { title: 'name "/tmp/x"', task: () => base({}, { name: '/tmp/x' }), code: 'INVALID_TASK', message: /^name:/ },
  { title: 'name with non-ASCII', task: () => base({}, { name: 'wéb' }), code: 'INVALID_TASK', message: /^name:/ },
  { title: 'machine_type non-ASCII', task: () => base({ machine_type: 'pç' }), code: 'INVALID_TASK', message: /^config\.machine_type:/ },
  { title: 'image_path of 5000 characters', task: () => base({ image_path: 'a/'.repeat(2500) }), code: 'INVALID_TASK', message: /^config\.image_path: must be at most/ },
  { title: 'unknown top-level key', task: () => ({ ...base(), resourcez: {} }), code: 'INVALID_TASK', message: /resourcez/ },
  { title: 'args not an array', task: () => base({ args: '-drive file=/etc/passwd' }), code: 'INVALID_TASK', message: /^config\.args:/ },
  // Files
  { title: 'a 100 MB task file', task: () => ({ big: 100 * 1024 * 1024 }), code: 'INVALID_TASK', message: /larger than 1048576 bytes/ },
  { title: 'deeply nested JSON (200,000 levels)', task: () => `{"name":"web","config":{"image_path":"disk.qcow2","args":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`, code: 'INVALID_TASK', message: /^config\.args\.0: expected a string/ },
  { title: 'task file is a symlink to /dev/zero', task: () => ({ link: '/dev/zero' }), code: 'INVALID_TASK', message: /not a regular file/ },
];

/** Every file below `dir` (recursively); [] when it does not exist. */
function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
}

describe('hostile task files through supervisor.start: clear error, nothing started, nothing written', () => {
  it('has at least 60 cases', () => expect(cases.length).toBeGreaterThanOrEqual(60));

  it.each(cases.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    const dir = join(root, `t${++n}`);
    mkdirSync(dir);
    createImage(join(dir, 'disk.qcow2'));
    const home = join(root, `home${n}`);
    const runtimeDir = mkdtempSync('/tmp/vd-hs');
    try {
      const body = await c.task(dir);
      const file = join(dir, 'task.json');
      if (body && typeof body === 'object' && 'big' in body) {
        writeFileSync(file, JSON.stringify(base()));
        truncateSync(file, (body as { big: number }).big);
      } else if (body && typeof body === 'object' && 'link' in body) symlinkSync((body as { link: string }).link, file);
      else writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
      const sup = createSupervisor({
        home,
        env: { ...process.env, VMDESK_HOME: home, VMDESK_RUNTIME_DIR: runtimeDir },
        driverConfig: () => ({ ...DEFAULT_DRIVER_CONFIG, ...(typeof c.config === 'function' ? c.config() : c.config) }),
      });
      const err = await sup.start({ taskFile: file }).then(() => undefined, (e: unknown) => e);
      await sup.close();
      expect(err, 'start must fail').toBeInstanceOf(VmdeskError);
      expect({ code: (err as VmdeskError).code, message: (err as VmdeskError).message }).toEqual({ code: c.code, message: expect.stringMatching(c.message) });
      expect(filesUnder(home), 'nothing written in $VMDESK_HOME').toEqual([]);
      expect(filesUnder(runtimeDir), 'nothing written in the runtime dir').toEqual([]);
      expect(pidsMentioning(home).concat(pidsMentioning(runtimeDir)), 'no process started').toEqual([]);
    } finally {
      rmSync(runtimeDir, { recursive: true, force: true });
    }
  });
});
