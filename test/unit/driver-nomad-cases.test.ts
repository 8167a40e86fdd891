// Nomad's own qemu driver test cases (drivers/qemu/driver_test.go) and every Nomad error phrase, with the
// bugs DESIGN.md lists fixed.
import { describe, expect, it } from 'vitest';
import { checkArgs, classifyArgs } from '../../src/main/driver/args-policy';
import { isAllowedImagePathLexically, isInsideDir } from '../../src/main/driver/image-policy';
import { buildPlan } from '../../src/main/driver/plan';
import { VmdeskError } from '../../src/shared/errors';
import { parseTask } from '../../src/shared/task';
import { DRIVE_INTERFACES } from '../../src/shared/limits';
import { ctx, linuxHost, task } from '../helpers/driver-fixtures';

function planError(fn: () => unknown): VmdeskError {
  try {
    fn();
  } catch (err) {
    if (err instanceof VmdeskError) return err;
    throw err;
  }
  throw new Error('expected a VmdeskError');
}

describe("Nomad's TestIsAllowedImagePath", () => {
  const allowed = ['/tmp', '/opt/qemu'];
  const allocDir = '/opt/nomad/some-alloc-dir';
  it.each(['local/path', '/tmp/subdir/qemu-image', '/opt/qemu/image', '/opt/qemu/subdir/image', '/opt/nomad/some-alloc-dir/local/image.img'])(
    'allows %s',
    (p) => expect(isAllowedImagePathLexically(p, allocDir, allowed)).toBe(true),
  );
  it.each(['/image.img', '../image.img', '/tmpimage.img', '/opt/other/image.img', '/opt/nomad-submatch.img', '/tmp/../etc/passwd', 'local/../../x.img'])(
    'refuses %s',
    (p) => expect(isAllowedImagePathLexically(p, allocDir, allowed)).toBe(false),
  );
  it('isInsideDir: /tmpx is not inside /tmp, the dir itself is, relative paths never are', () => {
    expect(isInsideDir('/tmpx/a', '/tmp')).toBe(false);
    expect(isInsideDir('/tmp', '/tmp')).toBe(true);
    expect(isInsideDir('/tmp/a/b', '/tmp/')).toBe(true);
    expect(isInsideDir('tmp/a', '/tmp')).toBe(false);
    expect(isInsideDir('/tmp/..a', '/tmp')).toBe(true);
  });
});

describe("Nomad's TestArgsAllowList", () => {
  const allowlist = ['-drive', '-net', '-snapshot'];
  const valid = [['-drive', '/path/to/wherever', '-snapshot'], ['-net', 'tap,vlan=0,ifname=tap0']];
  const invalid = [['-usbdevice', 'mouse'], ['-singlestep'], ['--singlestep'], [' -singlestep'], ['\t-singlestep']];
  it.each(valid)('allows %j with the allowlist and with none', (...args) => {
    expect(() => checkArgs(args, allowlist)).not.toThrow();
    expect(() => checkArgs(args, [])).not.toThrow();
  });
  it.each(invalid)('refuses %j with the allowlist, allows it with none', (...args) => {
    expect(() => checkArgs(args, allowlist)).toThrow(/is not in args_allowlist/);
    expect(() => checkArgs(args, [])).not.toThrow();
  });
  it('uses Nomad\'s phrase with the token', () => {
    expect(() => checkArgs(['-usbdevice', 'mouse'], allowlist)).toThrow('"-usbdevice" is not in args_allowlist');
  });
  it('--x counts as -x on both sides; surrounding space around an allowed option is refused (QEMU reads it as a file)', () => {
    expect(() => checkArgs(['--snapshot'], allowlist)).not.toThrow();
    expect(() => checkArgs(['-snapshot'], ['--snapshot'])).not.toThrow();
    expect(() => checkArgs([' -snapshot'], allowlist)).toThrow(/white space/);
  });
  it('a positional token is refused with an allowlist (QEMU opens it as a disk) and warned about without', () => {
    expect(() => checkArgs(['-snapshot', '/etc/shadow'], allowlist)).toThrow(/positional argument/);
    expect(checkArgs(['-snapshot', '/etc/shadow'], [])).toEqual([expect.stringMatching(/"\/etc\/shadow" is a positional argument/)]);
  });
  it('an option-looking value is still checked (as strict as Nomad)', () => {
    expect(() => checkArgs(['-drive', '-singlestep'], allowlist)).toThrow('"-singlestep" is not in args_allowlist');
  });
  it('-daemonize is refused even with an empty allowlist; extra monitors and -S are warned about', () => {
    expect(() => checkArgs(['-daemonize'], [])).toThrow('"-daemonize" cannot be used: vmdesk supervises the QEMU process itself');
    expect(() => checkArgs(['--daemonize'], ['-daemonize'])).toThrow(/cannot be used/);
    expect(checkArgs(['-monitor', 'stdio', '-S', '-serial', 'mon:stdio'], [])).toEqual([
      expect.stringMatching(/"-monitor" adds another QEMU monitor/),
      expect.stringMatching(/"-S" starts the VM paused/),
      expect.stringMatching(/"-serial mon:stdio" multiplexes a monitor/),
    ]);
  });
  it('with no allowlist, tokens naming host files are warned about', () => {
    const w = checkArgs(['-kernel', '/boot/vmlinuz', '-drive', 'file=/etc/passwd,format=raw', '-m', '512'], []);
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(/-kernel \/boot\/vmlinuz" gives QEMU a host file/);
    expect(w[1]).toMatch(/-drive file=\/etc\/passwd/);
  });
});

describe('classifyArgs (QEMU 7.2 option table)', () => {
  it('tells options, their values and positional tokens apart', () => {
    expect(classifyArgs(['-nodefaults', '-m', '512', 'disk.img', '--snapshot', '-drive', '-x', '-']).map((t) => [t.kind, t.option ?? null])).toEqual([
      ['option', '-nodefaults'],
      ['option', '-m'],
      ['value', '-m'],
      ['positional', null],
      ['option', '-snapshot'],
      ['option', '-drive'],
      ['value', '-drive'],
      ['positional', null],
    ]);
  });
});

describe("Nomad's TestIsAllowedDriveInterface", () => {
  it.each([...DRIVE_INTERFACES])('accepts %s', (i) => expect(parseTask({ name: 'w', config: { image_path: 'a', drive_interface: i } }).ok).toBe(true));
  it.each(['foo', 'virtio-foo', 'IDE', 'if=ide'])('refuses %s with "Unsupported drive_interface"', (i) => {
    expect(parseTask({ name: 'w', config: { image_path: 'a', drive_interface: i } })).toMatchObject({ ok: false, message: expect.stringContaining('Unsupported drive_interface') });
  });
  it.each([[64 << 20], [(1 << 20) + 512]])('refuses pflash on pc for a %d-byte image (firmware: 4 KiB multiple, at most 8 MiB)', (size) => {
    const t = task({ config: { drive_interface: 'pflash' } });
    const e = planError(() => buildPlan(t, ctx(t, { image: { path: '/tasks/web/fw.raw', format: 'raw', virtualSize: size } })));
    expect(e.message).toMatch(/loads the image as the system firmware .* at most 8 MiB \(this image is \d+ bytes\); for a disk use ide, virtio or scsi/);
  });
  it('allows pflash on pc for an 8 MiB image and on other machines for any size', () => {
    const t = task({ config: { drive_interface: 'pflash' } });
    expect(() => buildPlan(t, ctx(t, { image: { path: '/a', format: 'raw', virtualSize: 8 << 20 } }))).not.toThrow();
    const arm = task({ config: { drive_interface: 'pflash', emulator: 'aarch64', machine_type: 'virt' } });
    expect(() => buildPlan(arm, ctx(arm, { image: { path: '/a', format: 'raw', virtualSize: 64 << 20 } }))).not.toThrow();
  });
  it.each(['sd', 'mtd'])('refuses %s on an x86 PC machine before QEMU does', (i) => {
    const t = task({ config: { drive_interface: i } });
    const e = planError(() => buildPlan(t, ctx(t)));
    expect(e.message).toMatch(/^Unsupported drive_interface "(sd|mtd)" on machine_type "pc"/);
    expect(e.field).toBe('config.drive_interface');
  });
});

describe('emulators_allowlist (normalised on both sides)', () => {
  const cases: Array<[string | undefined, string[], boolean]> = [
    [undefined, ['x86_64'], true],
    ['', ['x86_64'], true],
    ['', ['qemu-system-x86_64'], true],
    ['qemu-system-x86_64', ['x86_64'], true],
    ['x86_64', ['qemu-system-x86_64'], true],
    ['i386', ['x86_64'], false],
    ['qemu-system-i386', ['qemu-system-x86_64', ''], false],
    ['x86_64', [''], true], // '' in the allowlist means the default emulator
    ['i386', [], true],
  ];
  it.each(cases)('emulator %j with allowlist %j -> %s', (emulator, allowlist, ok) => {
    const t = task({ config: emulator === undefined ? {} : { emulator } });
    const run = () => buildPlan(t, ctx(t, { config: { emulators_allowlist: allowlist } }));
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(`'${t.config.emulator}' is not an allowed emulator`);
  });
  it('an allowed emulator that is not installed is a clear error', () => {
    const t = task({ config: { emulator: 'riscv64' } });
    const e = planError(() => buildPlan(t, ctx(t)));
    expect(e.code).toBe('EMULATOR_NOT_FOUND');
    expect(e.message).toMatch(/qemu-system-riscv64 was not found on PATH/);
  });
});

describe('memory bounds (Nomad: 128 to 4,000,000 MiB)', () => {
  it.each([128, 300, 4_000_000])('accepts %d', (m) => expect(parseTask({ name: 'w', config: { image_path: 'a' }, resources: { memory: m } }).ok).toBe(true));
  it.each([127, 0, -1, 4_000_001, 1e12])('refuses %d with Nomad\'s phrase', (m) => {
    expect(parseTask({ name: 'w', config: { image_path: 'a' }, resources: { memory: m } })).toMatchObject({
      ok: false, field: 'resources.memory', message: expect.stringMatching(/^QEMU memory assignment out of bounds/),
    });
  });
  it('buildPlan re-checks a Task built by code', () => {
    const t = { ...task(), resources: { memory: 64, cores: 1 } };
    expect(() => buildPlan(t, ctx(t))).toThrow('QEMU memory assignment out of bounds');
  });
});

describe('every Nomad error phrase', () => {
  it('image_path must be set', () => {
    expect(parseTask({ name: 'w', config: {} })).toMatchObject({ message: 'image_path must be set' });
    expect(parseTask({ name: 'w', config: { image_path: '  ' } })).toMatchObject({ message: 'image_path must be set' });
  });
  it('Unknown port label', () => {
    expect(parseTask({ name: 'w', config: { image_path: 'a', port_map: { db: 5432 } }, ports: { http: 80 } })).toMatchObject({
      ok: false, field: 'config.port_map.db', message: 'Unknown port label "db"',
    });
  });
  it('"-x" is not in args_allowlist (through buildPlan)', () => {
    const t = task({ config: { args: ['-x'] } });
    const e = planError(() => buildPlan(t, ctx(t, { config: { args_allowlist: ['-snapshot'] } })));
    expect([e.code, e.message, e.field]).toEqual(['ARG_NOT_ALLOWED', '"-x" is not in args_allowlist', 'config.args.0']);
  });
  it("'x' is not an allowed emulator", () => {
    const t = task({ config: { emulator: 'i386' } });
    expect(() => buildPlan(t, ctx(t, { config: { emulators_allowlist: ['x86_64'] } }))).toThrow("'i386' is not an allowed emulator");
  });
  it('kvm refused where it is not usable', () => {
    const t = task({ config: { accelerator: 'kvm' } });
    const e = planError(() => buildPlan(t, ctx(t, { host: { ...linuxHost, kvmUsable: false } })));
    expect(e.code).toBe('ACCELERATOR_UNAVAILABLE');
    const mac = planError(() => buildPlan(t, ctx(t, { host: { ...linuxHost, platform: 'darwin', kvmUsable: false } })));
    expect(mac.message).toMatch(/only available on Linux/);
  });
});
