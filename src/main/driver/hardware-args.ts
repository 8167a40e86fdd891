// The hardware part of the plan (config.firmware, secure_boot, tpm, drives, boot): what the VM gets and the
// exact argv. Pure: the drives are already resolved and inspected (image-resolve.ts), the firmware
// descriptors already read (firmware-descriptors.ts); buildPlan calls planHardware and splices its argv in.
import { basename, join } from 'node:path';
import { VmdeskError } from '../../shared/errors';
import type { ImageInfo, PlannedDrive, PlannedFirmware, PlannedTpm, VmPaths } from '../../shared/plan';
import type { Task } from '../../shared/task';
import { attachDrivesArgs, extraDriveId, type AttachDriveSpec } from './extra-drives';
import { chooseFirmware, type FirmwareDescriptor } from './firmware';
import { optValue, qemuOpts } from './qemu-syntax';

/** What planHardware needs from the host: the firmware descriptors and swtpm (absent: not installed). */
export interface HardwareHost {
  firmware?: FirmwareDescriptor[];
  swtpm?: string;
}

/** The planned hardware: extra -machine properties, argv to add after the disk, and what to record in the plan. */
export interface HardwarePlan {
  machineOpts: Array<[string, string]>;
  argv: string[];
  drives?: PlannedDrive[];
  firmware?: PlannedFirmware;
  tpm?: PlannedTpm;
}

/** The chardev and device ids of the TPM. */
export const TPM_IDS = { chardev: 'vmdesk-tpm', tpmdev: 'vmdesk-tpm0' } as const;

/** The Debian package that provides swtpm. */
export const SWTPM_PACKAGE_HINT = 'install swtpm: sudo apt-get install swtpm swtpm-tools (Debian/Ubuntu), sudo dnf install swtpm swtpm-tools (Fedora)';

const X86 = new Set(['x86_64', 'i386']);

/** Plans firmware, TPM and extra drives; throws a VmdeskError naming the field. `images[i]` is drive i, inspected. Pure. */
export function planHardware(task: Task, emulator: string, images: readonly ImageInfo[], paths: VmPaths, host: HardwareHost): HardwarePlan {
  const c = task.config;
  const out: HardwarePlan = { machineOpts: [], argv: [] };

  if (c.firmware === 'uefi') {
    if (c.drive_interface === 'pflash') {
      throw new VmdeskError('INVALID_TASK', 'firmware "uefi" loads OVMF into pflash itself; drive_interface "pflash" would replace it (use ide, virtio or scsi)', 'config.drive_interface');
    }
    const choice = chooseFirmware(host.firmware ?? [], { emulator, machineType: c.machine_type, secureBoot: c.secure_boot === true });
    if (!choice.ok) throw new VmdeskError('INVALID_TASK', choice.message, c.secure_boot ? 'config.secure_boot' : 'config.firmware');
    const d = choice.descriptor;
    const requiresSmm = d.features.includes('requires-smm');
    out.firmware = {
      secureBoot: c.secure_boot === true,
      descriptor: d.file,
      description: d.description,
      code: d.code,
      varsTemplate: d.varsTemplate,
      varsFile: join(paths.vmDir, 'efi', basename(d.varsTemplate)),
      requiresSmm,
    };
    if (requiresSmm) out.machineOpts.push(['smm', 'on']);
    out.argv.push(
      '-drive', qemuOpts([['if', 'pflash'], ['unit', '0'], ['format', d.codeFormat ?? 'raw'], ['read-only', 'on'], ['file.driver', 'file'], ['file.filename', d.code]]),
      '-drive', qemuOpts([['if', 'pflash'], ['unit', '1'], ['format', d.varsFormat ?? 'raw'], ['file.driver', 'file'], ['file.filename', out.firmware.varsFile]]),
      // With SMM, only SMM code may write the variable store: what makes Secure Boot's variables trustworthy.
      ...(requiresSmm ? ['-global', 'driver=cfi.pflash01,property=secure,value=on'] : []),
    );
  }

  const drives = c.drives ?? [];
  if (drives.length > 0) {
    if (images.length !== drives.length) throw new VmdeskError('INTERNAL', `${drives.length} drives but ${images.length} inspected images`);
    const bootCd = c.boot === 'cdrom' ? drives.findIndex((d) => d.media === 'cdrom') : -1;
    const specs: AttachDriveSpec[] = drives.map((d, i) => {
      const img = images[i]!;
      if (d.format !== undefined && d.format !== img.format) {
        throw new VmdeskError('IMAGE_INVALID', `drives[${i}]: format "${d.format}" was given, but ${img.path} is a ${img.format} image; fix the format or the file`, `config.drives.${i}.format`);
      }
      const iface = d.interface ?? defaultInterface(d.media, c.drive_interface);
      return {
        id: extraDriveId(i),
        file: img.path,
        format: img.format,
        media: d.media,
        interface: iface,
        readOnly: d.media === 'cdrom' || d.read_only === true,
        ...(task.disposable ? { snapshot: true } : {}),
        ...(i === bootCd ? { bootIndex: 0 } : {}),
      };
    });
    out.drives = specs.map((s, i) => ({
      id: s.id,
      path: s.file,
      format: s.format,
      media: s.media,
      interface: s.interface,
      readOnly: s.readOnly,
      ...(images[i]!.virtualSize !== undefined ? { virtualSize: images[i]!.virtualSize } : {}),
      ...(s.bootIndex !== undefined ? { boot: true } : {}),
    }));
    out.argv.push(...attachDrivesArgs(specs));
  }

  if (c.tpm) {
    if (!X86.has(emulator)) throw new VmdeskError('INVALID_TASK', `tpm: vmdesk attaches a TPM (tpm-tis) to x86_64 and i386 machines only, not ${emulator}`, 'config.tpm');
    if (!host.swtpm) throw new VmdeskError('INVALID_TASK', `tpm: swtpm (the TPM emulator) was not found on PATH; ${SWTPM_PACKAGE_HINT}`, 'config.tpm');
    out.tpm = {
      binary: host.swtpm,
      socket: join(paths.runtimeDir, 'tpm.sock'),
      stateDir: join(paths.vmDir, 'tpm'),
      log: join(paths.vmDir, 'swtpm.log'),
      pidFile: join(paths.vmDir, 'swtpm.pid'),
    };
    out.argv.push(
      '-chardev', `socket,id=${TPM_IDS.chardev},path=${optValue(out.tpm.socket)}`,
      '-tpmdev', `emulator,id=${TPM_IDS.tpmdev},chardev=${TPM_IDS.chardev}`,
      '-device', `tpm-tis,tpmdev=${TPM_IDS.tpmdev}`,
    );
  }
  return out;
}

/** A drive's interface when the task does not say: the image's own, where that suits the media; else ide. */
function defaultInterface(media: 'disk' | 'cdrom', imageInterface: string): 'ide' | 'virtio' | 'scsi' {
  if (imageInterface === 'scsi') return 'scsi';
  if (imageInterface === 'virtio' && media === 'disk') return 'virtio';
  return 'ide';
}
