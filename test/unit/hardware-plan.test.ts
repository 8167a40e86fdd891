// The hardware options (firmware, secure_boot, tpm, drives, boot): schema errors, the firmware choice from
// QEMU's descriptors (the host's real /usr/share/qemu/firmware files and hand-written ones), the drive argv,
// and the refusals with what to install, through the real planTaskFile.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachDriveArgs, attachDrivesArgs } from '../../src/main/driver/extra-drives';
import { chooseFirmware, machineMatches, orderDescriptorFiles, parseFirmwareDescriptor, type FirmwareDescriptor } from '../../src/main/driver/firmware';
import { readFirmwareDescriptors } from '../../src/main/driver/firmware-descriptors';
import { hardwareLines } from '../../src/main/driver/hardware-summary';
import { planTaskFile } from '../../src/main/driver/prepare';
import { secureBootRefusal } from '../../src/main/supervisor/firmware-console';
import { DEFAULT_DRIVER_CONFIG } from '../../src/shared/driver-config';
import { VmdeskError } from '../../src/shared/errors';
import { parseTask, taskToFile } from '../../src/shared/task';
import { createImage } from '../helpers/image-files';

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vmdesk-hw-'));
  createImage(join(root, 'disk.qcow2'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const task = (config: Record<string, unknown>) => ({ name: 'hw', config: { image_path: 'disk.qcow2', ...config } });

async function plan(config: Record<string, unknown>, env: Record<string, string> = {}) {
  const file = join(root, `t${++n}.json`);
  await writeFile(file, JSON.stringify(task(config)));
  return planTaskFile(file, { driverConfig: DEFAULT_DRIVER_CONFIG, home: join(root, 'home'), env: { ...process.env, VMDESK_RUNTIME_DIR: '/tmp/vd-hw', ...env } });
}
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a refusal'); }, (e: unknown) => e as VmdeskError);

describe('task schema: hardware options', () => {
  it.each([
    [{ firmware: 'efi' }, 'config.firmware', /firmware must be "bios" or "uefi", not "efi"/],
    [{ secure_boot: true }, 'config.secure_boot', /secure_boot needs firmware "uefi"/],
    [{ boot: 'cdrom' }, 'config.boot', /boot "cdrom" needs a drive with "media": "cdrom"/],
    [{ boot: 'network' }, 'config.boot', /boot must be "disk" or "cdrom"/],
    [{ drives: [{ path: 'a.iso', media: 'cdrom', interface: 'virtio' }] }, 'config.drives.0.interface', /a cdrom cannot use interface "virtio"/],
    [{ drives: [{ path: 'a.iso', media: 'cdrom', read_only: false }] }, 'config.drives.0.read_only', /a cdrom is always read-only/],
    [{ drives: [{ path: 'a.img', media: 'floppy' }] }, 'config.drives.0.media', /media must be "disk" or "cdrom"/],
    [{ drives: [{ path: 'a.img', format: 'raw,file=/etc/passwd' }] }, 'config.drives.0.format', /format is an image format name/],
    [{ drives: [{ path: 'a.img', readonly: true }] }, 'config.drives.0.readonly', /did you mean read_only/],
    [{ drives: [{ path: '  ' }] }, 'config.drives.0.path', /path must be set/],
    [{ drives: Array.from({ length: 9 }, () => ({ path: 'a.img' })) }, 'config.drives', /at most 8 extra drives/],
    [{ tpm: 'yes' }, 'config.tpm', /expected a boolean/],
  ])('%j is refused on %s', (config, field, message) => {
    const r = parseTask(task(config));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.field).toBe(field);
    expect(r.message).toMatch(message);
  });

  it('keeps only the keys a task sets, so old tasks round-trip unchanged, and new ones round-trip whole', () => {
    const old = parseTask(task({}));
    expect(old.ok && Object.keys(old.task.config)).not.toContain('firmware');
    const r = parseTask(task({ firmware: 'uefi', secure_boot: 'true', tpm: true, drives: [{ path: 'x.iso', media: 'cdrom' }, { path: 'd.img' }], boot: 'cdrom' }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.task.config).toMatchObject({ firmware: 'uefi', secure_boot: true, tpm: true, boot: 'cdrom', drives: [{ path: 'x.iso', media: 'cdrom' }, { path: 'd.img', media: 'disk' }] });
    const again = parseTask(taskToFile(r.task));
    expect(again.ok && again.task).toEqual(r.task);
  });
});

describe('firmware from QEMU descriptors', () => {
  const d = (file: string, features: string[], machines = ['pc-i440fx-*', 'pc-q35-*']): FirmwareDescriptor => ({
    file, description: file, interfaceTypes: ['uefi'], device: 'flash', code: `/fw/${file}.code`, varsTemplate: `/fw/${file}.vars`, targets: [{ architecture: 'x86_64', machines }], features,
  });
  const list = [d('40-ms', ['secure-boot', 'enrolled-keys', 'requires-smm'], ['pc-q35-*']), d('50-sb', ['secure-boot', 'requires-smm'], ['pc-q35-*']), d('60-plain', ['acpi-s3'])];

  it('picks plain UEFI without Secure Boot, and Secure Boot only with enrolled keys', () => {
    expect(chooseFirmware(list, { emulator: 'x86_64', machineType: 'pc', secureBoot: false })).toMatchObject({ ok: true, descriptor: { file: '60-plain' } });
    expect(chooseFirmware(list, { emulator: 'x86_64', machineType: 'q35', secureBoot: true })).toMatchObject({ ok: true, descriptor: { file: '40-ms' } });
    expect(chooseFirmware([list[1]!, list[2]!], { emulator: 'x86_64', machineType: 'q35', secureBoot: true })).toMatchObject({ ok: false, message: expect.stringMatching(/no UEFI firmware with Secure Boot and enrolled keys.*apt-get install ovmf/) });
  });

  it('says what to do when nothing fits', () => {
    expect(chooseFirmware([], { emulator: 'x86_64', machineType: 'q35', secureBoot: false })).toMatchObject({ ok: false, message: expect.stringMatching(/no UEFI firmware found.*sudo apt-get install ovmf/) });
    expect(chooseFirmware(list, { emulator: 'aarch64', machineType: 'virt', secureBoot: false })).toMatchObject({ ok: false, message: expect.stringMatching(/no UEFI firmware for aarch64/) });
    expect(chooseFirmware(list, { emulator: 'x86_64', machineType: 'pc', secureBoot: true })).toMatchObject({ ok: false, message: expect.stringMatching(/Secure Boot needs SMM\); use machine_type "q35"/) });
    expect(chooseFirmware(list, { emulator: 'x86_64', machineType: 'microvm', secureBoot: false })).toMatchObject({ ok: false, message: expect.stringMatching(/does not support machine_type "microvm"/) });
  });

  it('matches machine globs with the pc and q35 aliases', () => {
    expect(machineMatches('pc-q35-*', 'q35')).toBe(true);
    expect(machineMatches('pc-q35-*', 'pc-q35-7.2')).toBe(true);
    expect(machineMatches('pc-q35-*', 'pc')).toBe(false);
    expect(machineMatches('pc-i440fx-*', 'pc')).toBe(true);
  });

  it('orders descriptor files as QEMU does: by name, a later directory overriding the same name', () => {
    expect(orderDescriptorFiles([{ dir: '/usr', name: '60-b.json' }, { dir: '/usr', name: '50-a.json' }, { dir: '/etc', name: '60-b.json' }, { dir: '/etc', name: 'README' }])).toEqual(['/usr/50-a.json', '/etc/60-b.json']);
    expect(parseFirmwareDescriptor('x', { 'interface-types': 'uefi' })).toMatchObject({ interfaceTypes: [], targets: [] });
  });

  it("reads this host's real descriptors (Debian's ovmf) and finds both kinds", async () => {
    const found = await readFirmwareDescriptors({ ...process.env, VMDESK_FIRMWARE_DIRS: '/usr/share/qemu/firmware' });
    expect(found.length).toBeGreaterThan(0);
    const plain = chooseFirmware(found, { emulator: 'x86_64', machineType: 'q35', secureBoot: false });
    const sb = chooseFirmware(found, { emulator: 'x86_64', machineType: 'q35', secureBoot: true });
    expect(plain.ok && plain.descriptor.code).toMatch(/^\/usr\/share\/OVMF\/OVMF_CODE.*\.fd$/);
    expect(sb.ok && sb.descriptor.features).toEqual(expect.arrayContaining(['secure-boot', 'enrolled-keys']));
  });

  it('recognises the firmware line for a Secure Boot refusal', () => {
    const line = 'BdsDxe: failed to load Boot0002 "UEFI QEMU HARDDISK QM00001 " from PciRoot(0x0)/Pci(0x1F,0x2)/Sata(0x0,0xFFFF,0x0): Access Denied\r\n';
    expect(secureBootRefusal(`noise\n${line}`)).toMatch(/^Secure Boot refused to start the boot loader of Boot0002 \("UEFI QEMU HARDDISK QM00001"\)/);
    expect(secureBootRefusal(line.replace('Access Denied', 'Not Found'))).toBeUndefined();
  });
});

describe('drive argv', () => {
  it('is one -drive if=none backend and one JSON -device per drive, values comma-escaped', () => {
    expect(attachDriveArgs({ id: 'seed', file: '/vm/a,b.iso', format: 'raw', media: 'disk', interface: 'virtio', readOnly: true })).toEqual([
      '-drive', 'file.driver=file,file.filename=/vm/a,,b.iso,format=raw,id=seed,if=none,read-only=on',
      '-device', '{"driver":"virtio-blk-pci","drive":"seed","id":"seed-dev"}',
    ]);
    expect(attachDrivesArgs([{ id: 'd1', file: '/x.qcow2', format: 'qcow2', media: 'disk', interface: 'scsi', readOnly: false, snapshot: true }, { id: 'c1', file: '/y.iso', format: 'raw', media: 'cdrom', interface: 'scsi', readOnly: true, bootIndex: 0 }])).toEqual([
      '-device', '{"driver":"virtio-scsi-pci","id":"vmdesk-scsi1"}',
      '-drive', 'file.driver=file,file.filename=/x.qcow2,format=qcow2,id=d1,if=none,snapshot=on',
      '-device', '{"driver":"scsi-hd","drive":"d1","id":"d1-dev","bus":"vmdesk-scsi1.0"}',
      '-drive', 'file.driver=file,file.filename=/y.iso,format=raw,id=c1,if=none,read-only=on',
      '-device', '{"driver":"scsi-cd","drive":"c1","id":"c1-dev","bus":"vmdesk-scsi1.0","bootindex":0}',
    ]);
  });
});

describe('planning hardware on this host', () => {
  it('UEFI: OVMF code read-only on pflash 0, the VM own variable store on pflash 1; Secure Boot adds SMM', async () => {
    const p = await plan({ firmware: 'uefi', machine_type: 'q35' });
    expect(p.firmware!.varsFile).toBe(join(root, 'home', 'vms', 'hw', 'efi', p.firmware!.varsTemplate.split('/').pop()!));
    expect(p.argv).toContain(`if=pflash,unit=0,format=raw,read-only=on,file.driver=file,file.filename=${p.firmware!.code}`);
    expect(p.argv).toContain(`if=pflash,unit=1,format=raw,file.driver=file,file.filename=${p.firmware!.varsFile}`);
    const sb = await plan({ firmware: 'uefi', secure_boot: true, machine_type: 'q35' });
    expect(sb.argv).toContain('type=q35,accel=tcg,smm=on');
    expect(hardwareLines(sb)[0]).toMatch(/^firmware: UEFI with Secure Boot: \/usr\/share\/OVMF\//);
  });

  it('a task asking for missing firmware is refused with the package to install', async () => {
    const empty = join(root, 'no-firmware');
    await mkdir(empty);
    const e = await failure(plan({ firmware: 'uefi' }, { VMDESK_FIRMWARE_DIRS: empty, PATH: `${process.env.PATH}:/nonexistent-fw` }));
    expect({ code: e.code, field: e.field }).toEqual({ code: 'INVALID_TASK', field: 'config.firmware' });
    expect(e.message).toMatch(/no UEFI firmware found.*sudo apt-get install ovmf/);
  });

  it('tpm: true without swtpm on PATH is refused with the package to install', async () => {
    const bin = join(root, 'bin-no-swtpm');
    await mkdir(bin);
    await symlink('/usr/bin/qemu-system-x86_64', join(bin, 'qemu-system-x86_64'));
    await symlink('/usr/bin/qemu-img', join(bin, 'qemu-img'));
    const e = await failure(plan({ tpm: true }, { PATH: bin }));
    expect({ code: e.code, field: e.field }).toEqual({ code: 'INVALID_TASK', field: 'config.tpm' });
    expect(e.message).toMatch(/swtpm .* was not found on PATH; install swtpm: sudo apt-get install swtpm swtpm-tools/);
  });

  it('firmware "uefi" with drive_interface "pflash" is refused', async () => {
    const e = await failure(plan({ firmware: 'uefi', drive_interface: 'pflash' }));
    expect(e.field).toBe('config.drive_interface');
  });
});
