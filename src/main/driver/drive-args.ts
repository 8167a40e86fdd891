// The disk: -drive with the format always explicit, the file protocol forced (file.driver=file, so no
// "json:"/"nbd:" prefix or format probing ever applies), every value comma-escaped. The drive always has
// the id "vmdesk-disk0", so `drive_interface = "none"` plus `-device ...,drive=vmdesk-disk0` in args works.
import type { DriveInterface } from '../../shared/task';
import { jsonOpt, qemuOpts } from './qemu-syntax';
import { needsScsiController } from './machine-facts';

/** The id of the task's disk in QEMU. */
export const DISK_ID = 'vmdesk-disk0';
/** The id of the SCSI controller vmdesk adds when the machine has none. */
export const SCSI_CONTROLLER_ID = 'vmdesk-scsi0';

/** What the drive needs: the file QEMU opens (the overlay for disposable VMs) and its format. */
export interface DriveSpec {
  file: string;
  format: string;
  driveInterface: DriveInterface;
  emulator: string;
  machineType: string;
}

/** The argv tokens for the task's disk. */
export function driveArgs(spec: DriveSpec): string[] {
  const base: Array<[string, string]> = [
    ['file.driver', 'file'],
    ['file.filename', spec.file],
    ['format', spec.format],
    ['id', DISK_ID],
  ];
  if (spec.driveInterface === 'scsi' && needsScsiController(spec.emulator, spec.machineType)) {
    return [
      '-device', jsonOpt({ driver: 'virtio-scsi-pci', id: SCSI_CONTROLLER_ID }),
      '-drive', qemuOpts([...base, ['if', 'none']]),
      '-device', jsonOpt({ driver: 'scsi-hd', drive: DISK_ID, bus: `${SCSI_CONTROLLER_ID}.0` }),
    ];
  }
  return ['-drive', qemuOpts([...base, ['if', spec.driveInterface]])];
}
