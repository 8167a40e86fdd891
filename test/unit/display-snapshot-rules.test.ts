// The pure parts of display and snapshots, by tables: key names and chords, US-layout text, the display argv,
// PPM to PNG, snapshot targets from query-block (raw / read-only refused with what to do), tags, QEMU's job
// errors explained.
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { parseKeyCombo, sendKeyArgs, textToKeyCombos } from '../../src/main/display/keys';
import { displayArgs, vncSocketOf } from '../../src/main/display/display-args';
import { parsePpm, ppmToPng } from '../../src/main/display/ppm';
import { defaultScreenshotName } from '../../src/main/display/screenshot';
import { checkTag, defaultTag, explainJobError, fromQemu, snapshotTargets, snapshotsOfBlocks, type BlockDevice } from '../../src/main/snapshots/snapshot-rules';
import { parseTask } from '../../src/shared/task';
import { emptyForm, fieldToFormField, formToTaskFile, taskFileToForm } from '../../src/renderer/src/lib/task-form';

describe('key chords', () => {
  it.each([
    ['ctrl-alt-delete', ['ctrl', 'alt', 'delete']],
    ['ret', ['ret']],
    ['Enter', ['ret']],
    ['shift-tab', ['shift', 'tab']],
    ['ctrl-alt-del', ['ctrl', 'alt', 'delete']],
    ['f12', ['f12']],
    ['kp_add', ['kp_add']],
  ])('%s -> %j', (spec, keys) => expect(parseKeyCombo(spec)).toEqual(keys));

  it.each([
    ['', /is not a key/],
    ['ctrl--x', /is not a key/],
    ['ctrl-nokey', /unknown key "nokey" in "ctrl-nokey"/],
    ['a-b-c-d-e-f-g-h-i', /at most 8 keys/],
  ])('refuses %j', (spec, message) => expect(() => parseKeyCombo(spec)).toThrow(message));

  it('builds QMP send-key arguments', () => {
    expect(sendKeyArgs(['ctrl', 'c'], 30)).toEqual({ keys: [{ type: 'qcode', data: 'ctrl' }, { type: 'qcode', data: 'c' }], 'hold-time': 30 });
  });
});

describe('text on a US keyboard', () => {
  it('maps letters, shifted symbols and Enter', () => {
    expect(textToKeyCombos('aZ $(\n')).toEqual([['a'], ['shift', 'z'], ['spc'], ['shift', '4'], ['shift', '9'], ['ret']]);
    expect(textToKeyCombos('>/dev/ttyS0')[0]).toEqual(['shift', 'dot']);
  });
  it('refuses a character with no key, saying which and where', () => {
    expect(() => textToKeyCombos('ok é')).toThrow(/character "é" at position 4 has no key/);
    expect(() => textToKeyCombos('x'.repeat(5000))).toThrow(/at most 4096/);
  });
});

describe('display argv', () => {
  const paths = { runtimeDir: '/run/vd/a,b' };
  it.each([
    ['none', 'x86_64', []],
    ['vnc', 'x86_64', ['-vga', 'std', '-vnc', 'unix:/run/vd/a,,b/vnc.sock']],
    ['vnc', 'aarch64', ['-device', 'virtio-gpu-pci', '-vnc', 'unix:/run/vd/a,,b/vnc.sock']],
  ] as const)('%s on %s', (display, emulator, argv) => expect(displayArgs(display, paths, emulator)).toEqual(argv));
  it('puts the socket in the private runtime dir', () => expect(vncSocketOf(paths)).toBe('/run/vd/a,b/vnc.sock'));
  it('the task option: none by default, vnc, anything else refused', () => {
    const base = { name: 'a', config: { image_path: 'x.img' } };
    expect(parseTask(base)).toMatchObject({ ok: true, task: { display: 'none' } });
    expect(parseTask({ ...base, display: 'vnc' })).toMatchObject({ ok: true, task: { display: 'vnc' } });
    expect(parseTask({ ...base, display: 'spice' })).toMatchObject({ ok: false, field: 'display', message: expect.stringMatching(/"none" or "vnc"/) });
  });
});

describe('PPM to PNG', () => {
  it('converts a P6 image pixel for pixel', () => {
    const ppm = Buffer.concat([Buffer.from('P6\n2 1\n255\n'), Buffer.from([255, 0, 0, 0, 0, 255])]);
    expect(parsePpm(ppm)).toMatchObject({ width: 2, height: 1 });
    const png = PNG.sync.read(ppmToPng(ppm));
    expect([...png.data]).toEqual([255, 0, 0, 255, 0, 0, 255, 255]);
  });
  it('refuses what is not a P6 PPM', () => {
    expect(() => parsePpm(Buffer.from('P3\n1 1\n255\n0 0 0'))).toThrow(/not a P6 PPM/);
    expect(() => parsePpm(Buffer.from('P6\n4 4\n255\nabc'))).toThrow(/unexpected PPM/);
  });
  it('names default files by VM and time', () => {
    expect(defaultScreenshotName('web', new Date(2026, 0, 2, 3, 4, 5))).toBe('web-20260102-030405.png');
    expect(defaultTag(new Date(2026, 0, 2, 3, 4, 5))).toBe('snap-20260102-030405');
  });
});

describe('snapshot targets', () => {
  const disk = (extra: Partial<NonNullable<BlockDevice['inserted']>> = {}): BlockDevice => ({
    device: 'vmdesk-disk0',
    inserted: { 'node-name': '#block1', drv: 'qcow2', ro: false, file: '/vms/a/overlay.qcow2', ...extra },
  });
  it('covers every writable drive, VM state on the task disk, skipping read-only and empty drives', () => {
    const blocks: BlockDevice[] = [
      disk(),
      { device: 'data', inserted: { 'node-name': '#block2', drv: 'qcow2', ro: false, file: '/d.qcow2' } },
      { device: 'cd', inserted: { 'node-name': '#block3', drv: 'raw', ro: true, file: '/iso.iso' } },
      { device: 'floppy0' },
    ];
    expect(snapshotTargets('a', blocks)).toEqual({ vmstate: '#block1', devices: ['#block1', '#block2'] });
  });
  it.each([
    [[disk({ drv: 'raw', file: '/img/web.img' })], /web\.img is a raw image; snapshots need qcow2.*qemu-img convert -O qcow2 \/img\/web\.img \/img\/web\.qcow2.*"disposable": true/],
    [[disk({ ro: true })], /is read-only, so it cannot store a snapshot/],
    [[disk(), { device: 'x', inserted: { 'node-name': '#b', drv: 'raw', ro: false, file: '/x.raw' } }], /x\.raw is a raw image/],
    [[{ device: 'ide0' }], /no disk "vmdesk-disk0"/],
  ])('refuses %#', (blocks, message) => expect(() => snapshotTargets('a', blocks as BlockDevice[])).toThrow(message));

  it('reads QEMU snapshot records', () => {
    const s = { id: '1', name: 't1', 'vm-state-size': 1904221, 'date-sec': 1796302049, 'date-nsec': 268508000, 'vm-clock-sec': 1, 'vm-clock-nsec': 577148099 };
    expect(fromQemu(s)).toEqual({ tag: 't1', id: '1', createdAt: new Date(1796302049268).toISOString(), vmStateBytes: 1904221, vmClockMs: 1577 });
    const blocks = [disk({ image: { snapshots: [s] } })];
    expect(snapshotsOfBlocks(blocks).map((x) => x.tag)).toEqual(['t1']);
  });

  it.each(['ok', 'before-upgrade', 'v1.2_x'])('accepts tag %s', (t) => expect(checkTag(t)).toBe(t));
  it.each(['', '12', '-x', 'a b', 'x'.repeat(65), 'a/b'])('refuses tag %j', (t) => expect(() => checkTag(t)).toThrow(/is not a snapshot tag/));

  it.each([
    ["Snapshot 't' does not exist in one or more devices", 'SNAPSHOT_NOT_FOUND', /has no snapshot "t"/],
    ["Snapshot 't' already exists in one or more devices", 'SNAPSHOT_FAILED', /already has a snapshot "t"/],
    ["State blocked by non-migratable device '0000:00:04.0/vhost'", 'SNAPSHOT_UNSUPPORTED', /a device blocks migration.*disk-only snapshot/],
    ["Device 'ro1' is writable but does not support snapshots", 'SNAPSHOT_UNSUPPORTED', /qemu-img convert -O qcow2/],
    ['something else', 'SNAPSHOT_FAILED', /snapshot save "t" of a failed: something else/],
  ])('explains %j', (error, code, message) => {
    const e = explainJobError('a', 'save', 't', error);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });
});

describe('the app form', () => {
  it('writes display "vnc" only when ticked, reads it back, and places its errors', () => {
    const form = { ...emptyForm(), name: 'web', imagePath: '/i/web.qcow2' };
    expect(formToTaskFile(form).display).toBeUndefined();
    const file = formToTaskFile({ ...form, displayVnc: true });
    expect(file.display).toBe('vnc');
    expect(taskFileToForm(file).displayVnc).toBe(true);
    expect(fieldToFormField('display')).toBe('displayVnc');
  });
});
