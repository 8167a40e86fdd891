// Socket path limits, the doctor report, version parsing, and loading the driver config from real files.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSocketPaths, maxSocketPathBytes } from '../../src/main/driver/socket-paths';
import { doctorReport, formatDoctorReport, installHint } from '../../src/main/driver/doctor-report';
import { findEmulators, parseQemuVersion, type HostFingerprint } from '../../src/main/driver/fingerprint';
import { loadDriverConfig } from '../../src/main/store/settings-file';
import { vmPaths } from '../../src/main/store/paths';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vmdesk-cfg-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('socket path length (shorter than sun_path: 108 on Linux, 104 on macOS)', () => {
  const pathsWithSocketLength = (len: number) => {
    // runtime/<name>/console.sock, with the runtime dir padded so console.sock is exactly `len` bytes.
    const name = 'web';
    const suffix = `/${name}/console.sock`.length;
    return vmPaths('/h', name, { disposable: false, guestAgent: false }, { VMDESK_RUNTIME_DIR: `/${'r'.repeat(len - suffix - 1)}` });
  };
  it('limits', () => {
    expect(maxSocketPathBytes('linux')).toBe(107);
    expect(maxSocketPathBytes('darwin')).toBe(103);
  });
  it('107 bytes is fine on Linux, 108 is not (Nomad allows 108: off by one)', () => {
    expect(pathsWithSocketLength(107).consoleSocket).toHaveLength(107);
    expect(() => checkSocketPaths(pathsWithSocketLength(107), 'linux')).not.toThrow();
    expect(() => checkSocketPaths(pathsWithSocketLength(108), 'linux')).toThrow(/is 108 bytes; unix sockets allow at most 107 on linux/);
  });
  it('104 bytes is too long on macOS', () => {
    expect(() => checkSocketPaths(pathsWithSocketLength(104), 'darwin')).toThrow(/at most 103 on darwin/);
  });
  it('counts bytes, not characters', () => {
    const p = vmPaths('/h', 'web', { disposable: false, guestAgent: false }, { VMDESK_RUNTIME_DIR: `/${'é'.repeat(45)}` });
    expect(p.consoleSocket.length).toBeLessThan(108);
    expect(() => checkSocketPaths(p, 'linux')).toThrow(/is 1[0-9][0-9] bytes/);
  });
});

describe('fingerprint pieces', () => {
  it('parses QEMU versions like Nomad does', () => {
    expect(parseQemuVersion('QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright')).toBe('7.2.22');
    expect(parseQemuVersion('qemu-img version 8.0.0\n')).toBe('8.0.0');
    expect(parseQemuVersion('nonsense')).toBeUndefined();
  });
  it('finds qemu-system-* executables on PATH, first directory wins, skips non-executables', async () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    await mkdir(a);
    await mkdir(b);
    await writeFile(join(a, 'qemu-system-arm'), '#!/bin/sh\n', { mode: 0o755 });
    await writeFile(join(b, 'qemu-system-arm'), '#!/bin/sh\n', { mode: 0o755 });
    await writeFile(join(b, 'qemu-system-riscv64'), 'not executable', { mode: 0o644 });
    const found = await findEmulators(`${a}:relative/dir:${b}`);
    expect(found).toEqual([{ name: 'arm', binary: join(a, 'qemu-system-arm') }]);
  });
  it('install hints per system', () => {
    expect(installHint('linux', 'ID=debian\n')).toBe('sudo apt-get install qemu-system-x86 qemu-utils');
    expect(installHint('linux', 'ID=pop\nID_LIKE="ubuntu debian"\n')).toMatch(/apt-get/);
    expect(installHint('linux', 'ID=fedora\n')).toMatch(/dnf/);
    expect(installHint('darwin', '')).toBe('brew install qemu');
    expect(installHint('linux', '')).toMatch(/package manager/);
  });
  it('the doctor report says what is missing and how to fix it', () => {
    const f: HostFingerprint = {
      platform: 'linux', emulators: {}, kvmUsable: false, sandboxSupported: false, emulatorList: [],
      kvm: { device: true, accessible: false, usable: false, detail: 'x' }, sandbox: { supported: false, detail: 'y' },
    };
    const r = doctorReport(f, 'ID=debian\n');
    expect(r.ok).toBe(false);
    expect(r.hints).toEqual([
      'no qemu-system-* emulator on PATH: sudo apt-get install qemu-system-x86 qemu-utils',
      'qemu-img is not on PATH: sudo apt-get install qemu-system-x86 qemu-utils',
      expect.stringMatching(/kvm group/),
      expect.stringMatching(/without seccomp/),
    ]);
    expect(formatDoctorReport(r)).toMatch(/emulators: none found on PATH\n/);
  });
  it('nested KVM is usable but comes with a hint: some guests cannot run under it', () => {
    const f: HostFingerprint = {
      platform: 'linux', emulators: {}, kvmUsable: true, sandboxSupported: true, emulatorList: [{ name: 'x86_64', binary: '/usr/bin/qemu-system-x86_64' }],
      qemuImg: { binary: '/usr/bin/qemu-img' },
      kvm: { device: true, accessible: true, usable: true, nested: true, detail: 'QEMU enabled KVM; nested' }, sandbox: { supported: true, detail: 'y' },
    };
    const r = doctorReport(f, 'ID=debian\n');
    expect(r.ok).toBe(true);
    expect(r.accelerators).toEqual(['tcg', 'kvm']);
    expect(r.hints).toEqual([expect.stringMatching(/nested.*KVM internal error.*"tcg"/)]);
    expect(doctorReport({ ...f, kvm: { ...f.kvm, nested: false } }, '').hints).toEqual([]);
  });
});

describe('loadDriverConfig', () => {
  it('missing settings.json: defaults', async () => {
    expect(await loadDriverConfig({ home: join(dir, 'nohome') })).toEqual(DEFAULT_DRIVER_CONFIG);
  });
  it('settings.json: the driver key; app keys ignored', async () => {
    const home = join(dir, 'h1');
    await mkdir(home);
    await writeFile(join(home, 'settings.json'), JSON.stringify({ window: { w: 1 }, driver: { image_paths: ['/srv/images'], emulators_allowlist: ['x86_64'] } }));
    expect(await loadDriverConfig({ home })).toEqual({ ...DEFAULT_DRIVER_CONFIG, image_paths: ['/srv/images'], emulators_allowlist: ['x86_64'] });
  });
  it('settings.json without a driver key: defaults', async () => {
    const home = join(dir, 'h2');
    await mkdir(home);
    await writeFile(join(home, 'settings.json'), JSON.stringify({ theme: 'dark' }));
    expect(await loadDriverConfig({ home })).toEqual(DEFAULT_DRIVER_CONFIG);
  });
  it('errors name the file and the field', async () => {
    const home = join(dir, 'h3');
    await mkdir(home);
    await writeFile(join(home, 'settings.json'), JSON.stringify({ driver: { args_allowlist: '-snapshot' } }));
    await expect(loadDriverConfig({ home })).rejects.toMatchObject({ code: 'INVALID_DRIVER_CONFIG', field: 'driver.args_allowlist', message: expect.stringMatching(/settings\.json: driver\.args_allowlist: expected a list$/) });
    await writeFile(join(home, 'settings.json'), '{ nope');
    await expect(loadDriverConfig({ home })).rejects.toMatchObject({ code: 'INVALID_DRIVER_CONFIG', message: expect.stringMatching(/not valid JSON/) });
  });
  it('image_paths must be absolute', async () => {
    const f = join(dir, 'rel.json');
    await writeFile(f, JSON.stringify({ image_paths: ['images'] }));
    await expect(loadDriverConfig({ home: dir, file: f })).rejects.toMatchObject({ field: 'image_paths.0', message: expect.stringMatching(/image_paths\.0: must be an absolute path/) });
  });
  it('--driver-config FILE: the whole file; must exist', async () => {
    const f = join(dir, 'driver.json');
    await writeFile(f, JSON.stringify({ port_bind_address: '0.0.0.0' }));
    expect((await loadDriverConfig({ home: dir, file: f })).port_bind_address).toBe('0.0.0.0');
    await writeFile(f, JSON.stringify({ port_bind_adress: '0.0.0.0' }));
    await expect(loadDriverConfig({ home: dir, file: f })).rejects.toMatchObject({ field: 'port_bind_adress', message: expect.stringMatching(/did you mean port_bind_address\?/) });
    await expect(loadDriverConfig({ home: dir, file: join(dir, 'missing.json') })).rejects.toMatchObject({ code: 'INVALID_DRIVER_CONFIG', message: expect.stringMatching(/cannot read driver config: .*missing\.json does not exist/) });
    await expect(loadDriverConfig({ home: dir, file: '/dev/zero' })).rejects.toMatchObject({ message: expect.stringMatching(/\/dev\/zero is not a regular file/) });
  });
});
