// Runs the built `bin/vmdesk.js` (npm test builds it first) as a child process: plan and doctor.
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, utimes, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImage } from '../helpers/image-files';

const BIN = resolve(__dirname, '../../bin/vmdesk.js');
let root: string;
let home: string;
let taskDir: string;

function vmdesk(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, VMDESK_HOME: home, VMDESK_RUNTIME_DIR: '/tmp/vd-cli', XDG_CACHE_HOME: join(root, 'xdg-cache'), ...env } }, (err, stdout, stderr) => {
      res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function taskFile(name: string, body: unknown): Promise<string> {
  const f = join(taskDir, name);
  await writeFile(f, typeof body === 'string' ? body : JSON.stringify(body));
  return f;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vmdesk-cli-'));
  home = join(root, 'home');
  taskDir = join(root, 'task');
  await mkdir(taskDir, { recursive: true });
  createImage(join(taskDir, 'web.qcow2'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('vmdesk plan', () => {
  const web = { name: 'web', config: { image_path: 'web.qcow2', port_map: { http: 80 } }, ports: { http: 8080 }, dns: { servers: ['1.1.1.1'] } };

  it('--json prints the plan', async () => {
    const r = await vmdesk(['plan', await taskFile('web.json', web), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['ok', 'name', 'binary', 'argv', 'ports', 'hardware', 'warnings']);
    expect(out).toMatchObject({ ok: true, name: 'web', binary: expect.stringMatching(/\/qemu-system-x86_64$/) });
    expect(out.argv).toContain(`file.driver=file,file.filename=${join(taskDir, 'web.qcow2')},format=qcow2,id=vmdesk-disk0,if=ide`);
    expect(out.argv).toContain('-chardev');
    expect(out.ports).toEqual([{ label: 'http', host: 8080, guest: 80, bind: '127.0.0.1' }]);
    expect(out.warnings[0]).toMatch(/dns\.servers/);
  });

  it('prints one token per line without --json, warnings on stderr; writes nothing', async () => {
    const r = await vmdesk(['plan', await taskFile('web.json', web)]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/\/qemu-system-x86_64$/);
    expect(lines.slice(1, 3)).toEqual(['-name', 'guest=web']);
    expect(r.stderr).toMatch(/^warning: dns\.servers/);
    await expect(readdir(home)).rejects.toThrow(/ENOENT/);
  });

  it('an invalid task exits 2 with the error as JSON', async () => {
    const f = await taskFile('bad.json', { name: 'web', config: { imagepath: 'web.qcow2' } });
    const r = await vmdesk(['plan', f, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      error: { code: 'INVALID_TASK', message: 'config.imagepath: unknown key; did you mean image_path?', field: 'config.imagepath' },
    });
  });

  it('an invalid task exits 2 with a readable message', async () => {
    const f = await taskFile('bad2.json', { name: 'web', config: { image_path: '../../etc/passwd' } });
    const r = await vmdesk(['plan', f]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^vmdesk plan: image_path is not in the allowed paths/);
  });

  it('malformed JSON is a clear error', async () => {
    const r = await vmdesk(['plan', await taskFile('broken.json', '{"name": "web",'), '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toEqual({ code: 'INVALID_TASK', message: expect.stringMatching(/not valid JSON/), field: null });
  });

  it('--driver-config FILE applies the allowlist', async () => {
    const cfg = join(root, 'driver.json');
    await writeFile(cfg, JSON.stringify({ args_allowlist: ['-snapshot'] }));
    const f = await taskFile('args.json', { name: 'web', config: { image_path: 'web.qcow2', args: ['-usbdevice', 'mouse'] } });
    const r = await vmdesk(['plan', f, '--json', '--driver-config', cfg]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toEqual({ code: 'ARG_NOT_ALLOWED', message: '"-usbdevice" is not in args_allowlist', field: 'config.args.0' });
  });

  it('$VMDESK_HOME/settings.json "driver" key is honoured; other keys are ignored; errors name the field', async () => {
    await mkdir(home, { recursive: true });
    await writeFile(join(home, 'settings.json'), JSON.stringify({ theme: 'dark', driver: { port_bind_address: '0.0.0.0' } }));
    const ok = await vmdesk(['plan', await taskFile('web.json', web), '--json']);
    expect(JSON.parse(ok.stdout).ports[0].bind).toBe('0.0.0.0');
    await writeFile(join(home, 'settings.json'), JSON.stringify({ driver: { image_path: ['/x'] } }));
    const bad = await vmdesk(['plan', await taskFile('web.json', web), '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error).toMatchObject({ code: 'INVALID_DRIVER_CONFIG', field: 'driver.image_path', message: expect.stringMatching(/driver\.image_path: unknown key; did you mean image_paths\?/) });
    await rm(join(home, 'settings.json'));
  });

  it('usage errors exit 2', async () => {
    expect((await vmdesk(['plan'])).code).toBe(2);
    expect((await vmdesk(['plan', 'a', 'b'])).code).toBe(2);
    expect((await vmdesk(['plan', '--bogus', 'a'])).code).toBe(2);
  });
});

describe('the host fingerprint cache across processes', () => {
  // A wrapper emulator first on PATH that counts its runs, then is the real QEMU; qemu-img and the rest from /usr/bin.
  async function countingPath(name: string): Promise<{ env: Record<string, string>; runs: () => Promise<number>; wrapper: string; cacheHome: string }> {
    const bin = join(root, name);
    await mkdir(bin, { recursive: true });
    const count = join(root, `${name}.runs`);
    await writeFile(count, '');
    const wrapper = join(bin, 'qemu-system-x86_64');
    await writeFile(wrapper, `#!/bin/sh\necho run >> '${count}'\nexec /usr/bin/qemu-system-x86_64 "$@"\n`);
    await chmod(wrapper, 0o755);
    const cacheHome = join(root, `${name}-cache`);
    return {
      env: { PATH: `${bin}:/usr/bin:/bin`, XDG_CACHE_HOME: cacheHome },
      runs: async () => (await readFile(count, 'utf8')).split('\n').filter(Boolean).length,
      wrapper,
      cacheHome,
    };
  }
  const web = { name: 'web', config: { image_path: 'web.qcow2' } };

  it('a second vmdesk plan runs no QEMU; touching the emulator makes the next one probe again', async () => {
    const { env, runs, wrapper, cacheHome } = await countingPath('fp-plan');
    const f = await taskFile('fp.json', web);
    const first = await vmdesk(['plan', f, '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).binary).toBe(wrapper);
    const afterFirst = await runs();
    expect(afterFirst).toBeGreaterThan(0);
    const second = await vmdesk(['plan', f, '--json'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(await runs()).toBe(afterFirst);
    expect(JSON.parse(second.stdout).argv).toEqual(JSON.parse(first.stdout).argv); // same answer: -sandbox kept
    expect(await readdir(join(cacheHome, 'vmdesk'))).toEqual(['host-fingerprint.json']);
    const later = new Date(Date.now() + 10_000);
    await utimes(wrapper, later, later);
    expect((await vmdesk(['plan', f, '--json'], env)).code).toBe(0);
    expect(await runs()).toBeGreaterThan(afterFirst);
  });

  it('a garbage cache file is ignored and rewritten; doctor says where the probes came from, --refresh probes again', async () => {
    const { env, runs, cacheHome } = await countingPath('fp-doctor');
    await mkdir(join(cacheHome, 'vmdesk'), { recursive: true });
    const file = join(cacheHome, 'vmdesk', 'host-fingerprint.json');
    await writeFile(file, '{"format":1,"entries":[{"key":"0","probes":"trust me"}]}', { mode: 0o600 });
    const first = JSON.parse((await vmdesk(['doctor', '--json'], env)).stdout);
    expect(first.probes).toMatchObject({ source: 'probe', file, missReason: expect.stringMatching(/entries\.0/) });
    expect(first.sandbox.supported).toBe(true);
    expect(JSON.parse(await readFile(file, 'utf8')).entries).toHaveLength(1);
    const cached = await vmdesk(['doctor'], env);
    expect(cached.stdout).toMatch(/^kvm and sandbox: from the fingerprint cache \(probed .*vmdesk doctor --refresh probes again\)/m);
    const before = await runs();
    const refreshed = JSON.parse((await vmdesk(['doctor', '--refresh', '--json'], env)).stdout);
    expect(refreshed.probes).toMatchObject({ source: 'probe', missReason: 'refresh asked for' });
    expect(await runs()).toBeGreaterThan(before);
  });
});

describe('vmdesk doctor', () => {
  it('--json reports the emulators, qemu-img, KVM and sandbox found here', async () => {
    const r = await vmdesk(['doctor', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.ok).toBe(true);
    expect(d.emulators).toContainEqual({ name: 'x86_64', path: expect.stringMatching(/qemu-system-x86_64$/), version: expect.stringMatching(/^\d+\.\d+/) });
    expect(Object.keys(d).sort()).toEqual(['accelerators', 'cache', 'emulators', 'firmware', 'hints', 'kvm', 'ok', 'platform', 'probes', 'qemuImg', 'sandbox', 'seedTool', 'swtpm']);
    expect(d.accelerators).toContain('tcg');
    // Debian's ovmf and swtpm are installed here (.ci/run): both UEFI variants and swtpm are found.
    expect(d.firmware.uefi).toMatch(/\.json$/);
    expect(d.firmware.secureBoot).toMatch(/\.json$/);
    expect(d.swtpm).toMatch(/swtpm/);
    expect(d.seedTool).toEqual({ name: 'genisoimage', path: expect.stringMatching(/genisoimage$/) });
    expect(d.qemuImg.version).toMatch(/^\d+\.\d+/);
    expect(typeof d.kvm.usable).toBe('boolean');
    expect(d.sandbox.supported).toBe(true);
    // The artifact cache: where it is and how much it holds (an empty home holds nothing).
    expect(d.cache).toMatchObject({ path: expect.stringMatching(/cache$/), bytes: expect.any(Number), entries: expect.any(Number) });
  });

  it('without QEMU on PATH: not ok, exit 1, with an install hint', async () => {
    const r = await vmdesk(['doctor', '--json'], { PATH: '/nonexistent' });
    expect(r.code).toBe(1);
    const d = JSON.parse(r.stdout);
    expect(d).toMatchObject({ ok: false, emulators: [], accelerators: ['tcg'] });
    expect(d.qemuImg).toBeUndefined();
    expect(d.hints.join('\n')).toMatch(/no qemu-system-\* emulator on PATH: .*(apt-get|dnf|pacman|brew|zypper|apk|package manager)/);
    const text = await vmdesk(['doctor'], { PATH: '/nonexistent' });
    expect(text.stdout).toMatch(/vmdesk cannot run VMs here yet/);
  });
});
