// Extra drives (config.drives, and drives vmdesk adds itself such as a cloud-init seed): a drive spec ->
// the exact argv. Same rules as the task's disk (drive-args.ts): the file protocol forced, the format
// explicit, every value comma-escaped or in JSON. Each drive is a `-drive if=none` backend plus a `-device`
// front end, so it can carry a bootindex (SeaBIOS and OVMF both read the boot order from bootindex). Pure.
import type { ExtraDriveInterface } from '../../shared/hardware';
import { jsonOpt, qemuOpts } from './qemu-syntax';

/** The SCSI controller vmdesk adds for extra drives on the scsi interface. */
export const EXTRA_SCSI_CONTROLLER_ID = 'vmdesk-scsi1';

/** The QEMU id of extra drive `i` (0-based): vmdesk-drive1, vmdesk-drive2, ... (vmdesk-disk0 is the image). */
export function extraDriveId(i: number): string {
  return `vmdesk-drive${i + 1}`;
}

/** One drive to attach: everything already resolved and checked (the file is a real, allowed path). */
export interface AttachDriveSpec {
  /** QEMU drive id (unique in the VM). */
  id: string;
  /** Absolute real path QEMU opens. */
  file: string;
  /** Image format, always explicit (never probed by QEMU). */
  format: string;
  media: 'disk' | 'cdrom';
  interface: ExtraDriveInterface;
  readOnly: boolean;
  /** Writes go to a temporary overlay QEMU discards at exit (a disposable VM's writable drives). */
  snapshot?: boolean;
  /** Boot priority (0 first); absent: not in the boot order. */
  bootIndex?: number;
}

/** The QEMU device that fronts a drive. */
function deviceDriver(d: AttachDriveSpec): string {
  if (d.interface === 'virtio') return 'virtio-blk-pci';
  if (d.interface === 'scsi') return d.media === 'cdrom' ? 'scsi-cd' : 'scsi-hd';
  return d.media === 'cdrom' ? 'ide-cd' : 'ide-hd';
}

/**
 * The argv tokens for one drive. A scsi drive goes on `scsiBus` (a controller the caller adds once:
 * scsiControllerArgs). This is the function to reuse for drives vmdesk attaches itself (e.g. a seed ISO).
 */
export function attachDriveArgs(d: AttachDriveSpec, scsiBus = `${EXTRA_SCSI_CONTROLLER_ID}.0`): string[] {
  const readOnly = d.readOnly || d.media === 'cdrom';
  const backend: Array<[string, string]> = [
    ['file.driver', 'file'],
    ['file.filename', d.file],
    ['format', d.format],
    ['id', d.id],
    ['if', 'none'],
    ...(readOnly ? ([['read-only', 'on']] as Array<[string, string]>) : []),
    ...(d.snapshot && !readOnly ? ([['snapshot', 'on']] as Array<[string, string]>) : []),
  ];
  const device: Record<string, unknown> = {
    driver: deviceDriver(d),
    drive: d.id,
    id: `${d.id}-dev`,
    ...(d.interface === 'scsi' ? { bus: scsiBus } : {}),
    ...(d.bootIndex !== undefined ? { bootindex: d.bootIndex } : {}),
  };
  return ['-drive', qemuOpts(backend), '-device', jsonOpt(device)];
}

/** The controller for extra scsi drives. */
export function scsiControllerArgs(id = EXTRA_SCSI_CONTROLLER_ID): string[] {
  return ['-device', jsonOpt({ driver: 'virtio-scsi-pci', id })];
}

/** Argv for a list of drives: one SCSI controller first when any drive needs it, then each drive in order. */
export function attachDrivesArgs(drives: readonly AttachDriveSpec[]): string[] {
  const scsi = drives.some((d) => d.interface === 'scsi') ? scsiControllerArgs() : [];
  return [...scsi, ...drives.flatMap((d) => attachDriveArgs(d))];
}
